#!/usr/bin/env python3
"""Loads a TensorBoard log directory with TensorBoard's own readers and prints
what they find, to check the event files pkg/tensorboard writes.

Usage: python3 check_with_tensorboard.py RUN_DIR

RUN_DIR may hold event files directly or in subdirectories (Keras layout:
RUN_DIR/train, RUN_DIR/validation); each directory with event files is loaded
as one run. Needs only the tensorboard package (and the numpy it depends on).
Exits with status 1 if a run has no scalars, histograms or text, or if
TensorBoard's plugin-facing loader does not classify a tag as the Go writer
meant (simple_value -> scalars, histo -> histograms, text -> text).
"""

import os
import sys

from tensorboard.backend.event_processing import event_accumulator as ea_mod
from tensorboard.backend.event_processing import plugin_event_accumulator as pea_mod
from tensorboard.util import tensor_util

ALL = 0  # size_guidance 0 keeps every event.


def runs(root):
    for d, _, files in sorted(os.walk(root)):
        if any("tfevents" in f for f in files):
            yield d


def plugin_of(acc, tag):
    try:
        return acc.SummaryMetadata(tag).plugin_data.plugin_name
    except KeyError:
        return ""


def check_run(path):
    ok = True
    acc = ea_mod.EventAccumulator(path, size_guidance={
        ea_mod.COMPRESSED_HISTOGRAMS: ALL, ea_mod.IMAGES: ALL, ea_mod.AUDIO: ALL,
        ea_mod.SCALARS: ALL, ea_mod.HISTOGRAMS: ALL, ea_mod.TENSORS: ALL,
    })
    acc.Reload()
    tags = acc.Tags()
    print(f"== run {path}")
    print(f"   tags: { {k: v for k, v in tags.items() if v} }")
    for tag in tags["scalars"]:
        for e in acc.Scalars(tag):
            print(f"   scalar    {tag} step={e.step} wall_time={e.wall_time:.3f} value={e.value!r}")
    for tag in tags["histograms"]:
        for e in acc.Histograms(tag):
            h = e.histogram_value
            print(f"   histogram {tag} step={e.step} min={h.min} max={h.max} num={h.num} "
                  f"sum={h.sum} sum_squares={h.sum_squares} buckets={len(h.bucket)} "
                  f"counts={list(h.bucket)} limits={list(h.bucket_limit)}")
            if len(h.bucket) != len(h.bucket_limit) or sum(h.bucket) != h.num:
                print(f"   !! {tag}: bucket counts do not add up to num")
                ok = False
    for tag in tags["tensors"]:
        plugin = plugin_of(acc, tag)
        for e in acc.Tensors(tag):
            value = tensor_util.make_ndarray(e.tensor_proto)
            if value.dtype.kind in "OSU":
                value = value.tolist()
                value = value.decode() if isinstance(value, bytes) else value
            print(f"   tensor    {tag} plugin={plugin!r} step={e.step} value={value!r}")
    if not (tags["scalars"] or tags["histograms"] or tags["tensors"]):
        print("   !! no summaries")
        ok = False

    # The loader TensorBoard's plugins use migrates simple_value and histo to
    # tensors with plugin metadata; check each tag lands in the right plugin.
    pacc = pea_mod.EventAccumulator(path, size_guidance={"tensors": ALL})
    pacc.Reload()
    expected = {t: "scalars" for t in tags["scalars"]}
    expected.update({t: "histograms" for t in tags["histograms"]})
    expected.update({t: plugin_of(acc, t) for t in tags["tensors"]})
    for tag, want in sorted(expected.items()):
        got = plugin_of(pacc, tag)
        n = len(pacc.Tensors(tag))
        print(f"   plugin    {tag}: {got!r} ({n} values)")
        if got != want:
            print(f"   !! {tag}: plugin {got!r}, want {want!r}")
            ok = False
    return ok


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    found = list(runs(sys.argv[1]))
    if not found:
        sys.exit(f"no event files under {sys.argv[1]}")
    ok = all([check_run(r) for r in found])
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
