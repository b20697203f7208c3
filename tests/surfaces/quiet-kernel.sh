#!/usr/bin/env bash
# Fails when a Jupyter server's log shows what GoNB logs for itself: its start-up test
# lines ("Info message", "Warning message", "Error message") and its advice to install
# gopls. The kernel spec of scripts/install-kernel.sh keeps them out of the terminal that
# runs JupyterLab, where the learner reads the URL.
#
#   tests/surfaces/quiet-kernel.sh JUPYTER_LOG
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: tests/surfaces/quiet-kernel.sh JUPYTER_LOG" >&2; exit 2; }
grep -q 'Kernel started' "$1" || { echo "quiet-kernel: $1 shows no kernel start" >&2; exit 1; }
if grep -nE '(Info|Warning|Error) message$|gopls is not installed' "$1" >&2; then
  echo "quiet-kernel: FAILED: GoNB's own log reached the terminal of JupyterLab ($1, above)" >&2
  exit 1
fi
echo "quiet-kernel: ok: no GoNB start-up lines in $1"
