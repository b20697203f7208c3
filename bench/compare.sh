#!/bin/sh
# Times the article's training recipe in GoMLX (fashion bench) and in the
# peers a user would pick, in one call: PyTorch 2 and JAX from PyPI (in
# bench/.venv, made by bench/install.sh) and Debian's PyTorch 1.13
# (python3-torch). Every run trains the same recipe (784-500-250-100-10,
# batches of 32, SGD with learning rate 0.01, decay 1e-6 and Nesterov
# momentum 0.9, sparse cross-entropy) on the same images. The runs alternate,
# round after round, each round starting one run further along the list, so
# that a machine whose speed drifts (shared with other work) affects them
# alike; the table gives medians and ranges over the rounds, and the ratio
# of each run's speed to the best peer's.
#
# The first row is GoMLX as users get it by default: XLA on the CPU when its
# plugin is installed (here: bench/.venv/pjrt, through PJRT_PLUGIN_LIBRARY_PATH),
# else the pure-Go backend.
#
# Usage: bench/compare.sh [ROUNDS]        (default 5)
# Environment:
#   STEPS       updates timed per run (default 800); the JAX scan run times
#               SCAN_STEPS updates (default 1718, the full batches of an
#               epoch) in one call
#   RUNS        the runs, in order (default below); a run whose program is
#               missing is left out, saying so. Known runs:
#                 gomlx           fashion bench, default backend
#                 gomlx-go        fashion bench --backend go
#                 gomlx-go:N      fashion bench --backend go:parallelism=N
#                 gomlx-K:N       the default backend, N updates per execution
#                 torch-N         PyTorch 2 (bench/.venv), N threads
#                 jax-step        JAX, one jit-compiled update per call
#                 jax-scan        JAX, SCAN_STEPS updates in one lax.scan
#                 debian-torch-N  Debian's PyTorch (/usr/bin/python3), N threads
#   FASHION     a fashion binary to time (default: built from this checkout)
#   VENV        the peers' environment (default bench/.venv)
#   RESULTS     also write every run's JSON report, as one array, to this file
set -eu

rounds=${1:-5}
steps=${STEPS:-800}
scan_steps=${SCAN_STEPS:-1718}
runs=${RUNS:-"gomlx gomlx-go torch-1 torch-2 jax-step jax-scan debian-torch-1"}
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$here/bench/.venv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case $rounds in
'' | *[!0-9]* | 0)
	echo "compare.sh: ROUNDS must be a positive number, not \"$rounds\"" >&2
	exit 2
	;;
esac

fashion=${FASHION:-}
if [ -z "$fashion" ]; then
	echo "building fashion (GOEXPERIMENT=simd)..." >&2
	(cd "$here" && GOEXPERIMENT=simd go build -o "$work/fashion" ./cmd/fashion)
	fashion=$work/fashion
fi
plugin_dir=""
if [ -e "$venv/pjrt/pjrt_c_api_cpu_plugin.so" ]; then plugin_dir=$venv/pjrt; fi

# available RUN succeeds when the program RUN needs is there, and says why not otherwise.
available() {
	case $1 in
	torch-* | jax-*)
		[ -x "$venv/bin/python" ] && return 0
		echo "compare.sh: leaving out $1: no $venv (run bench/install.sh)" >&2
		return 1
		;;
	debian-torch-*)
		/usr/bin/python3 -c 'import torch' 2>/dev/null && return 0
		echo "compare.sh: leaving out $1: Debian's python3-torch is not installed" >&2
		return 1
		;;
	gomlx | gomlx-go | gomlx-go:* | gomlx-K:*) return 0 ;;
	esac
	echo "compare.sh: unknown run \"$1\"" >&2
	exit 2
}

# run RUN writes RUN's JSON report on standard output.
run() {
	case $1 in
	gomlx) PJRT_PLUGIN_LIBRARY_PATH=${plugin_dir:-${PJRT_PLUGIN_LIBRARY_PATH:-}} \
		"$fashion" bench --json --steps "$steps" 2>/dev/null ;;
	gomlx-K:*) PJRT_PLUGIN_LIBRARY_PATH=${plugin_dir:-${PJRT_PLUGIN_LIBRARY_PATH:-}} \
		"$fashion" bench --json --steps "$steps" --steps-per-execution "${1#gomlx-K:}" 2>/dev/null ;;
	gomlx-go) "$fashion" bench --json --steps "$steps" --backend go 2>/dev/null ;;
	# The Go backend prints its parallelism on standard output: keep the JSON only.
	gomlx-go:*) "$fashion" bench --json --steps "$steps" --backend "go:parallelism=${1#gomlx-go:}" 2>/dev/null |
		sed -n '/^{/,$p' ;;
	torch-*) "$venv/bin/python" "$here/bench/torch_bench.py" --json --steps "$steps" --threads "${1#torch-}" ;;
	jax-step) "$venv/bin/python" "$here/bench/jax_bench.py" --json --steps "$steps" --mode step ;;
	jax-scan) "$venv/bin/python" "$here/bench/jax_bench.py" --json --steps "$scan_steps" --mode scan ;;
	debian-torch-*) /usr/bin/python3 "$here/bench/torch_bench.py" --json --steps "$steps" --threads "${1#debian-torch-}" ;;
	esac
}

