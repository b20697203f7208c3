#!/usr/bin/env python3
"""Drives the chapters' widgets in JupyterLab as a learner does, and checks what the page shows.

  widgets_browser.py --url URL --data-dir DIR --learner DIR --part PART [--shots DIR] [--prose] [--timing]

URL is the lab's address with its token; the lab serves a copy of notebooks/ (run.sh's
"widgets" part), DIR (--learner) that folder. --data-dir holds Fashion-MNIST's files
(t10k-labels-idx1-ubyte.gz), read here to know each test image's true class. With
Playwright and Debian's Chromium:

  --part train (a lab with FASHION_QUICK=0): chapter 8, Run -> Run All Cells. The
     learning-rate explorer's cell returns (the cells after it run); its slider at 1, 0.0001
     and 0.03 shows that rate and another figure, in the page. The Stop button of the live
     curves, clicked during the first epoch, ends training after an epoch K < 4 (the
     recipe's patience is 3, so early stopping cannot be the cause): the cell says "Stopped
     with the Stop button after epoch K", the model saved in models/tutorial holds K epochs;
     every cell ran, with no error output.
  --part page (a lab with FASHION_QUICK=1): chapters 10 and 13, Run All Cells on each:
  1. Run All finishes: every code cell numbered, none [*], no error output; both widgets
     of chapter 10 live at the same time (their page programs loaded: load time and bytes
     logged);
  2. the test-set browser: the slider moved to image N (typed, and with the arrow keys)
     shows test image N with its true class from the data files; "only the mistakes" shows
     images whose answer differs from their class;
  3. the drawing pad: strokes drawn with the mouse (a vertical bar, a T shape, a boot
     outline) change the probability bars and the 28x28 preview after each stroke, each
     answer within 50 ms of the end of its stroke (the median; the page measures it; a check
     with --timing, else logged, as the 5 s from a pad's output to a live pad); Clear
     empties it; "Load a picture" with pictures/sneaker.png gives the answer the chapter's
     own cell printed for that file; the answers for the three drawings are printed, and
     with --prose they must be those the chapter's prose states;
  4. the kernel shut down (Kernel -> Shut Down Kernel): a new stroke still changes the bars
     and the preview, the slider still moves;
  5. the notebook saved, closed and opened again: both widgets come back live, and a
     stroke gets an answer;
  6. chapter 13: Run All finishes; its pad (the convolutional network of models/cnn) is
     live beside chapter 10's, and a stroke gets an answer.

run.sh checks afterwards that no process of the lab is left. Exits 1 with one line per
failed check.
"""
import argparse
import gzip
import json
import os
import re
import sys
import time
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import chromium  # noqa: E402
import lab_browser  # noqa: E402
from lab_browser import Lab, Run, log  # noqa: E402

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot"]
# The drawings, in pad pixels (the pad is 280 x 280), as tutorial/drawpad.go's sampleDrawings:
# each a list of strokes, each a list of points the mouse moves through.
DRAWINGS = [
    ("a vertical bar", [[(140, 40), (140, 240)]]),
    ("a T shape", [[(60, 50), (220, 50)], [(140, 50), (140, 240)]]),
    ("a boot outline", [[(90, 40), (90, 180), (60, 230), (230, 230), (230, 195), (160, 170),
                         (150, 40), (90, 40)]]),
]
# The prose of chapter 10 states each answer as: a vertical bar ... **Trouser**.
PROSE = re.compile(r"(a vertical bar|a T shape|a boot outline)[^*]*\*\*([^*]+)\*\*")  # on one-spaced text


