#!/usr/bin/env python3
"""Drives JupyterLab in Chromium as a learner does, and checks what the learner sees.

  lab_browser.py --url URL --chapter NAME [--folder DIR] [--shots DIR] [--expected FILE]

URL is the address the server printed, with its token (http://127.0.0.1:PORT/lab?token=...).
DIR is the folder of the chapter, relative to the folder JupyterLab serves ("" for that
folder itself). With Playwright (requirements/test.txt) and Debian's Chromium
($CHROMIUM, default /usr/bin/chromium; Playwright's own browsers are never downloaded):

  1. opens JupyterLab and its file browser, which lists the chapter;
  2. opens the chapter from the file browser (into DIR, a double-click on the file), on
     the kernel "Go (fashion-gomlx)", and waits until the kernel is idle;
  3. runs every cell with Run -> Run All Cells and waits until each code cell has run and
     the kernel is idle again;
  4. checks the page: no error output, no failed cell program, as many images as the
     notebook's outputs hold and at least as many as notebooks/expected.json asks for,
     each decoded by the browser; every formula of the markdown cells typeset by MathJax,
     with no MathJax error;
  5. saves with File -> Save Notebook and checks, through the server, that the notebook in
     the learner's folder now holds the outputs the page shows;
  6. opens a terminal (File -> New -> Terminal), types a command that writes `go version`
     and the path of `tensorboard` into a file, and checks the file, through the server.

Screenshots of each step go to --shots (default tests/surfaces/screenshots/). Exits 1 with
one line per failed check, 2 for a wrong command line.
"""
import argparse
import glob
import json
import os
import re
import sys
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import check_notebooks  # noqa: E402 (the notebook checks run-notebooks.sh uses)
sys.path.insert(0, HERE)
import chromium  # noqa: E402

KERNEL = "Go (fashion-gomlx)"
PROG = "lab-browser"
# playwright.sync_api's Error and TimeoutError, once main imports Playwright.
PlaywrightError = PlaywrightTimeout = None
# Math in Jupyter markdown: $$...$$, $...$, \[...\], \(...\), outside code.
MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$[^$\n]+?\$|\\\[.+?\\\]|\\\(.+?\\\)", re.S)
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def log(msg):
    print("%s: %s" % (PROG, msg), flush=True)


