#!/usr/bin/env bash
# Smoke test of the lab image, with buildah (no Docker engine needed):
#   1. executes a notebook inside the image, as its user jovyan, with the kernel the image
#      installed, without network, and checks it ran without errors and shows its expected
#      outputs (notebooks/expected.json);
#   2. runs the image as a hub may: as UID 1234 with an empty home (the chapters are copied
#      in, the build cache is warm for that user, a cell builds and runs), and as root with
#      NB_UID=1234 (start-lab hands the home over and runs as that user);
#   3. starts the image's default command (start-lab: JupyterLab) on loopback, waits for the URL with
#      the token it prints, and runs the browser test of tests/surfaces/lab_browser.py
#      against it with this machine's Chromium and Playwright (scripts/venv.sh --test):
#      CHAPTER, from ~/work, through the UI;
#   4. the widgets in the image, as a learner uses them (tests/surfaces/widgets_browser.py,
#      as tests/surfaces/run.sh widgets runs it on this machine): the same default command,
#      as UID 1234 with an empty home, its lab rooted in ~/work; chapter 8 with
#      FASHION_QUICK=0 (the learning-rate explorer, the Stop button), then chapters 10 and 13
#      with FASHION_QUICK=1 (the test-set browser and the drawing pads running in the page,
#      with the kernel shut down, and in the notebook opened again). WIDGETS=0 skips it.
#
#   docker/smoke-test.sh [NOTEBOOK]
#
# NOTEBOOK is a notebook file name in notebooks/ (default: the data chapter,
# notebooks/04_dataset.ipynb).
#
# Environment:
#   IMAGE          the image to test (default localhost/fashion-gomlx-lab:latest)
#   SMOKE_TIMEOUT  seconds the notebook may run in all (default 1200)
#   FASHION_QUICK  passed to the notebooks' kernel (default 1: train briefly)
#   CHAPTER        the chapter of the browser test (default 02_perceptron.ipynb)
#   SURFACES_OUT   its screenshots go to SURFACES_OUT/image (default tests/surfaces/screenshots)
#   WIDGETS=0      skip part 4 (the widgets: about 5 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "docker/smoke-test: $*" >&2; exit 1; }
log() { echo "docker/smoke-test: $*"; }

image=${IMAGE:-localhost/fashion-gomlx-lab:latest}
limit=${SMOKE_TIMEOUT:-1200}
quick=${FASHION_QUICK-1}
notebook=${1:-}
notebook=${notebook:-notebooks/04_dataset.ipynb}
notebook=$(basename "$notebook")
chapter=${CHAPTER:-02_perceptron.ipynb}
[ "$(id -u)" -eq 0 ] || die "run as root (buildah needs it here)"
command -v buildah >/dev/null || die "buildah is missing: scripts/install-deps.sh buildah"
buildah inspect --type image "$image" >/dev/null 2>&1 || die "no image $image: build it with docker/build.sh"

