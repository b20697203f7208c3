#!/usr/bin/env python3
"""Drives the chapters' widgets in JupyterLab as a learner does, and checks what the page shows.

  widgets_browser.py --url URL --data-dir DIR [--shots DIR] [--prose]

URL is the lab's address with its token; the lab serves a copy of notebooks/ (run.sh's
"widgets" part). DIR holds Fashion-MNIST's files (t10k-labels-idx1-ubyte.gz), read here
to know each test image's true class. With Playwright and Debian's Chromium:

  Chapter 10 (Run -> Run All Cells):
  1. the test-set browser: the slider moved to image N (typed, and with the arrow keys)
     shows test image N with its true class from the data files; "only the mistakes"
     shows images whose answer differs from their class; Done ends the cell, which
     leaves a still picture;
  2. the drawing pad: strokes drawn with the mouse (a vertical bar, a T shape, a boot
     outline) change the probability bars and the 28x28 preview after each stroke; Clear
     empties it; "Load a picture" with pictures/sneaker.png gives the answer the chapter's
     own cell printed for that file; the answers for the three drawings are printed, and
     with --prose they must be those the chapter's prose states; Done ends the cell;
  3. every cell then runs, with no error output;
  4. the pad's cell, run again, then the notebook closed (File -> Close Tab) while the
     pad is live: the kernel is idle again within 15 s (the cell's program ended).
  Chapter 8 (Run All Cells): the learning-rate explorer's slider at 1, 0.0001 and 0.03
  shows that rate and a new figure, and Done ends it; the Stop button of the live curves, clicked during the first
  epoch, ends training after an epoch K < 4 (the recipe's patience is 3, so early stopping
  cannot be the cause): the cell says "Stopped with the Stop button after epoch K", the
  model saved in models/tutorial holds K epochs, and no cell shows an error.

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

    def widget(self, kind, seconds):
        w = self.page.locator('.fw[data-widget="%s"]' % kind)
        w.wait_for(timeout=seconds * 1000)
        w.scroll_into_view_if_needed()
        return w

    def answer(self, w):
        return w.locator(".fw-answer-line").first

    def wait_answer(self, w, predicate, seconds=20):
        """Waits until the widget's answer line satisfies predicate(attributes); returns them."""
        deadline = time.monotonic() + seconds
        attrs = None
        while time.monotonic() < deadline:
            try:
                attrs = self.answer(w).evaluate(
                    "e => Object.fromEntries([...e.attributes].map(a => [a.name, a.value]))")
            except lab_browser.PlaywrightError:
                attrs = None
            if attrs and predicate(attrs):
                return attrs
            time.sleep(0.1)
        return attrs

    def bars(self, w):
        return w.locator(".fw-bar").evaluate_all("els => els.map(e => e.dataset.class + '=' + e.dataset.p)")

    def preview(self, w):
        imgs = w.locator("img.fw-pixels")
        return imgs.first.get_attribute("src") if imgs.count() else None

    def run_all(self, panel):
        self.menu("Run", "Run All Cells")

    def all_ran(self, seconds):
        self.page.wait_for_function(
            """() => {
                 const p = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
                 return p.length > 0 && p.every(e => /^\\[\\d+\\]:$/.test(e.textContent.trim()));
               }""", timeout=seconds * 1000, polling=1000)
        self.wait_idle(60)

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

    def browse(self, labels):
        page = self.page
        w = self.widget("browse", 600)
        self.shot("browse")
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
        attrs = self.wait_answer(w, lambda a: a.get("data-label") != a.get("data-answer"))
        first = attrs and attrs.get("data-image")
        slider.fill("5")
        attrs = self.wait_answer(w, lambda a: a.get("data-image") != first and a.get("data-label") != a.get("data-answer"))
        ok = attrs is not None and attrs.get("data-label") != attrs.get("data-answer") and \
            CLASSES[labels[int(attrs["data-image"])]] == attrs.get("data-label")
        self.check(ok, "browser: 'only the mistakes' shows images the model gets wrong (the 6th: %s)" % attrs)
        self.shot("browse-mistakes", w)
        w.locator("button", has_text="Done").click()
        w.wait_for(state="detached", timeout=30_000)
        out = page.locator(".jp-OutputArea-output", has_text="The test-set browser ended (you clicked Done)")
        self.check(out.count() == 1, "browser: Done ends the cell, which says so")

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

    def draw(self, sneaker_answer):
        w = self.widget("drawpad", 300)
        pad = w.locator("canvas.fw-pad")
        answers = {}
        for name, strokes in DRAWINGS:
            before_bars, before_preview = self.bars(w), self.preview(w)
            for k, points in enumerate(strokes):
                self.stroke(pad, points)
                want = "(1 stroke)" if k == 0 else "(%d strokes)" % (k + 1)
                attrs = self.wait_answer(w, lambda a: want in a.get("data-what", ""))
                bars, preview = self.bars(w), self.preview(w)
                self.check(attrs is not None and attrs.get("data-answer") in CLASSES and len(bars) == 10
                           and bars != before_bars and preview and preview != before_preview,
                           "pad: %s, stroke %d: the bars and the 28x28 preview changed; the model says %s"
                           % (name, k + 1, attrs and attrs.get("data-answer")))
                before_bars, before_preview = bars, preview
            answers[name] = attrs and attrs.get("data-answer")
            top = sorted(self.bars(w), key=lambda b: -float(b.split("=")[1]))[:2]
            log("pad: %s -> %s (%s)" % (name, answers[name], ", ".join(top)))
            self.shot("pad-" + name.split()[-1], w)
            w.locator("button", has_text="Clear").click()
            attrs = self.wait_answer(w, lambda a: a.get("data-answer") == "")
            self.check(attrs is not None and attrs.get("data-answer") == "" and self.preview(w) is None,
                       "pad: Clear empties it")
        picture = os.path.join(self.args.learner, "pictures", "sneaker.png")
        w.locator('input[type="file"]').set_input_files(picture)
        attrs = self.wait_answer(w, lambda a: a.get("data-what") == "your picture")
        self.check(attrs is not None and attrs.get("data-answer") == sneaker_answer,
                   "pad: Load a picture reads pictures/sneaker.png as the chapter's cell does: %s (the cell: %s)"
                   % (attrs and attrs.get("data-answer"), sneaker_answer))
        w.locator("button", has_text="Done").click()
        w.wait_for(state="detached", timeout=30_000)
        return answers

    def prose(self, answers):
        nb = self.lab.api("GET", "10_predict.ipynb")["content"]
        text = "".join(lab_browser.check_notebooks.joined(c.get("source")) for c in nb["cells"]
                       if c.get("cell_type") == "markdown")
        stated = dict(PROSE.findall(" ".join(text.split())))
        self.check(stated == answers, "chapter 10's prose states the answers measured: %s (the page: %s)"
                   % (stated, answers))

    def close_while_live(self, panel):
        """Runs the pad's cell again, closes the notebook while it is live, waits for idle."""
        cell = panel.locator(".jp-CodeCell", has_text="tutorial.DrawGarment(").first
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Control+Enter")
        self.widget("drawpad", 120)
        kernel = self.kernel_id()
        self.check(self.kernel_state(kernel) == "busy", "the pad's cell runs again (kernel busy)")
        tab = self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=self.args.chapter)
        tab.locator(".lm-TabBar-tabCloseIcon").click()
        dialog = self.page.locator(".jp-Dialog")
        try:
            dialog.wait_for(timeout=5000)
            log("closing: the dialog says %r" % " ".join(dialog.inner_text().split()))
            dialog.locator("button", has_text=re.compile("Discard|Don't Save|Close")).first.click()
        except lab_browser.PlaywrightTimeout:
            pass
        try:
            tab.wait_for(state="detached", timeout=10_000)
            closed = True
        except lab_browser.PlaywrightTimeout:
            closed = False
        self.check(closed, "the notebook's tab closed")
        deadline = time.monotonic() + 15
        state = None
        while time.monotonic() < deadline:
            state = self.kernel_state(kernel)
            if state == "idle":
                break
            time.sleep(0.5)
        self.check(state == "idle", "the notebook closed while the pad ran: its cell's program ended, "
                   "the kernel is idle (state: %s)" % state)

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
        w = self.widget("rates", 600)
        slider = w.locator('input[type="range"]')
        for pos, rate in ((8, "1"), (0, "0.0001"), (5, "0.03")):
            before = w.locator("img").first.get_attribute("src")
            slider.fill(str(pos))
            shown = w.locator('b[data-rate="%s"]' % rate)
            try:
                shown.wait_for(timeout=60_000)
                ok = w.locator("img").first.get_attribute("src") != before
            except lab_browser.PlaywrightTimeout:
                ok = False
            self.check(ok, "explorer: the slider at %d shows the learning rate %s and a new figure" % (pos, rate))
        self.shot("rates", w)
        w.locator("button", has_text="Done").click()
        w.wait_for(state="detached", timeout=30_000)
        out = self.page.locator(".jp-OutputArea-output", has_text="The learning-rate explorer ended (you clicked Done)")
        self.check(out.count() == 1, "explorer: Done ends the cell, which says so")

    def stop_training(self, panel):
        w = self.widget("stop", 600)
        self.shot("stop")
        w.locator("button", has_text="Stop training").click()
        line = self.page.locator(".jp-OutputArea-output", has_text="Stopped with the Stop button after epoch")
        line.first.wait_for(timeout=600_000)
        m = re.search(r"after epoch (\d+)", line.first.text_content())
        k = int(m.group(1)) if m else -1
        self.all_ran(900)
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
    p.add_argument("--shots", default=os.path.join(HERE, "screenshots", "widgets"))
    p.add_argument("--prose", action="store_true", help="the drawings' answers must be the prose's")
    p.add_argument("--folder", default="")
    p.add_argument("--expected", default=None)
    args = p.parse_args()
    labels = test_labels(args.data_dir)

    from playwright.sync_api import Error, TimeoutError
    lab_browser.PlaywrightError, lab_browser.PlaywrightTimeout = Error, TimeoutError
    os.makedirs(args.shots, exist_ok=True)
    lab = Lab(args.url)
    start = time.monotonic()

    def steps(run):
        panel = run.open("10_predict.ipynb")
        run.run_all(panel)
        run.browse(labels)
        answers = run.draw(sneaker_answer(panel))
        if args.prose:
            run.prose(answers)
        run.all_ran(600)
        run.no_errors(panel, "chapter 10")
        run.close_while_live(panel)
        panel = run.open("08_train.ipynb")
        run.run_all(panel)
        run.rates()
        run.stop_training(panel)

    run = chromium.drive(log, lambda page: Widgets(page, lab, args), steps, errors=(ValueError,))
    log("widgets: %d checks failed; %.0fs" % (len(run.failures), time.monotonic() - start))
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
