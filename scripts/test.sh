#!/usr/bin/env bash
# Runs every test of the project, the way CI does (.ci/run calls this script).
# It installs what the tests need first (see scripts/install-deps.sh).
#
#   FUZZTIME=      how long each fuzz target runs, e.g. 60s or 100000x (0 skips fuzzing);
#                  unset, each target runs a fixed number of inputs, about 10 s here
#   NOTEBOOKS=1    run the notebooks (scripts/run-notebooks.sh; 0 skips them)
#   FASHION_QUICK=1  the notebooks train briefly (the default here; 0 runs them in full)
#   XLA=1          the tests of pkg/fashion again on GoMLX's XLA backend, the default one, with
#                  PyPI's CPU plugin (bench/xla-plugin.sh), then bench/xla-check.sh; a run that
#                  cannot get the plugin fails. XLA=0 skips them, and the log says the default
#                  path was not tested
#   ONNX=1         `fashion export --onnx` built with -tags onnx, its file checked by onnx.checker
#                  and Python's onnxruntime against `fashion predict` (tests/onnx/run.sh; 0 skips)
#   SURFACES=1     TensorBoard and JupyterLab in Chromium (tests/surfaces/run.sh; 0 skips)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

scripts/install-deps.sh
# The real-data tests must not skip here: the data was just installed.
export FASHION_MNIST_REQUIRE=1

echo "== go vet"
go vet ./...
echo "== go test"
go test ./...
# The default path, XLA with the training loop in the graph, which the pure-Go backend
# cannot run: every test of pkg/fashion again on XLA's CPU plugin, the loop's tests
# required to run (FASHION_TEST_LOOP=1 turns their skip into a failure).
if [ "${XLA:-1}" != 0 ]; then
  echo "== go test ./pkg/fashion on XLA's CPU plugin"
  if ! plugin=$(bench/xla-plugin.sh); then
    echo "test: FAIL: XLA's CPU plugin could not be had (above), so the default path (XLA, the" >&2
    echo "test: loop in the graph) cannot be tested; XLA=0 runs the rest without it" >&2
    exit 1
  fi
  FASHION_TEST_BACKEND=xla:$plugin FASHION_TEST_LOOP=1 GOMLX_NO_AUTO_INSTALL=1 go test -count=1 ./pkg/fashion
else
  echo "== XLA=0: NOT TESTED: the tests of pkg/fashion on XLA, the default backend (the loop in the graph)"
fi

# Each fuzz target, briefly, on top of its checked-in seed corpus. The default budget
# is a count of inputs, not a duration: with a duration, Go 1.26's fuzz coordinator can
# report a spurious "context deadline exceeded" failure when the time runs out
# (go.dev/issue/75804, fixed in Go 1.27). The counts take about 10 s each on 2 cores.
fuzz() { # fuzz PACKAGE TARGET DEFAULT_BUDGET
  local budget=${FUZZTIME:-$3}
  [ "$budget" = 0 ] && return
  echo "== fuzz $2 ($budget)"
  go test -run '^$' -fuzz "^$2\$" -fuzztime "$budget" "$1"
}
fuzz ./pkg/fashionmnist FuzzParseIDX 80000x
fuzz ./pkg/fashionmnist FuzzDecodePicture 30000x
fuzz ./pkg/tensorboard FuzzReader 250000x
echo "== bench harness (python3 -m unittest)"
python3 -m unittest discover -s bench -p 'test_*.py'
echo "== notebook checks (python3 -m unittest)"
python3 -m unittest discover -s scripts -p 'test_*.py'
# GoMLX's XLA backend on the CPU, with the PJRT plugin a PyPI package ships (downloaded
# once into bench/.wheels): same steps as the Go backend, a short train and evaluate, and
# XLA as the default backend once the plugin is installed. XLA=0 skips it.
if [ "${XLA:-1}" != 0 ]; then
  echo "== XLA on the CPU (bench/xla-check.sh)"
  bench/xla-check.sh
fi
if [ "${ONNX:-1}" != 0 ]; then
  echo "== the model outside Go: fashion export --onnx, onnxruntime (tests/onnx/run.sh)"
  tests/onnx/run.sh
fi
if [ "${NOTEBOOKS:-1}" != 0 ]; then
  echo "== notebooks"
  scripts/run-notebooks.sh
fi
# What a learner touches, as the learner meets it: TensorBoard reading a training run, and
# JupyterLab (scripts/lab.sh) running a chapter in Chromium (tests/surfaces/run.sh).
# SURFACES=0 skips them.
if [ "${SURFACES:-1}" != 0 ]; then
  echo "== surfaces (TensorBoard, JupyterLab in Chromium)"
  tests/surfaces/run.sh
fi
if [ "${XLA:-1}" != 0 ]; then
  echo "== all tests passed"
else
  echo "== all tests passed, but not on XLA (XLA=0): the default path was not tested"
fi
