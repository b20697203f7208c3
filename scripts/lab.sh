#!/usr/bin/env bash
# Opens the notebooks in JupyterLab, from the project's virtual environment (installed by
# scripts/venv.sh when it is missing or out of date). Installs the Go (fashion-gomlx)
# kernel first when it is missing or bound to another checkout.
#
#   scripts/lab.sh [JUPYTERLAB OPTION...]      e.g. scripts/lab.sh --no-browser --port 8889
#
# The environment's bin/ comes first on PATH, so that a terminal in the lab (bash) has
# `tensorboard` and `jupyter`, as well as `go`.
#
# Environment:
#   LAB_ROOT      the folder JupyterLab shows (default: this checkout's notebooks/)
#   FASHION_VENV  the virtual environment (default: .venv in this checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
repo=$(pwd -P)

die() { echo "lab: $*" >&2; exit 1; }

scripts/venv.sh || die "could not install JupyterLab (above)"
venv=${FASHION_VENV:-$repo/.venv}
export PATH=$venv/bin:$PATH

# The kernel the notebooks ask for, and the checkout it builds against.
spec=$(jupyter --data-dir)/kernels/fashion-gomlx/kernel.json
if ! grep -qF "\"FASHION_GOMLX_DIR\": \"$repo\"" "$spec" 2>/dev/null; then
  echo "lab: installing the Go (fashion-gomlx) kernel for this checkout"
  scripts/install-kernel.sh
fi

root=${LAB_ROOT:-$repo/notebooks}
cd "$root" || die "no such folder: $root"
# A terminal of the lab runs bash in this environment (go, tensorboard on PATH). Left to
# itself, Jupyter started without a terminal of its own (`docker run` without -t) opens
# login shells, whose /etc/profile resets PATH.
shell=$(command -v bash || command -v sh)
echo "lab: starting JupyterLab $(jupyter-lab --version) in $root (open the URL with the token printed below)"
exec jupyter-lab --ServerApp.terminado_settings="{\"shell_command\": [\"$shell\"]}" "$@"
