#!/usr/bin/env bash
# Tests what a learner touches, as the learner meets it (scripts/test.sh runs this):
#   tensorboard  `fashion train` (2 epochs, 1,000 images) logs a run; TensorBoard's own
#                loader reads it (tensorboard_check.py load), then `tensorboard --logdir`
#                serves it on loopback and Chromium opens its scalars dashboard
#                (tensorboard_check.py dashboard);
#   lab          scripts/lab.sh serves JupyterLab on loopback, over a copy of notebooks/
#                (the learner's folder), and Chromium runs a chapter in it (lab_browser.py);
#   widgets      the same lab, where Chromium uses the widgets of chapters 8, 10 and 13 as a
#                learner does (widgets_browser.py): chapter 8 in a lab with FASHION_QUICK=0
#                (the learning-rate explorer, the Stop button of the training curves, in an
#                epoch long enough to click it), then chapters 10 and 13 in a lab with
#                FASHION_QUICK=1 over the same folder (the test-set browser and the drawing
#                pads, which run in the page: with the kernel shut down, and in the notebook
#                opened again); afterwards, no process of either lab is left.
# The lab image gets the same browser test from docker/smoke-test.sh.
#
#   tests/surfaces/run.sh [tensorboard|lab|widgets]...      (default: all three)
#
# It installs what it needs: Debian's chromium (scripts/install-deps.sh) and the Python
# tools (scripts/venv.sh --test). Jupyter's folders (kernels, settings, workspaces) are
# private to the run, so the user's own are neither used nor changed.
#
# Environment:
#   SURFACES_OUT  screenshots and server logs (default tests/surfaces/screenshots, git-ignored)
#   CHAPTER       the chapter the browser runs (default 02_perceptron.ipynb: short, with
#                 formulas and figures; the widgets part drives chapters 8, 10 and 13)
#   FASHION_QUICK passed to the kernel (default 1: chapters train briefly); the widgets
#                 part runs chapter 8 with FASHION_QUICK=0, as a learner does, for epochs long
#                 enough to click Stop in the first one
#   SURFACES_MODEL a saved model directory the widgets part puts in the learner's
#                 models/tutorial after chapter 8, before chapter 10 (default: none, chapter 10
#                 uses the model chapter 8 saved when Stop was clicked); with it, the drawings'
#                 answers must be those chapter 10's prose states (the prose is measured with
#                 chapter 8's full run, FASHION_QUICK=0)
#   SURFACES_TIMING=1 the widgets' targets of time are checks (a stroke answered within 50 ms,
#                 the median; a pad live within 5 s of its output): on a quiet machine. By
#                 default the run logs them (docs/widgets.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh

die() { echo "surfaces: $*" >&2; exit 1; }

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(tensorboard lab widgets)
for part in "${parts[@]}"; do
  case $part in
    tensorboard | lab | widgets) ;;
    *) echo "surfaces: unknown part '$part' (usage: tests/surfaces/run.sh [tensorboard|lab|widgets]...)" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh chromium
scripts/venv.sh --test
py=${FASHION_VENV:-$(pwd -P)/.venv}/bin/python
out=${SURFACES_OUT:-tests/surfaces/screenshots}
chapter=${CHAPTER:-02_perceptron.ipynb}
export FASHION_QUICK=${FASHION_QUICK-1}
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
work=$(mktemp -d "${TMPDIR:-/tmp}/surfaces.XXXXXX")
trap 'rm -rf "$work"' EXIT
free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

tensorboard() {
  echo "== surfaces: TensorBoard reads a run of fashion train"
  local start=$SECONDS
  go build -o "$work/fashion" ./cmd/fashion
  (cd "$work" && ./fashion train --epochs 2 --limit 1000 --logdir runs --out model) >"$work/train.log" 2>&1 ||
    { cat "$work/train.log" >&2; die "fashion train failed (above)"; }
  "$py" tests/surfaces/tensorboard_check.py load --runs "$work/runs" --model "$work/model" \
    --train-log "$work/train.log"
  "$py" tests/surfaces/with_server.py --url 'http://127\.0\.0\.1:\d+/' --log "$out/tensorboard.log" \
    --test "$py tests/surfaces/tensorboard_check.py dashboard --url {url} --runs $work/runs --model $work/model --shots $out" \
    -- "$(dirname "$py")/tensorboard" --logdir "$work/runs" --host 127.0.0.1 --port "$(free_port)"
  echo "surfaces: TensorBoard passed in $((SECONDS - start))s"
}

