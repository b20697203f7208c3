#!/usr/bin/env bash
# Smoke test of the lab image, with buildah (no Docker engine needed):
#   1. executes a notebook inside the image, as its user jovyan, with the kernel the image
#      installed, without network, and checks it ran without errors and shows its expected
#      outputs (notebooks/expected.json);
#   2. starts the image's default command (Jupyter) on loopback for a few seconds and
#      checks that it prints the URL with the token and answers on /api.
#
#   docker/smoke-test.sh [NOTEBOOK]
#
# NOTEBOOK is a notebook file name in notebooks/ (default: the data chapter,
# notebooks/04_dataset.ipynb).
#
# Environment:
#   IMAGE          the image to test (default localhost/fashion-gomlx-lab:latest)
#   SMOKE_TIMEOUT  seconds the notebook may run in all (default 1200)
#   FASHION_QUICK  passed to the notebook (default 1: train briefly)
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
    --env FASHION_QUICK="$quick" --workingdir "$home/work" "$ctr" -- \
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

# 2. The default command: the URL with a token, and an answer on /api. Loopback only and
#    a free port (the container shares this machine's network); bounded in time.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mapfile -t argv < <(buildah inspect --type image "$image" |
  python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["Docker"]["config"]["Cmd"]))')
[ ${#argv[@]} -gt 0 ] || die "the image has no default command"
for i in "${!argv[@]}"; do  # The same command, on loopback and a free port.
  case ${argv[$i]} in
    --ip=*) argv[i]=--ip=127.0.0.1 ;;
    --port=*) argv[i]=--port=$port ;;
  esac
done
log "starting the default command (${argv[*]}) on 127.0.0.1:$port for a few seconds"
# shellcheck disable=SC2016 # The script runs in the container, with its own variables.
started=$(timeout -k 10 90 buildah run --isolation chroot --user jovyan --env HOME=$home \
  --workingdir "$home" "$ctr" -- bash -c '
  port=$1; shift
  "$@" >/tmp/jupyter.log 2>&1 &
  pid=$!
  for _ in $(seq 60); do
    if grep -q "token=" /tmp/jupyter.log && python3 -c "import sys, urllib.request
urllib.request.urlopen(\"http://127.0.0.1:%s/api\" % sys.argv[1], timeout=2)" "$port" 2>/dev/null; then
      echo up; break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  kill -INT "$pid" 2>/dev/null; sleep 1; kill -INT "$pid" 2>/dev/null
  for _ in $(seq 10); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -KILL "$pid" 2>/dev/null || true
  cat /tmp/jupyter.log >&2' bash "$port" "${argv[@]}" 2>/tmp/smoke-jupyter.log.$$ || true)
url=$(grep -oE 'http://[^ ]*token=[0-9a-f]+' /tmp/smoke-jupyter.log.$$ | head -1 || true)
if [ "$started" != up ] || [ -z "$url" ]; then
  tail -20 /tmp/smoke-jupyter.log.$$ >&2
  rm -f /tmp/smoke-jupyter.log.$$
  die "the default command did not print a URL with a token and answer on /api (log above)"
fi
rm -f /tmp/smoke-jupyter.log.$$
log "the default command printed ${url%%token=*}token=... and answered on /api"
log "passed"
