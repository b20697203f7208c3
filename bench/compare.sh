#!/bin/sh
# Times the article's training recipe in GoMLX (fashion bench) and in PyTorch
# (bench/torch_bench.py) back to back, in the same minutes, and prints the
# ratio. Runs alternate (GoMLX, PyTorch, GoMLX, PyTorch, ...) so that a
# machine whose speed drifts (shared with other work) affects both alike;
# the figures are the medians over the rounds.
#
# Usage: bench/compare.sh [ROUNDS]
# Environment:
#   STEPS          training steps timed per run (default 800)
#   BACKEND        fashion's --backend (default: the tool's own choice)
#   TORCH_RUNS     PyTorch runs per round, by thread count (default "1 2"); an
#                  "m" suffix (e.g. "1m") runs it with glibc's malloc told to
#                  keep freed memory instead of unmapping it, which spares
#                  PyTorch the page faults of its per-step allocations
#   PYTHON         the Python with torch (default: python3 that imports torch)
set -eu

rounds=${1:-3}
steps=${STEPS:-800}
runs=${TORCH_RUNS:-"1 2"}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python=${PYTHON:-}
if [ -z "$python" ]; then
	for p in python3 /usr/bin/python3; do
		if "$p" -c 'import torch' 2>/dev/null; then python=$p; break; fi
	done
fi
if [ -z "$python" ]; then
	echo "compare.sh: no Python with torch (Debian: apt-get install python3-torch; elsewhere: pip install torch)" >&2
	exit 1
fi

echo "building fashion (GOEXPERIMENT=simd)..." >&2
(cd "$here" && GOEXPERIMENT=simd go build -o "$work/fashion" ./cmd/fashion)

backend_flag=""
if [ -n "${BACKEND:-}" ]; then backend_flag="--backend $BACKEND"; fi

i=1
while [ "$i" -le "$rounds" ]; do
	echo "round $i of $rounds" >&2
	# shellcheck disable=SC2086 # backend_flag is one flag and its value, or nothing.
	"$work/fashion" bench --json --steps "$steps" $backend_flag 2>/dev/null >"$work/go.$i.json"
	for r in $runs; do
		t=${r%m}
		if [ "$t" = "$r" ]; then
			"$python" "$here/bench/torch_bench.py" --json --steps "$steps" --threads "$t" >"$work/torch$r.$i.json"
		else
			MALLOC_MMAP_THRESHOLD_=67108864 MALLOC_TRIM_THRESHOLD_=268435456 \
				"$python" "$here/bench/torch_bench.py" --json --steps "$steps" --threads "$t" >"$work/torch$r.$i.json"
		fi
	done
	i=$((i + 1))
done

"$python" - "$work" "$runs" <<'EOF'
import glob, json, statistics, sys

work, runs = sys.argv[1], sys.argv[2].split()

def load(prefix):
    return [json.load(open(f)) for f in sorted(glob.glob(f"{work}/{prefix}.*.json"))]

def summary(runs):
    sps = [r["samples_per_second"] for r in runs]
    epoch = [r["seconds_per_epoch"] for r in runs]
    return statistics.median(sps), statistics.median(epoch), min(epoch), max(epoch)

go = load("go")
m = go[0]["machine"]
print(f"machine: {m['cpu']}, {m['cpus']} CPUs; {len(go)} rounds of {go[0]['steps']} steps of {go[0]['batch_size']}")
print(f"{'run':<52} {'samples/s':>10} {'s/epoch':>8}  (range)")
rows = [(f"{go[0]['framework']} {go[0]['backend'].split(' (')[0]}, K={go[0]['steps_per_execution']}", summary(go))]
for r in runs:
    got = load(f"torch{r}")
    malloc = ", malloc kept" if r.endswith("m") else ""
    rows.append((f"{got[0]['framework']} {got[0]['backend']}{malloc}", summary(got)))
for name, (sps, epoch, lo, hi) in rows:
    print(f"{name[:52]:<52} {sps:>10.0f} {epoch:>8.2f}  ({lo:.2f}-{hi:.2f})")
for name, (sps, _, _, _) in rows[1:]:
    print(f"GoMLX / {name}: {rows[0][1][0] / sps:.2f}x the speed")
EOF
