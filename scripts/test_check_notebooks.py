"""Tests of check_notebooks.py's render and current commands on a small notebook.

  python3 -m unittest discover -s scripts -p 'test_*.py'
"""
import copy
import json
import os
import tempfile
import unittest

import check_notebooks as cn


def notebook():
    """A source notebook as committed before a render: prose quoting a number, two code cells."""
    return {
        "cells": [
            {"cell_type": "markdown", "id": "a", "metadata": {},
             "source": ["The run stopped after 8 epochs, with a gap of 0.06.\n"]},
            {"cell_type": "code", "id": "b", "metadata": {}, "source": ["train()"],
             "execution_count": None, "outputs": []},
            {"cell_type": "code", "id": "c", "metadata": {}, "source": ["plot()"],
             "execution_count": None, "outputs": []},
        ],
        "metadata": {"kernelspec": {"name": "fashion-gomlx"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


def executed(root):
    """What nbconvert writes for notebook(): timestamps, chunks of one stream, a display id."""
    nb = notebook()
    train, plot = nb["cells"][1], nb["cells"][2]
    train["metadata"]["execution"] = {"iopub.status.idle": "2026-12-03T12:30:47.000000Z"}
    train["execution_count"], plot["execution_count"] = 1, 2
    train["outputs"] = [
        {"name": "stdout", "output_type": "stream", "text": "8 epochs; val_loss 0.3118,"},
        {"name": "stdout", "output_type": "stream", "text": " loss 0.2480\nmodel in %s/models\n" % root},
    ]
    plot["outputs"] = [{"data": {"image/png": "iVBORw0KGgo=\n"}, "metadata": {},
                        "output_type": "display_data", "transient": {"display_id": "x1"}}]
    return nb


SPEC = [
    {"cell_contains": "epochs"},
    {"image": True},
    {"quote": r"stopped after (\d+) epochs", "output": r"^(\d+) epochs;"},
    {"quote": r"a gap of (0\.\d+)", "output": r"val_loss (\d+\.\d+)", "minus": r"loss (\d+\.\d+)$"},
]


class RenderAndCurrent(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.root = os.path.realpath(self.dir.name)
        os.makedirs(os.path.join(self.root, "notebooks"))
        self.source = os.path.join(self.root, "notebooks", "ch.ipynb")
        self.ran = os.path.join(self.root, "ran.ipynb")
        with open(self.source, "w") as f:
            json.dump(notebook(), f)
        with open(self.ran, "w") as f:
            json.dump(executed(self.root), f)
        self.assertEqual(cn.cmd_render(self.source, self.ran, 42), 0)
        self.rendered = cn.load(self.source)

    def tearDown(self):
        self.dir.cleanup()

    def failures(self, nb, quick=None):
        return cn.check_current(nb, SPEC, quick)

    def test_render_keeps_the_sources_and_drops_what_varies(self):
        nb = self.rendered
        self.assertEqual([c["source"] for c in nb["cells"]], [c["source"] for c in notebook()["cells"]])
        train, plot = nb["cells"][1], nb["cells"][2]
        self.assertNotIn("execution", train["metadata"])
        self.assertEqual(len(train["outputs"]), 1, "the chunks of one stream are one output")
        self.assertEqual(train["outputs"][0]["text"],
                         ["8 epochs; val_loss 0.3118, loss 0.2480\n", "model in /path/to/fashion-gomlx/models\n"])
        self.assertNotIn("transient", plot["outputs"][0])
        mark = nb["metadata"][cn.MARK]["rendered"]
        self.assertEqual(mark["seconds"], 42)
        self.assertEqual(len(mark["code_sha256"]), 2)
        self.assertEqual(self.failures(nb), [])

    def test_a_wrong_quote_fails(self):
        for old, new in (("8 epochs", "9 epochs"), ("0.06", "0.07"), ("0.06", "0.065")):
            nb = copy.deepcopy(self.rendered)
            nb["cells"][0]["source"] = [nb["cells"][0]["source"][0].replace(old, new)]
            self.assertTrue(any("the prose says" in f for f in self.failures(nb)), new)
            # A run is checked without its quotes: a render must still write what it ran.
            self.assertEqual(cn.check_nb(nb, SPEC, full=True), [])
        # A quote rounded from the run's number is right: 0.0638 is 0.064 as well as 0.06.
        nb = copy.deepcopy(self.rendered)
        nb["cells"][0]["source"] = [nb["cells"][0]["source"][0].replace("0.06", "0.064")]
        self.assertEqual(self.failures(nb), [])

    def test_times_and_other_chapters(self):
        other = copy.deepcopy(self.rendered)
        other["cells"][1]["outputs"][0]["text"] = ["13 epochs in 5m57s; early stopping: true\n"]
        with open(os.path.join(self.root, "notebooks", "other.ipynb"), "w") as f:
            json.dump(other, f)
        nb = copy.deepcopy(self.rendered)
        check = {"quote": r"in (\d+) min", "output": r"epochs in (\S+);", "scale": 1 / 60,
                 "relative": 0.25, "in": "other.ipynb"}
        for prose, ok in (("6", True), ("7", True), ("8", False), ("4", False)):
            nb["cells"][0]["source"] = ["The other one ran in %s min.\n" % prose]
            failures = cn.check_current(nb, [check], None, self.source)
            self.assertEqual(failures == [], ok, (prose, failures))
        check["in"] = "missing.ipynb"
        self.assertTrue(any("cannot read" in f for f in cn.check_current(nb, [check], None, self.source)))

    def test_a_moved_quote_fails(self):
        nb = copy.deepcopy(self.rendered)
        nb["cells"][0]["source"] = ["Training stopped.\n"]
        self.assertTrue(any("no markdown cell matches" in f for f in self.failures(nb)))

    def test_a_changed_code_cell_fails(self):
        nb = copy.deepcopy(self.rendered)
        nb["cells"][2]["source"] = ["plot(2)"]
        self.assertTrue(any("changed since its outputs were made" in f for f in self.failures(nb)))

    def test_deleted_outputs_fail(self):
        nb = copy.deepcopy(self.rendered)
        nb["cells"][2]["outputs"] = []
        self.assertTrue(any("image output" in f for f in self.failures(nb)))

    def test_no_mark_or_a_quick_render_fails(self):
        nb = copy.deepcopy(self.rendered)
        del nb["metadata"][cn.MARK]
        self.assertTrue(any("no render mark" in f for f in self.failures(nb)))
        nb = copy.deepcopy(self.rendered)
        nb["metadata"][cn.MARK]["rendered"]["environment"] = "FASHION_QUICK=1"
        self.assertTrue(any("not a full run" in f for f in self.failures(nb)))
        nb = copy.deepcopy(self.rendered)
        nb["cells"][1]["outputs"][0]["text"].insert(0, "FASHION_QUICK=1: training for 2 epochs\n")
        self.assertTrue(any("quick-mode output" in f for f in self.failures(nb)))

    def test_the_quick_run_must_show_the_same_kinds(self):
        quick = executed(self.root)
        self.assertEqual(self.failures(self.rendered, quick), [])
        # Quick mode says so, in a cell that prints nothing else: that line does not count.
        quick["cells"][2]["outputs"].append({"name": "stdout", "output_type": "stream",
                                             "text": "FASHION_QUICK=1: training for 2 epochs on 5000 images only\n"})
        self.assertEqual(self.failures(self.rendered, quick), [])
        quick["cells"][2]["outputs"][-1]["text"] += "loss 0.5\n"
        self.assertTrue(any("image+stdout" in f for f in self.failures(self.rendered, quick)))
        quick["cells"][2]["outputs"].pop()
        quick["cells"][2]["outputs"].append({"name": "stderr", "output_type": "stream", "text": "oops\n"})
        self.assertTrue(any("the quick run of the same cell image+stderr" in f
                            for f in self.failures(self.rendered, quick)))

    def test_render_refuses_other_code(self):
        nb = executed(self.root)
        nb["cells"][1]["source"] = ["train(3)"]
        with open(self.ran, "w") as f:
            json.dump(nb, f)
        self.assertEqual(cn.cmd_render(self.source, self.ran, 1), 1)


if __name__ == "__main__":
    unittest.main()
