#!/usr/bin/env bash
# The main job, end to end, on a machine that has never built the project: trains the
# article's recipe (fashion train), then measures the model on the test set (fashion
# evaluate).
#
#   scripts/main-job.sh          (no arguments; run the fashion commands for other settings)
#
# It writes in the current directory, as the fashion commands do: the model in
# models/latest, its checkpoints in models/latest.checkpoints, TensorBoard logs in runs/.
#
# Set-up, done first, each step only when needed:
#   1. a C compiler for cgo (scripts/install-deps.sh cc: gcc and libc6-dev on
#      Debian/Ubuntu when run as root; otherwise it names what to install);
#   2. builds cmd/fashion into a temporary directory; Go downloads the modules go.mod
#      pins into its module cache (`go env GOMODCACHE`);
#   3. the data: `fashion data` finds it ($FASHION_MNIST_DIR, the user cache
#      ~/.cache/fashion-mnist, Debian's /usr/share/datasets/fashion-mnist) or downloads it
#      into the user cache, checksums verified. Where the download fails, the Debian
#      package dataset-fashion-mnist is installed (as root on Debian/Ubuntu; otherwise the
#      exact command is printed) and the data read from it.
#
# Environment: FASHION_MNIST_DIR (the data's directory; then nothing is downloaded or
# installed) and GOMLX_BACKEND (the backend), as for the fashion commands.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd -P)
source "$repo/scripts/env.sh"

die() { echo "main-job: $*" >&2; exit 1; }
step() { echo "== main-job: $* (at ${SECONDS}s)"; }

if [ $# -gt 0 ]; then
  echo "main-job: takes no arguments (for other settings, run the fashion commands: GOEXPERIMENT=simd go run ./cmd/fashion help)" >&2
  exit 2
fi
command -v go >/dev/null || die "the go command is not on PATH (install Go 1.26 or newer)"

SECONDS=0
work=$(mktemp -d "${TMPDIR:-/tmp}/main-job.XXXXXX")
trap 'rm -rf "$work"' EXIT
fashion=$work/fashion

step "building cmd/fashion"
"$repo/scripts/install-deps.sh" cc
go -C "$repo" build -o "$fashion" ./cmd/fashion

step "the data"
# `fashion data` prints where the data came from on its first line; a download shows its
# progress, and a failure its one-line reason, on stderr.
if ! "$fashion" data >"$work/data.txt"; then
  [ -z "${FASHION_MNIST_DIR:-}" ] || die "no data in \$FASHION_MNIST_DIR (above)"
  echo "main-job: no data found or downloaded; trying Debian's package dataset-fashion-mnist"
  "$repo/scripts/install-deps.sh" dataset-fashion-mnist ||
    die "no data: install the package above, or put the four Fashion-MNIST .gz files in a directory and set FASHION_MNIST_DIR"
  "$fashion" data --offline >"$work/data.txt" || die "no data (above)"
fi
head -n 1 "$work/data.txt"

step "training (fashion train)"
"$fashion" train
step "evaluating on the test set (fashion evaluate)"
"$fashion" evaluate
step "done: the model is in $(pwd -P)/models/latest"