class Lab:
    """The server behind the page: its contents API, with the token of the URL (or token).

    The server's base URL is the URL's path before /lab: none for a lab of its own,
    /user/NAME under a JupyterHub (tests/hub/)."""

    def __init__(self, url, token=None):
        parts = urllib.parse.urlsplit(url)
        prefix = parts.path.split("/lab")[0].rstrip("/")
        self.base = "%s://%s%s" % (parts.scheme, parts.netloc, prefix)
        self.token = token or urllib.parse.parse_qs(parts.query).get("token", [""])[0]
        self.url = url

    def api(self, method, path, body=None, **query):
        url = self.base + "/api/contents/" + urllib.parse.quote(path)
        if query:
            url += "?" + urllib.parse.urlencode(query)
        req = urllib.request.Request(
            url, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": "token " + self.token, "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            data = r.read()
        return json.loads(data) if data else None


def math_count(nb):
    """The formulas of the markdown cells, as JupyterLab's markdown renderer finds them."""
    n = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            n += len(MATH.findall(CODE.sub("", check_notebooks.joined(cell.get("source")))))
    return n


def expected_images(spec_path, chapter):
    try:
        checks = check_notebooks.load(spec_path).get(chapter, [])
    except OSError:
        return 0
    want = [1 if c["image"] is True else int(c["image"]) for c in checks if "image" in c]
    return max(want or [0])


def saved_images(nb):
    return sum(1 for _, cell in check_notebooks.code_cells(nb) for o in cell.get("outputs", [])
               for m in check_notebooks.IMAGE_MIMES if m in o.get("data", {}))


class Run:
    """One pass through the lab; each failed check is a line in self.failures."""

    def __init__(self, page, lab, args):
        self.page, self.lab, self.args = page, lab, args
        self.failures = []
        self.shot_n = 0

    def check(self, ok, what):
        log(("ok: " if ok else "FAILED: ") + what)
        if not ok:
            self.failures.append(what)
        return ok

    def shot(self, name, locator=None):
        self.shot_n += 1
        path = os.path.join(self.args.shots, "%02d-%s.png" % (self.shot_n, name))
        (locator or self.page).screenshot(path=path)

    def menu(self, *labels):
        """Clicks a menu bar entry, then the items of its submenus, by their labels."""
        page = self.page
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^%s$" % labels[0])).click()
        for label in labels[1:]:
            page.locator(".lm-Menu:visible .lm-Menu-itemLabel",
                         has_text=re.compile("^%s$" % re.escape(label))).first.click()

    def open_chapter(self):
        page, args = self.page, self.args
        page.goto(self.lab.url)
        page.locator("#jp-main-dock-panel").wait_for(timeout=120_000)
        # The file browser: the left side bar's first tab, open in a new workspace once
        # JupyterLab has restored its layout; its tab opens and closes it.
        page.locator("#jp-main-statusbar").wait_for(timeout=120_000)
        page.wait_for_timeout(3000)
        browser = page.locator("#filebrowser")
        for _ in range(3):
            if browser.is_visible():
                break
            page.locator('li.lm-TabBar-tab[data-id="filebrowser"]').click()
            page.wait_for_timeout(2000)
        browser.wait_for(timeout=10_000)
        def item(name):
            return browser.locator(".jp-DirListing-item").filter(has=page.locator(
                ".jp-DirListing-itemText", has_text=re.compile("^%s$" % re.escape(name)))).first
        for part in [p for p in args.folder.split("/") if p]:
            item(part).wait_for(timeout=30_000)
            item(part).dblclick()
            browser.locator(".jp-BreadCrumbs", has_text=part).wait_for()
        chapter = item(args.chapter)
        self.check(chapter.wait_for(timeout=60_000) is None, "the file browser lists %s%s" % (
            args.folder + "/" if args.folder else "", args.chapter))
        self.shot("file-browser")
        chapter.dblclick()
        panel = page.locator(".jp-NotebookPanel:visible")
        panel.wait_for(timeout=60_000)
        kernel = panel.locator(".jp-Toolbar-kernelName")
        kernel.wait_for()
        # Connected: the toolbar names the kernel. GoNB answers Jupyter's first
        # kernel_info_request, whose status messages JupyterLab ignores, so the status
        # stays "Unknown" until a cell runs.
        try:
            status = page.wait_for_function(
                """([name, states]) => {
                     const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
                     const k = p && p.querySelector('.jp-Toolbar-kernelName');
                     const i = p && p.querySelector('.jp-Notebook-ExecutionIndicator');
                     return k && i && k.innerText.trim() === name && states.includes(i.dataset.status)
                       && i.dataset.status;
                   }""", arg=[KERNEL, ["idle", "unknown"]], timeout=180_000, polling=500).json_value()
        except PlaywrightTimeout:
            status = None
        name = kernel.inner_text().strip()
        self.check(status is not None, "the chapter opened on the kernel %r, connected "
                   "(toolbar: %r; status: %s)" % (KERNEL, name, status))
        self.shot("chapter-opened")
        return panel

    def state(self):
        """What the page shows of the kernel, for a failure's message."""
        try:
            return self.page.evaluate(
                """() => [...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')]
                          .map(e => 'indicator ' + e.dataset.status).join(', ') + '; status bar: '
                          + document.querySelector('#jp-main-statusbar').textContent""")
        except PlaywrightError:
            return "page unreadable"

    def wait_status(self, states, seconds):
        """Waits until the notebook's kernel is in one of states (the toolbar's indicator)."""
        return self.page.wait_for_function(
            """(states) => {
                 const i = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
                 return i && states.includes(i.dataset.status) && i.dataset.status;
               }""", arg=list(states), timeout=seconds * 1000, polling=500).json_value()

    def wait_idle(self, seconds):
        """Waits until the notebook's kernel is idle, on the toolbar and in the status bar."""
        self.wait_status(("idle",), seconds)
        self.page.wait_for_function(
            "() => /[|] *Idle/.test(document.querySelector('#jp-main-statusbar').textContent)",
            timeout=seconds * 1000, polling=500)

    def run_all(self, panel):
        start = time.monotonic()
        self.menu("Run", "Run All Cells")
        cells = panel.locator(".jp-CodeCell")
        n = cells.count()
        # Every code cell shows [N]: once it ran; [*]: while it runs or waits. (textContent:
        # innerText is empty for the cells that content-visibility skips, off screen.) The
        # committed notebooks open with the prompts of their rendered run, [1]: to [n]:, so
        # first wait for this run to start: a cell queued or running shows [*]:.
        self.page.wait_for_function(
            """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
                       .some(e => e.textContent.trim() === '[*]:')""", timeout=60 * 1000, polling=100)
        self.page.wait_for_function(
            """(n) => {
                 const p = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
                 return p.length === n && p.every(e => /^\\[\\d+\\]:$/.test(e.textContent.trim()));
               }""", arg=n, timeout=self.args.timeout * 1000, polling=1000)
        self.wait_idle(60)
        self.check(True, "Run All Cells ran the %d code cells in %.0fs; the kernel is idle"
                   % (n, time.monotonic() - start))

    def check_page(self, panel, original):
        page = self.page
        # Outputs: JupyterLab renders an error output and a stderr stream alike; GoNB's
        # compile errors are HTML with an "ERROR" output; a failed program ends its stderr
        # with "exit status N". The saved notebook (below) tells errors apart exactly.
        stderr = panel.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        failed = [t for t in stderr.all_text_contents()
                  if check_notebooks.PROGRAM_FAILED.match(t.strip().split("\n")[-1])
                  or "Traceback" in t or "panic:" in t]
        self.check(not failed, "no cell shows a failed program or a panic%s" % (
            "" if not failed else ": " + failed[0][-200:].replace("\n", " | ")))
        images = panel.locator(".jp-OutputArea-output img, .jp-OutputArea-output .jp-RenderedSVG svg")
        for i in range(images.count()):
            images.nth(i).scroll_into_view_if_needed()
        decoded = panel.locator(".jp-OutputArea-output img").evaluate_all(
            "els => els.filter(e => e.complete && e.naturalWidth > 0).length")
        svgs = panel.locator(".jp-OutputArea-output .jp-RenderedSVG svg").count()
        shown = images.count()
        self.page_images = shown
        want = expected_images(self.args.expected, self.args.chapter)
        self.check(shown >= max(want, 1) and decoded + svgs == shown,
                   "%d images on the page, %d decoded by the browser (notebooks/expected.json "
                   "asks for at least %d)" % (shown, decoded + svgs, want))
        for i in range(min(shown, 6)):
            self.shot("image-%d" % (i + 1), images.nth(i))
        formulas = math_count(original)
        md = panel.locator(".jp-MarkdownCell .jp-RenderedMarkdown")
        for i in range(md.count()):
            md.nth(i).scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        typeset = panel.locator(".jp-RenderedMarkdown mjx-container").count()
        errors = panel.locator(".jp-RenderedMarkdown mjx-merror").count()
        self.check(formulas > 0 and typeset >= formulas and errors == 0,
                   "MathJax typeset %d formulas on the page (the markdown holds %d), %d errors"
                   % (typeset, formulas, errors))
        maths = panel.locator(".jp-RenderedMarkdown mjx-container")
        if typeset:
            first = maths.first.locator("xpath=ancestor::div[contains(@class,'jp-MarkdownCell')]")
            self.shot("maths", first)

    def save(self, panel, path):
        before = self.lab.api("GET", path, content=0)["last_modified"]
        self.menu("File", "Save Notebook")
        tab = self.page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            saved = self.lab.api("GET", path, content=0)
            if saved["last_modified"] != before and tab.count() == 0:
                break
            time.sleep(0.5)
        saved = self.lab.api("GET", path)
        self.check(saved["last_modified"] != before,
                   "File -> Save Notebook wrote %s (modified %s, was %s)"
                   % (path, saved["last_modified"], before))
        nb = saved["content"]
        spec = check_notebooks.load(self.args.expected).get(self.args.chapter, [])
        failures = check_notebooks.check_nb(nb, spec)
        for f in failures:
            self.check(False, "the saved notebook: " + f)
        ran = [c for _, c in check_notebooks.code_cells(nb) if c.get("execution_count")]
        self.check(len(ran) == len(check_notebooks.code_cells(nb)) and not failures,
                   "the saved notebook holds the outputs of its %d code cells, without errors, "
                   "with the outputs notebooks/expected.json lists"
                   % len(ran))
        n = saved_images(nb)
        self.check(n == self.page_images,
                   "the saved notebook holds %d images, as the page shows %d" % (n, self.page_images))

    def terminal(self):
        name = "terminal-check-%d.txt" % os.getpid()
        self.menu("File", "New", "Terminal")
        term = self.page.locator(".jp-Terminal:visible")
        term.wait_for(timeout=60_000)
        term.locator(".xterm-screen").wait_for()
        self.page.wait_for_timeout(2000)  # The shell's prompt.
        term.click()
        # Written under another name, then renamed: the file appears whole (the shell makes it
        # empty before `go version` writes, which takes a while on a busy machine).
        self.page.keyboard.type("{ go version; command -v tensorboard; } > %s.tmp; mv %s.tmp %s; echo written\n"
                                % (name, name, name), delay=20)
        deadline = time.monotonic() + 60
        text = None
        while time.monotonic() < deadline and text is None:
            try:
                text = self.lab.api("GET", name, type="file", format="text")["content"]
            except urllib.error.HTTPError:
                time.sleep(0.5)
        self.page.wait_for_timeout(1000)
        self.shot("terminal", term)
        lines = (text or "").splitlines()
        self.check(len(lines) == 2 and lines[0].startswith("go version go")
                   and lines[1].endswith("/tensorboard"),
                   "a terminal ran `go version` and found `tensorboard`, typed on the page: %r" % lines)
        if text is not None:
            self.lab.api("DELETE", name)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True, help="the lab's URL, with its token")
    p.add_argument("--chapter", required=True, help="the notebook's file name")
    p.add_argument("--folder", default="", help="its folder, relative to the lab's root")
    p.add_argument("--shots", default=os.path.join(HERE, "screenshots"), help="screenshot folder")
    p.add_argument("--expected", default=os.path.join(ROOT, "notebooks", "expected.json"))
    p.add_argument("--timeout", type=int, default=900, help="seconds Run All Cells may take")
    p.add_argument("--no-terminal", action="store_true", help="skip the terminal check")
    args = p.parse_args()
    if "token=" not in args.url:
        p.error("the URL has no token=")

    global PlaywrightError, PlaywrightTimeout
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    os.makedirs(args.shots, exist_ok=True)
    for old in glob.glob(os.path.join(args.shots, "*.png")):
        os.remove(old)
    lab = Lab(args.url)
    path = "/".join(x for x in (args.folder.strip("/"), args.chapter) if x)
    start = time.monotonic()

    def steps(run):
        original = lab.api("GET", path)["content"]
        panel = run.open_chapter()
        run.run_all(panel)
        run.shot("ran")
        run.check_page(panel, original)
        run.save(panel, path)
        if not args.no_terminal:
            run.terminal()

    run = chromium.drive(log, lambda page: Run(page, lab, args), steps)
    log("%d checks failed; %.0fs; screenshots in %s" % (len(run.failures), time.monotonic() - start,
                                                       args.shots))
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
