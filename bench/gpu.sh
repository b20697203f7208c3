#!/bin/sh
# Times the article's recipe on a GPU: GoMLX's XLA backend with CUDA (fashion
# bench, for several numbers of updates per execution), PyTorch on CUDA
# (bench/torch_bench.py) and JAX on CUDA (bench/jax_bench.py, a jit-compiled
# step and an epoch as one lax.scan, where the Python has JAX's CUDA plugin),
# one after the other in one call, then prints the table. It builds nothing: GPU machines here have no network, so build the
# binary beforehand where Go and the module cache are, and bring the data:
#
#   GOEXPERIMENT=simd go build -o bin/fashion ./cmd/fashion
#   mkdir -p bin/data && cp /usr/share/datasets/fashion-mnist/* bin/data/
#   GPU=1 bench/install.sh   # bench/.venv with CUDA torch, JAX's CUDA 13 plugin
#   # on the GPU machine, from the repository root (bring bin/ and bench/.venv):
#   bench/gpu.sh
#
# Environment:
#   FASHION     the fashion binary (default bin/fashion)
#   DATA_DIR    the four Fashion-MNIST files (default bin/data; --synthetic when absent)
#   PLUGIN      XLA's CUDA PJRT plugin (default: the first jax_plugins/xla_cuda*/
#               xla_cuda_plugin.so of python3's site-packages)
#   STEPS       updates timed per run (default 1600, at most 1718: fashion bench times a
#               second pass over the same images, after a warm-up pass)
#   KS          updates per execution to try (default "64 1718": the loop in the graph,
#               64 updates per execution and a whole pass of STEPS per execution)
#   PYTHON      the Python with CUDA torch (default bench/.venv/bin/python, else python3)
# Outside a GPU machine, BACKEND=go, TORCH_DEVICE=cpu and JAX_PLATFORM=cpu run
# the same script on the CPU, which is how it is tested.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
fashion=${FASHION:-$here/bin/fashion}
data_dir=${DATA_DIR:-$here/bin/data}
steps=${STEPS:-1600}
ks=${KS:-"64 1718"}
python=${PYTHON:-}
if [ -z "$python" ]; then
	python=python3
	[ -x "$here/bench/.venv/bin/python" ] && python=$here/bench/.venv/bin/python
fi
torch_device=${TORCH_DEVICE:-cuda}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -x "$fashion" ]; then
	echo "gpu.sh: no fashion binary at $fashion (build it first: GOEXPERIMENT=simd go build -o bin/fashion ./cmd/fashion)" >&2
	exit 1
fi

site=$("$python" -c 'import site; print(site.getsitepackages()[0])')
backend=${BACKEND:-}
if [ -z "$backend" ]; then
	plugin=${PLUGIN:-}
	if [ -z "$plugin" ]; then
		for p in "$site"/jax_plugins/xla_cuda*/xla_cuda_plugin.so; do
			[ -f "$p" ] && plugin=$p && break
		done
	fi
	if [ -z "$plugin" ]; then
		echo "gpu.sh: no XLA CUDA plugin under $site/jax_plugins (set PLUGIN)" >&2
		exit 1
	fi
	backend="xla:$plugin"
	# The plugin loads CUDA's libraries from pip's nvidia-* packages.
	for d in "$site"/nvidia/*/lib; do
		[ -d "$d" ] && LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	done
	export LD_LIBRARY_PATH
	export GOMLX_NO_AUTO_INSTALL=1
fi

data_flags="--synthetic"
torch_data=""
if [ -f "$data_dir/train-images-idx3-ubyte.gz" ] || [ -f "$data_dir/train-images-idx3-ubyte" ]; then
	data_flags="--data-dir $data_dir --offline"
	torch_data="--data-dir $data_dir"
fi

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
for k in $ks; do
	echo "fashion bench, $k updates per execution..." >&2
	# shellcheck disable=SC2086 # data_flags holds separate flags.
	"$fashion" bench --json --backend "$backend" --steps "$steps" --steps-per-execution "$k" $data_flags >"$work/go.$k.json"
done
if [ -z "$torch_data" ]; then
	echo "gpu.sh: no data in $data_dir: PyTorch needs the real files; skipping it" >&2
else
	echo "torch_bench.py on $torch_device..." >&2
	# shellcheck disable=SC2086 # torch_data is a flag and its value.
	"$python" "$here/bench/torch_bench.py" --json --device "$torch_device" --steps "$steps" $torch_data >"$work/torch.json"
fi
jax_platform=${JAX_PLATFORM:-cuda}
if [ -n "$torch_data" ] && JAX_PLATFORMS=$jax_platform "$python" -c 'import jax; jax.devices()' >/dev/null 2>&1; then
	for mode in step scan; do
		echo "jax_bench.py --mode $mode on $jax_platform..." >&2
		# shellcheck disable=SC2086 # torch_data is a flag and its value.
		JAX_PLATFORMS=$jax_platform "$python" "$here/bench/jax_bench.py" --json --mode "$mode" --steps "$steps" $torch_data >"$work/jax.$mode.json"
	done
else
	echo "gpu.sh: no JAX with a $jax_platform device in $python (GPU=1 bench/install.sh), or no data: skipping JAX" >&2
fi

"$python" - "$work" <<'EOF'
import glob, json, os, sys
work = sys.argv[1]
rows = []
for path in sorted(glob.glob(os.path.join(work, "go.*.json")), key=lambda p: int(p.split(".")[-2])):
    r = json.load(open(path))
    rows.append((f"GoMLX {r['backend']}, K={r['steps_per_execution']}", r))
torch_path = os.path.join(work, "torch.json")
if os.path.exists(torch_path):
    r = json.load(open(torch_path))
    rows.append((f"PyTorch {r['backend']}", r))
for mode in ("step", "scan"):
    path = os.path.join(work, f"jax.{mode}.json")
    if os.path.exists(path):
        r = json.load(open(path))
        rows.append((f"{r['framework']} {r['backend']}", r))
print(f"{'run':70s} {'samples/s':>10s} {'s/epoch':>8s}")
for name, r in rows:
    print(f"{name[:70]:70s} {r['samples_per_second']:10.0f} {r['seconds_per_epoch']:8.3f}")
EOF