ctr=
cleanup() { if [ -n "$ctr" ]; then buildah rm "$ctr" >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT
ctr=$(buildah from --pull=never "$image")
run() { buildah run --isolation chroot --user jovyan --env HOME=/home/jovyan "$@"; }
home=/home/jovyan
project=/opt/fashion-gomlx

# 1. The notebook, as a learner would run it from ~/work, on the installed kernel and
#    without network: buildah runs in a network namespace of its own, where only
#    loopback is up (the kernel talks to Jupyter over it).
run "$ctr" -- test -f "$home/work/$notebook" || die "the image has no $home/work/$notebook"
offline=()
if unshare --net sh -c 'ip link set lo up' 2>/dev/null; then
  offline=(unshare --net sh -c 'ip link set lo up && exec "$@"' sh)
else
  log "note: cannot make a network namespace here; the notebook runs with the network"
fi
log "running $notebook in $image as jovyan, offline (FASHION_QUICK=$quick, at most ${limit}s)"
start=$SECONDS
# Inside: nbconvert (stops at the first failing cell), then the failure report or the
# expected-output check, both by scripts/check_notebooks.py.
# shellcheck disable=SC2016 # The script runs in the container, with its own variables.
"${offline[@]}" timeout -k 10 "$limit" buildah run --isolation chroot --user jovyan --env HOME=$home \
    --env FASHION_QUICK="$quick" --env FASHION_NO_PAGE=1 --workingdir "$home/work" "$ctr" -- \
    bash -c '
  project=$1 notebook=$2 limit=$3
  if ! FASHION_NB_FAILURE=/tmp/smoke-failure.json jupyter nbconvert \
      --config "$project/scripts/nbconvert_config.py" --to notebook --execute \
      --ExecutePreprocessor.timeout="$limit" --ExecutePreprocessor.startup_timeout=120 \
      --output-dir /tmp/smoke --output "$notebook" "$notebook" >/tmp/smoke.log 2>&1; then
    python3 "$project/scripts/check_notebooks.py" failure "$notebook" /tmp/smoke-failure.json /tmp/smoke.log
    echo "--- end of the nbconvert log:"; tail -15 /tmp/smoke.log
    exit 1
  fi
  python3 "$project/scripts/check_notebooks.py" check "$project/notebooks/expected.json" "/tmp/smoke/$notebook"
  ' bash "$project" "$notebook" "$limit" || die "$notebook failed in the image (above)"
log "ran and checked $notebook in $((SECONDS - start))s"

# 2. As a hub may start it. As another user of the group users (UID 1234), with an empty
#    volume for a home, as Zero to JupyterHub mounts one on /home/jovyan (the group's, as
#    Kubernetes' fsGroup leaves it): start-lab fills ~/work with the chapters; nothing the
#    project imports is stale in the warm build cache, for this user; a cell that imports
#    the tutorial builds and runs on the kernel. Started as root with NB_UID (docker-stacks'
#    way), start-lab hands the new home over and runs as that user.
volumes=$(mktemp -d "${TMPDIR:-/tmp}/smoke-homes.XXXXXX")
trap 'cleanup; rm -rf "$volumes"' EXIT
install -d -m 2775 -g 100 "$volumes/uid" && install -d -m 0755 "$volumes/root"
# A notebook of one cell that imports the tutorial (GoMLX and all): its build needs the cache.
python3 - "$volumes/uid/cell.ipynb" <<'EOF_NB'
import json, sys
cell = ('import "github.com/fashion-gomlx/fashion-gomlx/tutorial"\n\n'
        '%%\ntutorial.ShowTruthTable("AND", []float64{1, 1}, -1.5)\n')
json.dump({"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {
    "name": "fashion-gomlx", "display_name": "Go (fashion-gomlx)", "language": "go"}},
    "cells": [{"cell_type": "code", "id": "cell", "metadata": {}, "execution_count": None,
               "outputs": [], "source": cell}]}, open(sys.argv[1], "w"))
EOF_NB
start=$SECONDS
# shellcheck disable=SC2016 # The script runs in the container, with its own variables.
timeout -k 10 600 buildah run --isolation chroot --user 1234:100 --volume "$volumes/uid:$home" \
    --env FASHION_NO_PAGE=1 "$ctr" -- bash -c '
  set -e
  start-lab --version >/dev/null
  ls ~/work/02_perceptron.ipynb >/dev/null
  stale=$(go -C "$FASHION_GOMLX_DIR" list -deps -f "{{if .Stale}}{{.ImportPath}} {{end}}" ./tutorial ./pkg/...)
  [ -z "$stale" ] || { echo "stale in the build cache for UID $(id -u): $stale"; exit 1; }
  jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
    --output-dir /tmp --output ran.ipynb ~/cell.ipynb >/tmp/cell.log 2>&1 || { tail /tmp/cell.log; exit 1; }
  grep -q "x1 x2 | output" /tmp/ran.ipynb || { echo "the cell printed no truth table:"; cat /tmp/ran.ipynb; exit 1; }
  ' || die "the image as UID 1234 with an empty home failed (above)"
[ "$(stat -c %u "$volumes/uid/work/02_perceptron.ipynb")" = 1234 ] ||
  die "start-lab did not copy the chapters into the new home as UID 1234"
