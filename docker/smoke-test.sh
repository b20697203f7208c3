#!/usr/bin/env bash
# Smoke test of the lab image, with buildah (no Docker engine needed):
#   1. executes a notebook inside the image, as its user jovyan, with the kernel the image
#      installed, without network, and checks it ran without errors and shows its expected
#      outputs (notebooks/expected.json);
#   2. starts the image's default command (JupyterLab) on loopback, waits for the URL with
#      the token it prints, and runs the browser test of tests/surfaces/lab_browser.py
#      against it with this machine's Chromium and Playwright (scripts/venv.sh --test):
#      CHAPTER, from ~/work, through the UI.
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
project=$home/fashion-gomlx

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

# 2. The default command, as a learner meets it: JupyterLab on loopback and a free port
#    (the container shares this machine's network), driven by Chromium from this
#    machine (tests/surfaces/lab_browser.py): the file browser, a chapter of ~/work on
#    the kernel Go (fashion-gomlx), Run All Cells, its images and formulas, saving into
#    ~/work, a terminal. Jupyter is stopped through its API, which ends its kernels.
scripts/install-deps.sh chromium
scripts/venv.sh --test
py=${FASHION_VENV:-$(pwd -P)/.venv}/bin/python
port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mapfile -t argv < <(buildah inspect --type image "$image" |
  "$py" -c 'import json, sys; print("\n".join(json.load(sys.stdin)["Docker"]["config"]["Cmd"]))')
[ ${#argv[@]} -gt 0 ] || die "the image has no default command"
for i in "${!argv[@]}"; do  # The same command, on loopback and a free port.
  case ${argv[$i]} in
    --ip=*) argv[i]=--ip=127.0.0.1 ;;
    --port=*) argv[i]=--port=$port ;;
  esac
done
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
log "passed"
