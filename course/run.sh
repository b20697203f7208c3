#!/usr/bin/env bash
# Autogrades the course edition of the exercises with nbgrader (course/check.py says how):
# a solved, an unsolved and a wrong copy of each CHAPTER, on the Go kernel of this checkout.
#
#   course/run.sh [CHAPTER...]        (default: 02_perceptron 06_visualise_and_preprocess)
#
# It installs what it needs: nbgrader (scripts/venv.sh --hub, into .venv-hub) and the kernel
# Go (fashion-gomlx) for this checkout when Jupyter has none bound to it
# (scripts/install-kernel.sh; set JUPYTER_DATA_DIR to keep it out of your own). The chapters
# run in quick mode (FASHION_QUICK=1) unless FASHION_QUICK says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

venv=${HUB_VENV:-$(pwd -P)/.venv-hub}
FASHION_VENV=$venv scripts/venv.sh --hub
export PATH=$venv/bin:$PATH
spec=$(jupyter --data-dir)/kernels/fashion-gomlx/kernel.json
if ! grep -qF "\"FASHION_GOMLX_DIR\": \"$(pwd -P)\"" "$spec" 2>/dev/null; then
  scripts/install-kernel.sh
fi
export FASHION_QUICK=${FASHION_QUICK-1} FASHION_NO_PAGE=1
exec "$venv/bin/python" course/check.py "$@"
