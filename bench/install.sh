#!/bin/sh
# Installs the peers of `fashion bench` at the versions bench/requirements.txt
# pins (PyTorch 2, JAX, and XLA's CPU PJRT plugin for GoMLX's XLA backend)
# into the git-ignored virtual environment bench/.venv, and Debian's PyTorch
# 1.13 (python3-torch) where apt-get runs as root.
#
# The wheels are downloaded once into bench/.wheels (git-ignored; about
# 3.1 GB, most of it the CUDA libraries that PyPI's torch needs even on a
# CPU) and installed from there: running the script again, or after removing
# bench/.venv, downloads nothing new. The plugin is linked as
# bench/.venv/pjrt/pjrt_c_api_cpu_plugin.so, the name GoMLX looks for:
#
#   PJRT_PLUGIN_LIBRARY_PATH=bench/.venv/pjrt fashion bench   # XLA on the CPU
#
# Usage: bench/install.sh
# Environment:
#   PYTHON   the Python to make the environment with (3.12 or newer; default:
#            the newest python3.1x found on PATH or under pyenv)
#   WHEELS   where to keep the downloaded wheels (default bench/.wheels)
#   APT=0    skip Debian's python3-torch
#   GPU=1    also install JAX's CUDA plugin (bench/requirements-gpu.txt), for bench/gpu.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
venv=$here/.venv
wheels=${WHEELS:-$here/.wheels}

# is_new_python PYTHON succeeds when PYTHON runs and is 3.12 or newer.
is_new_python() {
	"$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null
}

python=${PYTHON:-}
if [ -z "$python" ]; then
	candidates="python3.14 python3.13 python3.12 python3"
	if command -v pyenv >/dev/null 2>&1; then
		root=$(pyenv root)
		for v in $(pyenv versions --bare 2>/dev/null | sort -rV); do
			candidates="$candidates $root/versions/$v/bin/python3"
		done
	fi
	for p in $candidates; do
		if is_new_python "$p"; then python=$p; break; fi
	done
fi
if [ -z "$python" ] || ! is_new_python "$python"; then
	echo "install.sh: no Python 3.12 or newer (JAX 0.11 needs it); set PYTHON" >&2
	exit 1
fi

echo "install.sh: $("$python" --version) -> $venv" >&2
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
mkdir -p "$wheels"
"$venv/bin/pip" download --quiet --dest "$wheels" --requirement "$here/requirements.txt"
"$venv/bin/pip" install --quiet --no-index --find-links "$wheels" --requirement "$here/requirements.txt"
if [ "${GPU:-0}" = 1 ]; then
	"$venv/bin/pip" download --quiet --no-deps --dest "$wheels" --requirement "$here/requirements-gpu.txt"
	"$venv/bin/pip" install --quiet --no-deps --no-index --find-links "$wheels" --requirement "$here/requirements-gpu.txt"
fi

plugin=$("$venv/bin/python" -c 'import lammps_jax_pjrt_cpu as p; print(p.PLUGIN_PATH)')
mkdir -p "$venv/pjrt"
ln -sf "$plugin" "$venv/pjrt/pjrt_c_api_cpu_plugin.so"

if [ "${APT:-1}" != 0 ] && ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		apt-get -o DPkg::Lock::Timeout=300 install -y -qq python3-torch >&2 ||
			{ apt-get -o DPkg::Lock::Timeout=300 update -qq && apt-get -o DPkg::Lock::Timeout=300 install -y -qq python3-torch >&2; }
	else
		echo "install.sh: Debian's PyTorch row needs python3-torch (apt-get install python3-torch)" >&2
	fi
fi

"$venv/bin/python" - "$venv" <<'EOF'
import sys
import jax, torch
print(f"PyTorch {torch.__version__}, JAX {jax.__version__} in {sys.argv[1]}")
EOF
echo "XLA CPU plugin: $venv/pjrt/pjrt_c_api_cpu_plugin.so -> $plugin"
du -sh "$venv" "$wheels" | sed 's/^/size: /'