lab() {
  echo "== surfaces: JupyterLab (scripts/lab.sh) in Chromium, $chapter"
  local start=$SECONDS learner=$work/learner jupyter=$work/jupyter root=()
  mkdir -p "$learner"
  cp -r notebooks/*.ipynb notebooks/pictures "$learner/"
  [ "$(id -u)" -ne 0 ] || root=(--allow-root)
  JUPYTER_DATA_DIR=$jupyter/data JUPYTER_CONFIG_DIR=$jupyter/config \
    JUPYTER_RUNTIME_DIR=$jupyter/runtime JUPYTERLAB_SETTINGS_DIR=$jupyter/settings \
    JUPYTERLAB_WORKSPACES_DIR=$jupyter/workspaces LAB_ROOT=$learner \
    "$py" tests/surfaces/with_server.py --jupyter --url 'http://127\.0\.0\.1:\d+/lab\?token=\w+' \
    --log "$out/lab.log" \
    --test "$py tests/surfaces/lab_browser.py --url {url} --chapter $chapter --shots $out/lab" \
    -- scripts/lab.sh --no-browser --ip=127.0.0.1 --port="$(free_port)" "${root[@]}"
  tests/surfaces/quiet-kernel.sh "$out/lab.log"
  echo "surfaces: JupyterLab passed in $((SECONDS - start))s"
}

widgets() {
  echo "== surfaces: the widgets of chapters 8, 10 and 13 in JupyterLab, in Chromium"
  local start=$SECONDS learner=$work/widgets prose=() timing=() part quick
  [ "${SURFACES_TIMING:-0}" = 0 ] || timing=(--timing)
  local data=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
  mkdir -p "$learner"
  cp -r notebooks/*.ipynb notebooks/pictures "$learner/"
  for part in train page; do
    quick=1
    [ "$part" = page ] || quick=0
    if [ "$part" = page ] && [ -n "${SURFACES_MODEL:-}" ]; then
      # Chapter 10's prose is about the model given, in place of chapter 8's.
      rm -rf "$learner/models/tutorial" && cp -r "$SURFACES_MODEL" "$learner/models/tutorial"
      prose=(--prose)
    fi
    widgets_lab "$part" "$quick" --test "$py tests/surfaces/widgets_browser.py --url {url} --data-dir $data --learner $learner --part $part --shots $out/widgets-$part ${prose[*]} ${timing[*]}"
  done
  echo "surfaces: widgets passed in $((SECONDS - start))s"
}

# widgets_lab PART QUICK WITH_SERVER_ARGS...: a lab over $learner with FASHION_QUICK=QUICK
# and private Jupyter folders, for one part of the widgets' test; afterwards, no process
# of it is left (none holds its Jupyter folders in its environment: the kernel, the
# cells' programs).
widgets_lab() {
  local part=$1 quick=$2 jupyter=$work/widgets-jupyter-$1 root=() left
  shift 2
  [ "$(id -u)" -ne 0 ] || root=(--allow-root)
  FASHION_QUICK=$quick JUPYTER_DATA_DIR=$jupyter/data JUPYTER_CONFIG_DIR=$jupyter/config \
    JUPYTER_RUNTIME_DIR=$jupyter/runtime JUPYTERLAB_SETTINGS_DIR=$jupyter/settings \
    JUPYTERLAB_WORKSPACES_DIR=$jupyter/workspaces LAB_ROOT=$learner \
    "$py" tests/surfaces/with_server.py --jupyter --url 'http://127\.0\.0\.1:\d+/lab\?token=\w+' \
    --log "$out/widgets-$part.log" "$@" \
    -- scripts/lab.sh --no-browser --ip=127.0.0.1 --port="$(free_port)" "${root[@]}"
  left=$(grep -lsF "JUPYTER_RUNTIME_DIR=$jupyter/runtime" /proc/[0-9]*/environ | cut -d/ -f3 || true)
  if [ -n "$left" ]; then
    ps -o pid,args -p "$(echo $left | tr ' ' ,)" >&2 || true
    die "FAILED: processes of the lab ($part) are still running (above)"
  fi
  echo "surfaces: ok: no process of the lab ($part) is left"
}

for part in "${parts[@]}"; do "$part"; done
echo "surfaces: passed (screenshots in $out)"
