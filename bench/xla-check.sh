#!/bin/sh
# Checks GoMLX's XLA backend on the CPU, with the XLA CPU PJRT plugin that
# PyPI's lammps-jax-pjrt-cpu ships (the version bench/requirements.txt pins):
#
#   1. the same training steps on XLA and on the pure-Go backend give the
#      same mean loss (relative difference under 1e-4) and accuracy;
#   2. a short training run on XLA, saved, evaluates on XLA as on the Go
#      backend (test loss within 1e-4) and better than chance;
#   3. with the plugin's directory in PJRT_PLUGIN_LIBRARY_PATH, the default
#      backend (no --backend) is XLA.
#
# The plugin is bench/xla-plugin.sh's ($PLUGIN, bench/.venv/pjrt, bench/.xla, else
# PyPI's wheel, downloaded once). Needs the data set (Debian: dataset-fashion-mnist)
# and about a minute.
#
# Usage: bench/xla-check.sh
# Environment: PLUGIN, FASHION (a built fashion binary; default: build one).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
	echo "xla-check: FAIL: $*" >&2
	exit 1
}

plugin=$("$here/bench/xla-plugin.sh") || fail "no XLA CPU plugin (above)"
xla="xla:$plugin"
export GOMLX_NO_AUTO_INSTALL=1

fashion=${FASHION:-}
if [ -z "$fashion" ]; then
	(cd "$here" && GOEXPERIMENT=simd go build -o "$work/fashion" ./cmd/fashion)
	fashion=$work/fashion
fi

# field FILE NAME prints a number of a JSON report.
field() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# close A B TOL succeeds when A and B differ by at most TOL relative to B.
close() {
	python3 -c 'import sys; a, b, t = map(float, sys.argv[1:]); sys.exit(abs(a - b) > t * abs(b))' "$1" "$2" "$3"
}

echo "xla-check: 1. the same 64 steps on XLA and on the Go backend" >&2
"$fashion" bench --json --steps 64 --backend go >"$work/go.json" 2>/dev/null || fail "fashion bench on the Go backend"
"$fashion" bench --json --steps 64 --backend "$xla" >"$work/xla.json" 2>"$work/xla.err" ||
	fail "fashion bench on $xla: $(tail -n 1 "$work/xla.err")"
gl=$(field "$work/go.json" loss) xl=$(field "$work/xla.json" loss)
ga=$(field "$work/go.json" accuracy) xa=$(field "$work/xla.json" accuracy)
echo "  mean loss: go $gl, xla $xl; accuracy: go $ga, xla $xa" >&2
close "$xl" "$gl" 1e-4 || fail "mean loss on XLA $xl, on the Go backend $gl"
close "$xa" "$ga" 0.01 || fail "accuracy on XLA $xa, on the Go backend $ga"

echo "xla-check: 2. train on XLA (one epoch of 5,000 images), evaluate on XLA and on Go" >&2
"$fashion" train --backend "$xla" --epochs 1 --limit 5000 --out "$work/model" --logdir "" >"$work/train.out" 2>&1 ||
	fail "fashion train on XLA: $(tail -n 1 "$work/train.out")"
"$fashion" evaluate --backend "$xla" --model "$work/model" --json >"$work/eval-xla.json" 2>/dev/null || fail "fashion evaluate on XLA"
"$fashion" evaluate --backend go --model "$work/model" --json >"$work/eval-go.json" 2>/dev/null || fail "fashion evaluate on Go"
xl=$(field "$work/eval-xla.json" loss) gl=$(field "$work/eval-go.json" loss) xa=$(field "$work/eval-xla.json" accuracy)
echo "  test loss: xla $xl, go $gl; test accuracy on XLA $xa" >&2
close "$xl" "$gl" 1e-4 || fail "test loss on XLA $xl, on the Go backend $gl"
python3 -c 'import sys; sys.exit(float(sys.argv[1]) < 0.6)' "$xa" || fail "test accuracy $xa after one short epoch (want at least 0.6)"

echo "xla-check: 3. the default backend with PJRT_PLUGIN_LIBRARY_PATH=$(dirname "$plugin")" >&2
mkdir -p "$work/plugins"
ln -s "$plugin" "$work/plugins/pjrt_c_api_cpu_plugin.so"
PJRT_PLUGIN_LIBRARY_PATH=$work/plugins "$fashion" bench --steps 8 --synthetic >"$work/default.out" 2>"$work/default.err" ||
	fail "fashion bench with the default backend: $(tail -n 1 "$work/default.err")"
head -n 1 "$work/default.err" | sed 's/^/  /' >&2
grep -q '^backend: xla' "$work/default.err" || fail "the default backend is not XLA: $(head -n 1 "$work/default.err")"

echo "xla-check: 3 passed, 0 failed"