def test_labels(data_dir):
    with gzip.open(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz")) as f:
        data = f.read()
    if int.from_bytes(data[:4], "big") != 2049:
        raise ValueError("not an IDX label file")
    return list(data[8:])


class Widgets(Run):
    """The learner's pass over the widgets; failures in self.failures."""

    def __init__(self, page, lab, args):
        super().__init__(page, lab, args)
        self.args.chapter = None
        self.latencies = []

    def widget(self, kind, seconds):
        w = self.page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .fw[data-widget="%s"]' % kind).first
        w.wait_for(timeout=seconds * 1000)
        w.scroll_into_view_if_needed()
        return w

    def live(self, kind, seconds=60, within=None):
        """Waits until the widget's page program is ready; returns the widget, or None. With
        within, the page must have loaded it within that many seconds."""
        w = self.widget(kind, seconds)
        try:
            self.page.wait_for_function(
                "w => ['ready', 'error'].includes(w.querySelector('.fw-status').dataset.state)",
                arg=w.element_handle(), timeout=seconds * 1000, polling=100)
        except lab_browser.PlaywrightTimeout:
            pass
        state = w.locator(".fw-status").get_attribute("data-state")
        load, size = w.get_attribute("data-load-ms"), w.get_attribute("data-bytes")
        files = w.get_attribute("data-files-ms")
        self.check(state == "ready", "%s: live in the page (status %s: %r; the cell wrote its files in %s ms; "
                   "the page loaded them in %s ms, %s bytes fetched)"
                   % (kind, state, w.locator(".fw-status").text_content(), files, load,
                      size and "{:,}".format(int(size))))
        if within and state == "ready":
            self.timing(int(load) < within * 1000, "%s: live %s ms after the cell's output (under %d s)" % (kind, load, within))
        return w if state == "ready" else None

    def answer(self, w):
        return w.locator(".fw-live .fw-answer-line").first

    def wait_answer(self, w, predicate, seconds=20):
        """Waits until the widget's answer line satisfies predicate(attributes); returns them."""
        deadline = time.monotonic() + seconds
        attrs = None
        while time.monotonic() < deadline:
            try:
                attrs = self.answer(w).evaluate(
                    "e => Object.fromEntries([...e.attributes].map(a => [a.name, a.value]))", timeout=2000)
            except lab_browser.PlaywrightError:
                attrs = None
            if attrs and predicate(attrs):
                return attrs
            time.sleep(0.05)
        return attrs

    def bars(self, w):
        return w.locator(".fw-live .fw-bar").evaluate_all("els => els.map(e => e.dataset.class + '=' + e.dataset.p)")

    def preview(self, w):
        imgs = w.locator(".fw-live img.fw-pixels")
        return imgs.first.get_attribute("src") if imgs.count() else None

    def run_all(self, panel):
        start = time.monotonic()
        self.menu("Run", "Run All Cells")
        self.page.wait_for_function(
            """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
                       .some(e => e.textContent.trim() === '[*]:')""", timeout=60 * 1000, polling=100)
        return start

    def all_ran(self, start, seconds, chapter):
        """Waits until every code cell of the notebook shows [N]: (none [*]) and the kernel is idle."""
        try:
            self.page.wait_for_function(
                """() => {
                     const p = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
                     return p.length > 0 && p.every(e => /^\\[\\d+\\]:$/.test(e.textContent.trim()));
                   }""", timeout=seconds * 1000, polling=500)
            self.wait_idle(60)
            ok = True
        except lab_browser.PlaywrightTimeout:
            ok = False
        prompts = self.page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt').all_text_contents()
        self.check(ok, "%s: Run All Cells ran to the last cell in %.0fs, no cell left running or waiting (prompts: %s)"
                   % (chapter, time.monotonic() - start, " ".join(p.strip() for p in prompts)))

    def no_errors(self, panel, chapter):
        stderr = panel.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        texts = stderr.all_text_contents()
        failed = [t for t in texts if lab_browser.check_notebooks.PROGRAM_FAILED.match(t.strip().split("\n")[-1])
                  or "Traceback" in t or "panic:" in t or "✗" in t]
        self.check(not failed, "%s: no cell shows an error%s" % (
            chapter, "" if not failed else ": " + failed[0][-300:].replace("\n", " | ")))

    def open(self, chapter):
        self.args.chapter = chapter
        return self.open_chapter()

    # Chapter 10.

    def browse(self, w, labels):
        self.shot("browse", w)
        slider = w.locator('input[type="range"]')
        for n in (1234, 0, 9999, 42):
            start = time.monotonic()
            slider.fill(str(n))
            attrs = self.wait_answer(w, lambda a: a.get("data-image") == str(n))
            took = time.monotonic() - start
            self.check(attrs is not None and attrs.get("data-image") == str(n)
                       and attrs.get("data-label") == CLASSES[labels[n]],
                       "browser: the slider moved to image %d shows test image %d, true class %s "
                       "(the page: %s, in %.2fs)" % (n, n, CLASSES[labels[n]], attrs, took))
        slider.click()  # the middle of the slider: about image 5,000
        attrs = self.wait_answer(w, lambda a: a.get("data-image") != "42")
        n = int(attrs["data-image"]) if attrs else -1
        self.check(4000 < n < 6000 and attrs.get("data-label") == CLASSES[labels[n]],
                   "browser: a click in the middle of the slider shows test image %d, true class %s (the page: %s)"
                   % (n, n >= 0 and CLASSES[labels[n]], attrs))
        slider.press("ArrowRight")  # the key goes to the slider, as after the learner's click
        attrs = self.wait_answer(w, lambda a: a.get("data-image") == str(n + 1))
        self.check(attrs is not None and attrs.get("data-image") == str(n + 1)
                   and attrs.get("data-label") == CLASSES[labels[n + 1]],
                   "browser: then the arrow key moves to image %d, true class %s (the page: %s)"
                   % (n + 1, CLASSES[labels[n + 1]], attrs))
        w.locator("select").select_option(label="only the mistakes")
        # The page answers every test image in the background; the mistakes show then.
        attrs = self.wait_answer(w, lambda a: a.get("data-image", "-1") != "-1"
                                 and a.get("data-label") != a.get("data-answer"), seconds=180)
        first = attrs and attrs.get("data-image")
        slider.fill("5")
        attrs = self.wait_answer(w, lambda a: a.get("data-image") != first and a.get("data-label") != a.get("data-answer"))
        ok = attrs is not None and attrs.get("data-label") != attrs.get("data-answer") and \
            CLASSES[labels[int(attrs["data-image"])]] == attrs.get("data-label")
        self.check(ok, "browser: 'only the mistakes' shows images the model gets wrong (the 6th: %s; %s)"
                   % (attrs, w.locator('[data-part="progress"]').text_content()))
        self.shot("browse-mistakes", w)

    def stroke(self, pad, points):
        box = pad.bounding_box()
        sx, sy = box["width"] / 280, box["height"] / 280
        mouse = self.page.mouse
        x, y = points[0]
        mouse.move(box["x"] + x * sx, box["y"] + y * sy)
        mouse.down()
        for x, y in points[1:]:
            mouse.move(box["x"] + x * sx, box["y"] + y * sy, steps=12)
        mouse.up()

    def draw_one(self, w, points, want, what):
        """Draws a stroke and checks that the bars and the preview changed; returns the answer's attributes."""
        pad = w.locator("canvas.fw-pad")
        pad.scroll_into_view_if_needed()
        before_bars, before_preview = self.bars(w), self.preview(w)
        self.stroke(pad, points)
        attrs = self.wait_answer(w, lambda a: want in a.get("data-what", ""))
        bars, preview = self.bars(w), self.preview(w)
        view = w.locator('[data-part="view"]')
        ms, compute = view.get_attribute("data-ms"), view.get_attribute("data-compute-ms")
        if ms:
            self.latencies.append(float(ms))
        self.check(attrs is not None and attrs.get("data-answer") in CLASSES and len(bars) == 10
                   and bars != before_bars and preview and preview != before_preview,
                   "pad: %s: the bars and the 28x28 preview changed; the model says %s (%s ms after the stroke, "
                   "of which %s ms in the page program)" % (what, attrs and attrs.get("data-answer"), ms, compute))
        return attrs

    def clear(self, w):
        w.locator("button", has_text="Clear").click()
        attrs = self.wait_answer(w, lambda a: a.get("data-answer") == "")
        self.check(attrs is not None and attrs.get("data-answer") == "" and self.preview(w) is None,
                   "pad: Clear empties it")

    def draw(self, w, sneaker_answer):
        answers = {}
        for name, strokes in DRAWINGS:
            for k, points in enumerate(strokes):
                want = "(1 stroke)" if k == 0 else "(%d strokes)" % (k + 1)
                attrs = self.draw_one(w, points, want, "%s, stroke %d" % (name, k + 1))
            answers[name] = attrs and attrs.get("data-answer")
            top = sorted(self.bars(w), key=lambda b: -float(b.split("=")[1]))[:2]
            log("pad: %s -> %s (%s)" % (name, answers[name], ", ".join(top)))
            self.shot("pad-" + name.split()[-1], w)
            self.clear(w)
        picture = os.path.join(self.args.learner, "pictures", "sneaker.png")
        w.locator('input[type="file"]').set_input_files(picture)
        attrs = self.wait_answer(w, lambda a: a.get("data-what") == "your picture")
        self.check(attrs is not None and attrs.get("data-answer") == sneaker_answer,
                   "pad: Load a picture reads pictures/sneaker.png as the chapter's cell does: %s (the cell: %s)"
                   % (attrs and attrs.get("data-answer"), sneaker_answer))
        return answers

    def timing(self, ok, what):
        """A target of time: a check with --timing, else a line of the log (a machine shared
        with other work misses them; docs/widgets.md gives the figures and their load)."""
        if self.args.timing:
            self.check(ok, what)
        else:
            log("timing (%s): %s" % ("met" if ok else "missed", what))

    def latency(self):
        lat = sorted(self.latencies)
        median = lat[len(lat) // 2] if lat else None
        self.timing(median is not None and median < 50,
                   "pad: from the end of a stroke to the new bars, in the page: median %s ms (under 50), max %s ms, "
                   "over %d strokes: %s" % (median, lat and lat[-1], len(lat), self.latencies))

    def prose(self, answers):
        nb = self.lab.api("GET", "10_predict.ipynb")["content"]
        text = "".join(lab_browser.check_notebooks.joined(c.get("source")) for c in nb["cells"]
                       if c.get("cell_type") == "markdown")
        stated = dict(PROSE.findall(" ".join(text.split())))
        self.check(stated == answers, "chapter 10's prose states the answers measured: %s (the page: %s)"
                   % (stated, answers))

    def shut_down_kernel(self, pad, browser):
        """Shuts the kernel down from the menu; the widgets go on answering."""
        kernel = self.kernel_id()
        self.menu("Kernel", "Shut Down Kernel")
        dialog = self.page.locator(".jp-Dialog")
        try:
            dialog.wait_for(timeout=5000)
            dialog.locator("button", has_text=re.compile("Shut Down|Shutdown")).first.click()
        except lab_browser.PlaywrightTimeout:
            pass
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.kernel_state(kernel) is not None:
            time.sleep(0.5)
        gone = self.kernel_state(kernel) is None
        self.check(gone, "the kernel is shut down (Kernel -> Shut Down Kernel)")
        self.clear(pad)
        self.draw_one(pad, DRAWINGS[0][1][0], "(1 stroke)", "with the kernel shut down, a stroke")
        slider = browser.locator('input[type="range"]')
        browser.locator("select").select_option(label="all test images")
        slider.fill("77")
        attrs = self.wait_answer(browser, lambda a: a.get("data-image") == "77")
        self.check(attrs is not None and attrs.get("data-image") == "77",
                   "browser: with the kernel shut down, the slider still moves (image 77: %s)" % attrs)
        self.shot("kernel-shut-down")

    def reopen(self, panel):
        """Saves, closes and opens the notebook again: its widgets come back live."""
        self.menu("File", "Save Notebook")
        self.page.wait_for_timeout(2000)
        tab = self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=self.args.chapter)
        tab.locator(".lm-TabBar-tabCloseIcon").click()
        dialog = self.page.locator(".jp-Dialog")
        try:
            dialog.wait_for(timeout=3000)
            dialog.locator("button", has_text=re.compile("Discard|Don't Save|Close")).first.click()
        except lab_browser.PlaywrightTimeout:
            pass
        tab.wait_for(state="detached", timeout=10_000)
        panel = self.open(self.args.chapter)
        pad, browser = self.live("drawpad"), self.live("browse")
        if pad:
            self.draw_one(pad, DRAWINGS[1][1][0], "(1 stroke)", "in the notebook opened again, a stroke")
        self.shot("reopened")
        return panel

    def kernel_id(self):
        sessions = self.lab_get("/api/sessions")
        ids = [s["kernel"]["id"] for s in sessions if s.get("path", "").endswith(self.args.chapter)]
        return ids[0] if ids else None

    def kernel_state(self, kernel):
        for k in self.lab_get("/api/kernels"):
            if k["id"] == kernel:
                return k.get("execution_state")
        return None

    def lab_get(self, path):
        req = urllib.request.Request(self.lab.base + path, headers={"Authorization": "token " + self.lab.token})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    # Chapter 8.

    def rates(self):
        w = self.widget("rates", 900)
        slider = w.locator('input[type="range"]')
        for pos, rate in ((8, "1"), (0, "0.0001"), (5, "0.03")):
            before = w.locator("img").first.get_attribute("src")
            slider.fill(str(pos))
            shown = w.locator('[data-rate="%s"]' % rate)
            try:
                shown.wait_for(timeout=5_000)
                ok = w.locator("img").first.get_attribute("src") != before
            except lab_browser.PlaywrightTimeout:
                ok = False
            self.check(ok, "explorer: the slider at %d shows the learning rate %s and another figure" % (pos, rate))
        self.shot("rates", w)

    def stop_training(self, panel, start):
        w = self.widget("stop", 900)
        self.shot("stop")
        w.locator("button", has_text="Stop training").click()
        line = self.page.locator(".jp-OutputArea-output", has_text="Stopped with the Stop button after epoch")
        line.first.wait_for(timeout=600_000)
        m = re.search(r"after epoch (\d+)", line.first.text_content())
        k = int(m.group(1)) if m else -1
        self.all_ran(start, 900, "chapter 8")
        self.no_errors(panel, "chapter 8")
        saved = self.lab.api("GET", "models/tutorial/model.json", type="file", format="text")["content"]
        epochs = len(json.loads(saved)["history"]["epochs"])
        self.check(0 < k < 4 and epochs == k and self.page.locator(
            ".jp-OutputArea-output", has_text="Model saved to models/tutorial").count() >= 1,
            "chapter 8: Stop ended training after epoch %d, and the model saved holds %d epochs" % (k, epochs))


def sneaker_answer(panel):
    out = panel.locator(".jp-OutputArea-output", has_text="pictures/sneaker.png: ").first
    m = re.search(r"pictures/sneaker\.png: (.+?) \(p=", out.text_content())
    return m.group(1) if m else None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True)
    p.add_argument("--data-dir", required=True, help="Fashion-MNIST's files")
    p.add_argument("--learner", required=True, help="the folder the lab serves")
    p.add_argument("--part", required=True, choices=["train", "page"])
    p.add_argument("--shots", default=os.path.join(HERE, "screenshots", "widgets"))
    p.add_argument("--prose", action="store_true", help="the drawings' answers must be the prose's")
    p.add_argument("--timing", action="store_true", help="the targets of time are checks (a quiet machine)")
    p.add_argument("--folder", default="")
    p.add_argument("--expected", default=None)
    args = p.parse_args()
    labels = test_labels(args.data_dir)

    from playwright.sync_api import Error, TimeoutError
    lab_browser.PlaywrightError, lab_browser.PlaywrightTimeout = Error, TimeoutError
    os.makedirs(args.shots, exist_ok=True)
    lab = Lab(args.url)
    start = time.monotonic()

    def train(run):
        panel = run.open("08_train.ipynb")
        began = run.run_all(panel)
        run.rates()
        run.stop_training(panel, began)

    def page(run):
        panel = run.open("10_predict.ipynb")
        began = run.run_all(panel)
        run.all_ran(began, 900, "chapter 10")
        run.no_errors(panel, "chapter 10")
        browser, pad = run.live("browse"), run.live("drawpad", within=5)
        if browser:
            run.browse(browser, labels)
        if pad:
            answers = run.draw(pad, sneaker_answer(panel))
            if args.prose:
                run.prose(answers)
        if browser and pad:
            run.shut_down_kernel(pad, browser)
            panel = run.reopen(panel)
        panel = run.open("13_more_architectures.ipynb")
        began = run.run_all(panel)
        run.all_ran(began, 900, "chapter 13")
        run.no_errors(panel, "chapter 13")
        pad = run.live("drawpad", within=5)
        if pad:
            run.draw_one(pad, DRAWINGS[0][1][0], "(1 stroke)", "chapter 13's pad (the convolutional network), a stroke")
            run.shot("ch13-pad", pad)
        run.latency()

    run = chromium.drive(log, lambda pg: Widgets(pg, lab, args), train if args.part == "train" else page,
                         errors=(ValueError,))
    log("widgets (%s): %d checks failed; %.0fs" % (args.part, len(run.failures), time.monotonic() - start))
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
