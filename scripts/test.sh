#!/usr/bin/env bash
# Runs every test of the project, the way CI does (.ci/run calls this script).
# It installs what the tests need first (see scripts/install-deps.sh).
#
#   FUZZTIME=10s   how long each fuzz target runs (0 skips fuzzing)
#   NOTEBOOKS=1    run the notebooks (scripts/run-notebooks.sh; 0 skips them)
#   FASHION_QUICK=1  the notebooks train briefly (the default here; 0 runs them in full)
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

fuzztime=${FUZZTIME:-10s}
if [ "$fuzztime" != 0 ]; then
  # Each fuzz target, briefly, on top of its checked-in seed corpus.
  for target in ./pkg/fashion:FuzzParseIDX ./pkg/fashion:FuzzDecodePicture ./pkg/tensorboard:FuzzReader; do
    echo "== fuzz ${target#*:} ($fuzztime)"
    go test -run '^$' -fuzz "^${target#*:}\$" -fuzztime "$fuzztime" "${target%%:*}"
  done
fi
if [ "${NOTEBOOKS:-1}" != 0 ]; then
  echo "== notebooks"
  scripts/install-deps.sh jupyter-nbconvert python3-nbclient
  scripts/run-notebooks.sh
fi
echo "== all tests passed"
