#!/usr/bin/env python3
"""Checks a run of `fashion train` with TensorBoard itself: its loader, then its dashboard.

  tensorboard_check.py load --runs DIR --model DIR --train-log FILE
  tensorboard_check.py dashboard --url URL --runs DIR --model DIR [--shots DIR]

load: TensorBoard's own loader (tensorboard.backend.event_processing) reads the one run
under --runs (run_*/train and run_*/validation, as Keras lays them out) and must find
  - exactly the scalars the run's history holds (the saved model's model.json): train
    epoch_loss, epoch_accuracy, epoch_learning_rate and validation epoch_loss,
    epoch_accuracy, one value per epoch at steps 0, 1, ..., each equal, as a float32, to
    the history's value, and to the value the training printed (--train-log), to the
    digits printed;
  - a histogram of the weights and one of the biases of each dense layer at each step,
    holding as many numbers as the layer has (from the layers model.json lists), with bucket
    counts that add up;
  - the model summary as text, with the parameter count of model.json;
  - each tag in the TensorBoard plugin it is meant for (scalars, histograms, text), as
    TensorBoard's plugins load them.
dashboard: with a TensorBoard serving --runs at URL, Chromium (Playwright) opens its
scalars dashboard, which must list the run's train and validation runs and its scalar tags,
and draw a curve for each tag and run; the server's scalars API must serve the history's
values (as float32) at steps 0, 1, .... Screenshots go to --shots.

Exits 1 with one line per failed check, 2 for a wrong command line.
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

PROG = "tensorboard-check"
# Where each value of model.json's history goes: (run subdirectory, scalar tag).
SCALARS = {
    "loss": ("train", "epoch_loss"),
    "accuracy": ("train", "epoch_accuracy"),
    "learning_rate": ("train", "epoch_learning_rate"),
    "val_loss": ("validation", "epoch_loss"),
    "val_accuracy": ("validation", "epoch_accuracy"),
}
# What `fashion train` prints for each history value on its "Epoch N/M" lines.
PRINTED = {"loss": "loss", "accuracy": "accuracy", "val_loss": "val_loss",
           "val_accuracy": "val_accuracy", "lr": "learning_rate"}


class Checks:
    def __init__(self):
        self.failed = 0

    def __call__(self, ok, what):
        print("%s: %s%s" % (PROG, "ok: " if ok else "FAILED: ", what), flush=True)
        self.failed += not ok
        return ok


def the_run(runs):
    found = sorted(glob.glob(os.path.join(runs, "run_*")))
    if len(found) != 1:
        sys.exit("%s: want exactly one run_* under %s, found %d" % (PROG, runs, len(found)))
    return found[0]


def layers(saved):
    """(name, inputs, units) of each dense layer, from the layers model.json lists (as the
    model's Summary does): a dense layer's params are inputs * units weights and units biases."""
    return [(l["name"], (l["params"] - l["units"]) // l["units"], l["units"])
            for l in saved if l["type"] == "Dense"]


def printed_history(path):
    """epoch -> {history key: (value, decimals)} from the "Epoch N/M - ..." lines."""
    out = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"Epoch (\d+)/\d+ - (.*)", line.strip())
            if not m:
                continue
            values = {}
            for name, num in re.findall(r"(\w+): (-?\d+\.\d+)", m.group(2)):
                if name in PRINTED:
                    values[PRINTED[name]] = (float(num), len(num.split(".")[1]))
            out[int(m.group(1))] = values
    return out


def load(args):
    import numpy as np
    from tensorboard.backend.event_processing import event_accumulator as ea
    from tensorboard.backend.event_processing import plugin_event_accumulator as pea
    from tensorboard.util import tensor_util

    check = Checks()
    run = the_run(args.runs)
    with open(os.path.join(args.model, "model.json")) as f:
        model = json.load(f)
    epochs = model["history"]["epochs"]
    printed = printed_history(args.train_log)
    check(len(epochs) > 0 and sorted(printed) == [e["epoch"] for e in epochs],
          "the history has %d epochs; the training printed %d epoch lines" % (len(epochs), len(printed)))
    everything = {k: 0 for k in (ea.COMPRESSED_HISTOGRAMS, ea.IMAGES, ea.AUDIO, ea.SCALARS,
                                 ea.HISTOGRAMS, ea.TENSORS)}
    acc, plugins = {}, {}
    for sub in ("train", "validation"):
        acc[sub] = ea.EventAccumulator(os.path.join(run, sub), size_guidance=everything).Reload()
        plugins[sub] = pea.EventAccumulator(os.path.join(run, sub), size_guidance={"tensors": 0}).Reload()
    check(sorted(os.listdir(run)) == ["train", "validation"],
          "the run %s holds train/ and validation/ (%s)" % (os.path.basename(run), os.listdir(run)))

    # Scalars: exactly the history's, with its values.
    steps = list(range(len(epochs)))
    for sub in ("train", "validation"):
        want = sorted(tag for key, (s, tag) in SCALARS.items() if s == sub)
        got = sorted(acc[sub].Tags()["scalars"])
        check(got == want, "%s scalars: %s (the history's: %s)" % (sub, got, want))
    for key, (sub, tag) in sorted(SCALARS.items()):
        if tag not in acc[sub].Tags()["scalars"]:
            continue
        events = acc[sub].Scalars(tag)
        history = [e[key] for e in epochs]
        logged = [e.value for e in events]
        check([e.step for e in events] == steps and
              all(np.float32(h) == np.float32(v) for h, v in zip(history, logged)),
              "%s/%s at steps %s equals the history's %s as float32: %s" % (
                  sub, tag, [e.step for e in events], key, ["%.6g" % v for v in logged]))
        shown = [printed.get(e["epoch"], {}).get(key) for e in epochs]
        check(all(p is not None and round(v, p[1]) == round(p[0], p[1]) for p, v in zip(shown, logged)),
              "%s/%s equals what the training printed: %s" % (
                  sub, tag, [p[0] if p else None for p in shown]))

    # Histograms: each dense layer's weights and biases, at every step, every number.
    want = []
    for name, n_in, n_out in layers(model["layers"]):
        want += [(name + "/weights", n_in * n_out), (name + "/biases", n_out)]
    got = sorted(acc["train"].Tags()["histograms"])
    check(got == sorted(t for t, _ in want), "train histograms: %s" % got)
    for tag, count in want:
        if tag not in got:
            continue
        events = acc["train"].Histograms(tag)
        ok = [e.step for e in events] == steps
        for e in events:
            h = e.histogram_value
            ok = ok and h.num == count and sum(h.bucket) == count and h.min <= h.max \
                and len(h.bucket) == len(h.bucket_limit)
        check(ok, "histogram %s: %d numbers at steps %s, buckets adding up" % (
            tag, count, [e.step for e in events]))

    # The model summary, as text.
    tensors = acc["train"].Tags()["tensors"]
    check(tensors == ["model_summary"], "train text: %s" % tensors)
    if "model_summary" in tensors:
        text = tensor_util.make_ndarray(acc["train"].Tensors("model_summary")[0].tensor_proto)
        text = text.tolist()
        text = text.decode() if isinstance(text, bytes) else str(text)
        total = "Total params: {:,}".format(model["params"])
        check(total in text, "the text model_summary says %r" % total)

    # Each tag where TensorBoard's plugins look for it.
    for sub in ("train", "validation"):
        tags = acc[sub].Tags()
        expected = {t: "scalars" for t in tags["scalars"]}
        expected.update({t: "histograms" for t in tags["histograms"]})
        expected.update({t: "text" for t in tags["tensors"]})
        got = {t: plugins[sub].SummaryMetadata(t).plugin_data.plugin_name for t in plugins[sub].Tags()["tensors"]}
        check(got == expected, "%s: the plugins find %s" % (sub, sorted(set(got.values()))))
    return 1 if check.failed else 0


def api(url, path, **query):
    with urllib.request.urlopen(url.rstrip("/") + path + "?" + urllib.parse.urlencode(query), timeout=30) as r:
        return json.load(r)


def dashboard(args):
    import numpy as np
    from playwright.sync_api import Error as PlaywrightError, sync_playwright

    check = Checks()
    run = os.path.basename(the_run(args.runs))
    names = ["%s/%s" % (run, sub) for sub in ("train", "validation")]
    tags = sorted({tag for _, tag in SCALARS.values()})
    # The server: its runs and tags, and the values of each curve.
    listed = api(args.url, "/data/plugin/scalars/tags")
    check(sorted(listed) == names, "TensorBoard serves the runs %s" % sorted(listed))
    with open(os.path.join(args.model, "model.json")) as f:
        epochs = json.load(f)["history"]["epochs"]
    for key, (sub, tag) in sorted(SCALARS.items()):
        name = "%s/%s" % (run, sub)
        if tag not in listed.get(name, {}):
            check(False, "TensorBoard serves no %s for %s" % (tag, name))
            continue
        served = api(args.url, "/data/plugin/scalars/scalars", run=name, tag=tag)
        want = [[i, float(np.float32(e[key]))] for i, e in enumerate(epochs)]
        check([[step, value] for _, step, value in served] == want,
              "TensorBoard serves %s %s: the history's %s at steps %s" % (
                  name, tag, key, [w[0] for w in want]))

    os.makedirs(args.shots, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                     args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(args.url.rstrip("/") + "/#scalars")
            for name in names:
                run_label = page.get_by_text(name, exact=True)
                run_label.first.wait_for(timeout=60_000)
                check(run_label.count() > 0, "the dashboard lists the run %s" % name)
            # One section per tag; the dashboard opens the first few: open the others.
            for tag in tags:
                page.get_by_text(tag, exact=True).first.wait_for(timeout=60_000)
            views = page.locator("tf-category-paginated-view")
            for i in range(views.count()):
                if not views.nth(i).evaluate("e => e.opened"):
                    views.nth(i).locator("button.heading").first.click()
            page.wait_for_timeout(3000)  # The charts draw their lines.
            # Each tag's card draws one line per run that logged it, in the run's colour.
            for tag in tags:
                card = page.locator("tf-scalar-card").filter(
                    has_text=re.compile(r"\btag: %s\b" % re.escape(tag)))
                if not check(card.count() == 1, "the dashboard has a chart for %s" % tag):
                    continue
                card.scroll_into_view_if_needed()
                colours = card.locator("path.line").evaluate_all(
                    """ps => [...new Set(ps.filter(p => (p.getAttribute('d') || '').length > 10)
                                          .map(p => getComputedStyle(p).stroke))]""")
                want = sum(1 for name in names if tag in listed.get(name, {}))
                check(len(colours) == want, "the %s chart draws %d curves (%s), one per run "
                      "that logged it (%d)" % (tag, len(colours), ", ".join(colours), want))
            page.locator("tf-scalar-card").first.scroll_into_view_if_needed()
            page.screenshot(path=os.path.join(args.shots, "tensorboard-scalars.png"))
        except PlaywrightError as e:
            check(False, "%s: %s" % (type(e).__name__, str(e).split("\n")[0]))
            page.screenshot(path=os.path.join(args.shots, "tensorboard-failure.png"))
        finally:
            browser.close()
    return 1 if check.failed else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    lo = sub.add_parser("load", help="TensorBoard's loader reads the run")
    lo.add_argument("--runs", required=True)
    lo.add_argument("--model", required=True)
    lo.add_argument("--train-log", required=True)
    da = sub.add_parser("dashboard", help="Chromium shows the run in TensorBoard's dashboard")
    da.add_argument("--url", required=True)
    da.add_argument("--runs", required=True)
    da.add_argument("--model", required=True)
    da.add_argument("--shots", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "screenshots"))
    args = p.parse_args()
    return load(args) if args.command == "load" else dashboard(args)


if __name__ == "__main__":
    sys.exit(main())