kept=""
for r in $runs; do
	if available "$r"; then kept="$kept $r"; fi
done
# shellcheck disable=SC2086 # kept is a list of words.
set -- $kept
n=$#
if [ "$n" = 0 ]; then
	echo "compare.sh: nothing to run" >&2
	exit 1
fi

i=1
while [ "$i" -le "$rounds" ]; do
	echo "round $i of $rounds:$kept" >&2
	j=0
	while [ "$j" -lt "$n" ]; do
		# Round i starts with run number i (mod n).
		k=$(((i - 1 + j) % n + 1))
		eval "r=\${$k}"
		file=$work/$(echo "$r" | tr ':' '_').$i.json
		if ! run "$r" >"$file" || [ ! -s "$file" ]; then
			echo "compare.sh: run $r failed in round $i" >&2
			exit 1
		fi
		j=$((j + 1))
	done
	i=$((i + 1))
done

# shellcheck disable=SC2086 # kept is a list of words.
python3 - "$work" "${RESULTS:-}" $kept <<'EOF'
import glob, json, re, statistics, sys

work, results, runs = sys.argv[1], sys.argv[2], sys.argv[3:]


def label(run, r):
    """A short name for a run, from its report."""
    backend = r["backend"]
    if r["framework"] == "GoMLX":
        if backend.startswith("xla"):
            v = re.search(r"v(\d+\.\d+)", backend)
            backend = "XLA CPU plugin" + (f" (PJRT API v{v.group(1)})" if v else "")
        else:
            p = re.search(r"parallelism=\d+", backend)
            backend = "Go backend" + (f" ({p.group(0)})" if p else "")
        name = "GoMLX " + ("default: " if run == "gomlx" or run.startswith("gomlx-K:") else "") + backend
        if r["steps_per_execution"] != 64:
            name += f", K={r['steps_per_execution']}"
        return name
    if run.startswith("debian-"):
        return f"Debian's {r['framework']}, {backend}"
    return f"{r['framework']}, {backend}"


rows, everything = [], []
for run in runs:
    reports = [json.load(open(f)) for f in sorted(glob.glob(f"{work}/{run.replace(':', '_')}.*.json"))]
    everything += [dict(r, run=run) for r in reports]
    sps = [r["samples_per_second"] for r in reports]
    epoch = [r["seconds_per_epoch"] for r in reports]
    cpu = [r["cpu_seconds"] / r["steps"] / r["batch_size"] * 55000 for r in reports if r.get("cpu_seconds")]
    rows.append({"run": run, "name": label(run, reports[0]), "gomlx": reports[0]["framework"] == "GoMLX",
                 "sps": statistics.median(sps), "epoch": statistics.median(epoch),
                 "lo": min(epoch), "hi": max(epoch), "cpu": statistics.median(cpu) if cpu else float("nan"),
                 "loss": statistics.median(r["loss"] for r in reports), "steps": reports[0]["steps"]})

first = everything[0]
m = first["machine"]
print(f"machine: {m['cpu']}, {m['cpus']} CPUs; {len(everything) // len(runs)} rounds, "
      f"batches of {first['batch_size']}")
peers = [r for r in rows if not r["gomlx"]]
best = max(peers, key=lambda r: r["sps"]) if peers else None
print(f"{'run':<58} {'samples/s':>9} {'s/epoch':>8} {'(range)':>13} {'CPU s/ep':>8} {'loss':>6} {'vs best':>7}")
for r in rows:
    ratio = f"{r['sps'] / best['sps']:.2f}x" if best else "-"
    print(f"{r['name'][:58]:<58} {r['sps']:>9.0f} {r['epoch']:>8.2f} {r['lo']:>6.2f}-{r['hi']:<6.2f} "
          f"{r['cpu']:>8.2f} {r['loss']:>6.3f} {ratio:>7}")
print("(s/epoch: medians of 55,000 / samples per second; CPU s/ep: CPU seconds per epoch; loss: mean of the "
      "run's updates; vs best: speed over the best peer's)")
default = next((r for r in rows if r["run"] == "gomlx"), None)
if default and best:
    print(f"GoMLX by default ({default['name'].split(': ', 1)[-1]}) / best peer ({best['name']}): "
          f"{default['sps'] / best['sps']:.2f}x the speed")
if results:
    with open(results, "w") as f:
        json.dump(everything, f, indent=1)
EOF
