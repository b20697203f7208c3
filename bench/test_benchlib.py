"""Tests of benchlib (standard library only): python3 -m unittest discover -s bench"""

import argparse
import contextlib
import gzip
import io
import json
import os
import struct
import tempfile
import unittest

import benchlib


def idx_bytes(dims, data):
    """An IDX file of unsigned bytes."""
    return b"\0\0\x08" + bytes([len(dims)]) + struct.pack(">" + "I" * len(dims), *dims) + bytes(data)


class ReadIdxTest(unittest.TestCase):
    def write(self, name, content):
        path = os.path.join(self.dir.name, name)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "wb") as f:
            f.write(content)
        return path

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def test_plain_and_gzip(self):
        for name in ("a", "a.gz"):
            dims, data = benchlib.read_idx(self.write(name, idx_bytes((2, 3), range(6))))
            self.assertEqual(dims, (2, 3))
            self.assertEqual(bytes(data), bytes(range(6)))

    def test_rejects_bad_files(self):
        for content in (b"", b"\0\0\x09\x01\0\0\0\x01x", idx_bytes((2, 3), range(5)), idx_bytes((2,), range(3))):
            with self.assertRaises(ValueError):
                benchlib.read_idx(self.write("bad", content))

    def test_load_train_skips_validation_images(self):
        n = benchlib.VALIDATION_IMAGES + 3
        pixels = bytes(i % 251 for i in range(n * benchlib.PIXELS))
        self.write("train-images-idx3-ubyte.gz", idx_bytes((n, 28, 28), pixels))
        self.write("train-labels-idx1-ubyte.gz", idx_bytes((n,), [i % 10 for i in range(n)]))
        x, y, where = benchlib.load_train(self.dir.name)
        self.assertEqual(where, self.dir.name)
        self.assertEqual(bytes(x), pixels[benchlib.VALIDATION_IMAGES * benchlib.PIXELS:])
        self.assertEqual(list(y), [i % 10 for i in range(benchlib.VALIDATION_IMAGES, n)])


class StepsTest(unittest.TestCase):
    def parse(self, *args):
        p = argparse.ArgumentParser()
        benchlib.add_common_flags(p)
        a = p.parse_args(args)
        with contextlib.redirect_stderr(io.StringIO()):
            benchlib.check_steps(p, a, 100)
        return a

    def test_steps_must_fit_the_split(self):
        self.assertEqual(self.parse("--steps", "2", "--warmup", "1", "--batch", "33").steps, 2)  # 99 images
        self.assertEqual(self.parse("--steps", "3", "--warmup", "1", "--batch", "25").steps, 3)  # all 100
        for args in (("--steps", "3", "--warmup", "1", "--batch", "26"), ("--steps", "0"), ("--warmup", "-1")):
            with self.assertRaises(SystemExit):
                self.parse(*args)


class ReportTest(unittest.TestCase):
    def test_fields_of_fashion_bench(self):
        a = argparse.Namespace(steps=100, warmup=10, batch=32)
        rep = benchlib.report("X 1", "CPU", a, 2.0, 3.0, 0.5, 0.75, "/data", steps_per_execution=4)
        self.assertEqual(rep["samples_per_second"], 1600)
        self.assertAlmostEqual(rep["seconds_per_epoch"], 55000 / 1600)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            benchlib.emit(rep, True)
        self.assertEqual(json.loads(out.getvalue())["steps_per_execution"], 4)


if __name__ == "__main__":
    unittest.main()
