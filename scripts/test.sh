#!/usr/bin/env bash
# Runs every test of the project, the way CI does (.ci/run calls this script).
# It installs what the tests need first (see scripts/install-deps.sh).
#
#   FUZZTIME=      how long each fuzz target runs, e.g. 60s or 100000x (0 skips fuzzing);
#                  unset, each target runs a fixed number of inputs, about 10 s here
#   NOTEBOOKS=1    run the notebooks (scripts/run-notebooks.sh; 0 skips them)
#   FASHION_QUICK=1  the notebooks train briefly (the default here; 0 runs them in full)
#   XLA=1          check GoMLX's XLA backend with PyPI's CPU plugin (bench/xla-check.sh; 0 skips)
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
echo "== all tests passed"
