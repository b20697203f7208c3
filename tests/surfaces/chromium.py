"""Debian's Chromium under Playwright, as the browser tests of tests/surfaces start it.

lab_browser.py and widgets_browser.py open one page in it and drive the lab through a Run
(lab_browser.Run): drive() starts the browser, hands the page to the run, turns what
Playwright or the server raises into a failed check (with what the page shows and a
screenshot), logs the page's console errors, and closes the browser.
"""
import os
import urllib.error

# The page's size: JupyterLab's notebook and its outputs side by side with the file browser.
VIEWPORT = {"width": 1400, "height": 1000}


def drive(log, make_run, steps, errors=()):
    """Opens a page in Chromium ($CHROMIUM, default /usr/bin/chromium), makes the run with
    make_run(page) and calls steps(run). An exception of Playwright, of the server's
    connection (URLError, OSError), KeyError or one of errors fails a check of the run.
    Returns the run."""
    from playwright.sync_api import Error, sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                     args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.on("console", lambda m: m.type == "error" and log("the page's console: " + m.text[:300]))
            run = make_run(page)
            try:
                steps(run)
            except (Error, urllib.error.URLError, OSError, KeyError) + tuple(errors) as e:
                run.check(False, "%s: %s (%s)" % (type(e).__name__, str(e).split("\n")[0], run.state()))
                try:
                    run.shot("failure")
                except Error:
                    pass
        finally:
            browser.close()
    return run
