#!/usr/bin/env bash
# Tests what a learner touches, as the learner meets it (scripts/test.sh runs this):
#   tensorboard  `fashion train` (2 epochs, 1,000 images) logs a run; TensorBoard's own
#                loader reads it (tensorboard_check.py load), then `tensorboard --logdir`
#                serves it on loopback and Chromium opens its scalars dashboard
#                (tensorboard_check.py dashboard);
#   lab          scripts/lab.sh serves JupyterLab on loopback, over a copy of notebooks/
#                (the learner's folder), and Chromium runs a chapter in it (lab_browser.py);
#   widgets      the same lab, where Chromium uses the widgets of chapters 10 and 8 as a
#                learner does (widgets_browser.py: the test-set browser, the drawing pad,
#                the Stop button of the training curves); afterwards, no process of the
#                lab is left.
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
#                 formulas and figures); not 08 or 10, whose widgets' cells run until a
#                 learner clicks Done (the widgets part drives those)
#   FASHION_QUICK passed to the kernel (default 1: chapters train briefly); the widgets
#                 part runs chapter 8 with FASHION_QUICK=0, as a learner does, for epochs long
#                 enough to click Stop in the first one
#   SURFACES_MODEL a saved model directory the widgets part puts in the learner's
#                 models/tutorial before chapter 10 (default: none, chapter 10 trains a short
#                 one); with it, the drawings' answers must be those chapter 10's prose states
#                 (the prose is measured with chapter 8's full run, FASHION_QUICK=0)
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
  echo "== surfaces: the widgets of chapters 10 and 8 in JupyterLab, in Chromium"
  local start=$SECONDS learner=$work/widgets jupyter=$work/widgets-jupyter root=() prose=()
  local data=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
  mkdir -p "$learner"
  cp -r notebooks/*.ipynb notebooks/pictures "$learner/"
  if [ -n "${SURFACES_MODEL:-}" ]; then
    mkdir -p "$learner/models" && cp -r "$SURFACES_MODEL" "$learner/models/tutorial"
    prose=(--prose)
  fi
  [ "$(id -u)" -ne 0 ] || root=(--allow-root)
  FASHION_QUICK=0 JUPYTER_DATA_DIR=$jupyter/data JUPYTER_CONFIG_DIR=$jupyter/config \
    JUPYTER_RUNTIME_DIR=$jupyter/runtime JUPYTERLAB_SETTINGS_DIR=$jupyter/settings \
    JUPYTERLAB_WORKSPACES_DIR=$jupyter/workspaces LAB_ROOT=$learner \
    "$py" tests/surfaces/with_server.py --jupyter --url 'http://127\.0\.0\.1:\d+/lab\?token=\w+' \
    --log "$out/widgets.log" \
    --test "$py tests/surfaces/widgets_browser.py --url {url} --data-dir $data --learner $learner --shots $out/widgets ${prose[*]}" \
    -- scripts/lab.sh --no-browser --ip=127.0.0.1 --port="$(free_port)" "${root[@]}"
  # No process of the lab left: none holds its Jupyter folders in its environment (the
  # kernel, the cells' programs).
  local left
  left=$(grep -lsF "JUPYTER_RUNTIME_DIR=$jupyter/runtime" /proc/[0-9]*/environ | cut -d/ -f3 || true)
  if [ -n "$left" ]; then
    ps -o pid,args -p "$(echo $left | tr ' ' ,)" >&2 || true
    die "FAILED: processes of the lab are still running (above)"
  fi
  echo "surfaces: ok: no process of the lab is left"
  echo "surfaces: widgets passed in $((SECONDS - start))s"
}

for part in "${parts[@]}"; do "$part"; done
echo "surfaces: passed (screenshots in $out)"
