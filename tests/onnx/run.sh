#!/usr/bin/env bash
# Checks `fashion export --onnx` end to end, as a Go developer uses the file:
#
#   1. the Go tests of pkg/onnxexport, with the build tag onnx and ONNX Runtime's library
#      (the export runs as the model; an operation it cannot translate is named);
#   2. a model trained briefly (`fashion train`, pure-Go backend), exported with
#      `fashion export --onnx` (built with -tags onnx), passes onnx.checker, and Python's
#      onnxruntime gives the same class and probability as `fashion predict --json` for
#      the first 1,000 test images, within 1e-5 (tests/onnx/check.py).
#
# Python's packages (tests/onnx/requirements.txt, pinned) go into a virtual environment,
# $FASHION_ONNX_VENV (default: tests/onnx/.venv, git-ignored), made once; the library
# GoMLX's ONNX backend loads is the one onnxruntime's wheel ships. Needs the data set
# (scripts/install-deps.sh), a C compiler (cgo) and PyPI; scripts/test.sh runs it
# (ONNX=0 skips it).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh

venv=${FASHION_ONNX_VENV:-$PWD/tests/onnx/.venv}
stamp=$venv/.requirements.sha256
want=$(sha256sum tests/onnx/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "onnx-check: installing tests/onnx/requirements.txt into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r tests/onnx/requirements.txt
  echo "$want" >"$stamp"
fi
lib=$("$venv/bin/python" -c 'import glob, os, onnxruntime; print(glob.glob(os.path.join(os.path.dirname(onnxruntime.__file__), "capi", "libonnxruntime.so.*"))[0])')
export ONNXRUNTIME_SHARED_LIBRARY_PATH=$lib GOMLX_NO_AUTO_INSTALL=1
echo "onnx-check: ONNX Runtime's library: $lib"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "onnx-check: 1. go test -tags onnx ./pkg/onnxexport"
go test -tags onnx -count=1 -v ./pkg/onnxexport | tee "$work/go-test.out" | grep -E '^(--- |ok|FAIL)'
if grep -q -- '--- SKIP' "$work/go-test.out"; then
  echo "onnx-check: FAIL: a test of pkg/onnxexport skipped" >&2
  exit 1
fi

echo "onnx-check: 2. train, export, and run the file in Python's onnxruntime"
go build -tags onnx -o "$work/fashion" ./cmd/fashion
"$work/fashion" train --backend go --offline --epochs 1 --limit 5000 --out "$work/model" --logdir "" >"$work/train.out" 2>&1 ||
  { tail -n 3 "$work/train.out" >&2; exit 1; }
"$work/fashion" export --backend go --model "$work/model" --onnx "$work/model.onnx" 2>/dev/null
"$work/fashion" predict --backend go --offline --model "$work/model" --count 1000 --json >"$work/predict.json" 2>/dev/null
data=$("$work/fashion" data --offline --json 2>/dev/null | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["source"])')
"$venv/bin/python" tests/onnx/check.py "$work/model.onnx" "$work/predict.json" "$data"
echo "onnx-check: passed"
