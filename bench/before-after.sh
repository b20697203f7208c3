#!/usr/bin/env bash
# Times two builds of the fashion tool against each other, alternating, on the same
# machine in the same minutes: `fashion bench` on XLA's CPU plugin (the default path, the
# loop in the graph) and on the pure-Go backend, and a whole short `fashion train` on XLA
# (compiling included), ROUNDS times each (default 3), each round in the other order.
#
#   bench/before-after.sh OLD_FASHION NEW_FASHION [ROUNDS]
#
# e.g., for the build before a change and this checkout:
#   git worktree add /tmp/before <commit> && (cd /tmp/before && GOEXPERIMENT=simd go build -o /tmp/fashion-before ./cmd/fashion)
#   GOEXPERIMENT=simd go build -o /tmp/fashion-after ./cmd/fashion
#   bench/before-after.sh /tmp/fashion-before /tmp/fashion-after 3
#
# It prints one line per run (seconds per epoch and CPU seconds per epoch from
# `fashion bench --json`; wall and CPU seconds of the train) and the medians, with the
# processor and the load. Needs the data set; the plugin comes from bench/xla-plugin.sh.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,16s/^# \{0,1\}//p' "$0"; exit 2; }
old=$1 new=$2 rounds=${3:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
plugin=$("$here/bench/xla-plugin.sh")
export GOMLX_NO_AUTO_INSTALL=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/results

echo "processor: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# bench NAME BINARY BACKEND STEPS: one fashion bench run.
bench() {
	"$2" bench --json --backend "$3" --steps "$4" >"$work/out.json" 2>/dev/null
	python3 - "$work/out.json" "$1" "$3" >>"$results" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
kind = "xla" if sys.argv[3].startswith("xla") else "go"
cpu = r["cpu_seconds"] * r["seconds_per_epoch"] / r["seconds"]
print(f"{sys.argv[2]} bench-{kind} {r['seconds_per_epoch']:.3f} {cpu:.3f} {r['loss']:.6f}")
PY
	tail -n 1 "$results"
}

# train NAME BINARY: a whole `fashion train` of 2 epochs of 10,000 images on XLA, its
# wall and CPU seconds (compiling included).
train() {
	/usr/bin/time -f "%e %U %S" -o "$work/time" \
		"$2" train --backend "xla:$plugin" --epochs 2 --limit 10000 --out "$work/model" --logdir "" >/dev/null 2>&1
	read -r wall user sys <"$work/time"
	echo "$1 train-xla $wall $(python3 -c "print(f'{$user + $sys:.2f}')") 0" | tee -a "$results"
	rm -rf "$work/model"
}

for round in $(seq "$rounds"); do
	pairs=("before $old" "after $new")
	if [ $((round % 2)) = 0 ]; then pairs=("after $new" "before $old"); fi
	for p in "${pairs[@]}"; do
		set -- $p
		bench "$1" "$2" "xla:$plugin" 1718
		bench "$1" "$2" go 400
		train "$1" "$2"
	done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'PY'
import statistics, sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, kind, secs, cpu, loss = line.split()
    runs[(kind, name)].append((float(secs), float(cpu)))
print("medians (range): bench = s/epoch and CPU s/epoch; train = wall s and CPU s")
for kind in ("bench-xla", "bench-go", "train-xla"):
    cols = []
    for name in ("before", "after"):
        s = [x for x, _ in runs[(kind, name)]]
        c = [y for _, y in runs[(kind, name)]]
        cols.append(f"{name} {statistics.median(s):.2f} ({min(s):.2f}-{max(s):.2f}), CPU {statistics.median(c):.2f} ({min(c):.2f}-{max(c):.2f})")
    print(f"  {kind}: " + "; ".join(cols))
PY