buildah run --isolation chroot --user root --env NB_UID=1234 --env NB_GID=100 \
    --volume "$volumes/root:$home" "$ctr" -- start-lab --version >/dev/null ||
  die "start-lab started as root with NB_UID=1234 failed"
owners=$(stat -c %u:%g "$volumes/root" "$volumes/root/work" "$volumes/root/work/02_perceptron.ipynb" | sort -u)
[ "$owners" = 1234:100 ] || die "start-lab started as root did not hand the home over to NB_UID=1234 (owners: $owners)"
log "as UID 1234 with an empty home: the chapters copied, the build cache warm, a cell ran; as root with NB_UID: the home handed over ($((SECONDS - start))s)"

# 3. The default command, as a learner meets it: JupyterLab on loopback and a free port
#    (the container shares this machine's network), driven by Chromium from this
#    machine (tests/surfaces/lab_browser.py): the file browser, a chapter of ~/work on
#    the kernel Go (fashion-gomlx), Run All Cells, its images and formulas, saving into
#    ~/work, a terminal. Jupyter is stopped through its API, which ends its kernels.
scripts/install-deps.sh chromium
scripts/venv.sh --test
py=${FASHION_VENV:-$(pwd -P)/.venv}/bin/python
free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mapfile -t cmd < <(buildah inspect --type image "$image" |
  "$py" -c 'import json, sys; print("\n".join(json.load(sys.stdin)["Docker"]["config"]["Cmd"]))')
[ ${#cmd[@]} -gt 0 ] || die "the image has no default command"
port=$(free_port)
argv=("${cmd[@]}" --ip=127.0.0.1 "--port=$port")  # The same command, on loopback and a free port.
shots=${SURFACES_OUT:-tests/surfaces/screenshots}/image
mkdir -p "$shots"
log "the default command (${argv[*]}) on 127.0.0.1:$port, in Chromium: $chapter in ~/work (screenshots in $shots)"
start=$SECONDS
"$py" tests/surfaces/with_server.py --jupyter --url 'http://127\.0\.0\.1:\d+/lab\?token=\w+' \
    --log "$shots/lab.log" \
    --test "$py tests/surfaces/lab_browser.py --url {url} --folder work --chapter $chapter --shots $shots" \
    -- buildah run --isolation chroot --network host --user jovyan --env HOME=$home \
    --env FASHION_QUICK="$quick" --workingdir "$home" "$ctr" -- "${argv[@]}" ||
  die "the lab in the image failed in the browser (above; its log: $shots/lab.log)"
tests/surfaces/quiet-kernel.sh "$shots/lab.log"
log "the lab in the image passed in Chromium in $((SECONDS - start))s"

# 4. The widgets in the image. The home is a volume of this machine, so that the browser
#    test loads pictures/sneaker.png from the learner's folder as a learner's file dialog
#    does; the lab is rooted in ~/work, the folder tests/surfaces/run.sh serves.
if [ "${WIDGETS:-1}" != 0 ]; then
  scripts/install-deps.sh dataset-fashion-mnist
  data=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
  install -d -m 2775 -g 100 "$volumes/widgets"
  start=$SECONDS
  for part in train page; do
    part_quick=1
    [ "$part" = page ] || part_quick=0
    log "the widgets ($part) in the image, as UID 1234, FASHION_QUICK=$part_quick, in Chromium"
    "$py" tests/surfaces/with_server.py --jupyter --url 'http://127\.0\.0\.1:\d+/lab\?token=\w+' \
        --log "$shots/widgets-$part.log" \
        --test "$py tests/surfaces/widgets_browser.py --url {url} --data-dir $data --learner $volumes/widgets/work --part $part --shots $shots/widgets-$part" \
        -- buildah run --isolation chroot --network host --user 1234:100 --volume "$volumes/widgets:$home" \
        --env HOME=$home --env FASHION_QUICK="$part_quick" --workingdir "$home" "$ctr" -- \
        "${cmd[@]}" --ip=127.0.0.1 "--port=$(free_port)" "--ServerApp.root_dir=$home/work" ||
      die "the widgets ($part) failed in the image (above; its log: $shots/widgets-$part.log)"
  done
  log "the widgets in the image passed in Chromium in $((SECONDS - start))s"
fi
log "passed"
