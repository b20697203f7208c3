#!/usr/bin/env bash
# Opens the notebooks in JupyterLab, or in the classic Jupyter Notebook where
# JupyterLab is absent. Installs the Go (fashion-gomlx) kernel first when it is
# missing or bound to another checkout.
#
#   scripts/lab.sh [JUPYTER OPTION...]      e.g. scripts/lab.sh --no-browser --port 8889
#
# Environment:
#   LAB_ROOT   the folder Jupyter shows (default: this checkout's notebooks/)
#   JUPYTER    lab or classic: which front end (default: lab when installed)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
repo=$(pwd -P)

die() { echo "lab: $*" >&2; exit 1; }

command -v jupyter >/dev/null ||
  die "Jupyter is not installed; install JupyterLab (pip install jupyterlab) or Debian's jupyter-notebook (scripts/install-deps.sh jupyter-notebook)"
# The kernel the notebooks ask for, and the checkout it builds against.
spec=$(jupyter --data-dir)/kernels/fashion-gomlx/kernel.json
if ! grep -qF "\"FASHION_GOMLX_DIR\": \"$repo\"" "$spec" 2>/dev/null; then
  echo "lab: installing the Go (fashion-gomlx) kernel for this checkout"
  scripts/install-kernel.sh
fi

front=${JUPYTER:-}
if [ -z "$front" ]; then
  if command -v jupyter-lab >/dev/null; then front=lab
  elif command -v jupyter-notebook >/dev/null; then front=classic
  else
    die "neither JupyterLab nor Jupyter Notebook is installed; install JupyterLab (pip install jupyterlab) or Debian's jupyter-notebook (scripts/install-deps.sh jupyter-notebook)"
  fi
fi
case $front in
  lab) command=(jupyter-lab) ;;
  classic) command=(jupyter-notebook) ;;
  *) die "JUPYTER must be lab or classic, not '$front'" ;;
esac
command -v "${command[0]}" >/dev/null || die "${command[0]} is not installed"

root=${LAB_ROOT:-$repo/notebooks}
cd "$root" || die "no such folder: $root"
echo "lab: starting ${command[*]} in $root (open the URL with the token printed below)"
exec "${command[@]}" "$@"
