#!/usr/bin/env bash
# Executes the notebooks, each on a fresh GoNB kernel, and checks their outputs.
#
#   scripts/run-notebooks.sh [NOTEBOOK...]            (default: every notebooks/*.ipynb, sorted)
#   scripts/run-notebooks.sh --render [NOTEBOOK...]   the same in full mode, outputs kept
#
# --render runs the chapters in full (FASHION_QUICK=0) and, for each notebook whose run
# passes, writes the outputs back into notebooks/NAME.ipynb (scripts/check_notebooks.py
# render: execution timestamps, display ids and the checkout's path left out), with a mark
# in its metadata: the SHA-256 of each code cell's source, the commit, the seconds it took.
# Those are the outputs a reader sees on the code host. Chapters 9 to 13 read the model
# chapter 8 trains, so rendering any of them renders chapter 8 first. docs/notebooks.md
# gives the time it takes (17 to 26 minutes on two shared cores, most of it chapters 8 and 13).
#
# Without --render (quick mode by default), the run also checks that the committed
# notebooks' outputs are current (check_notebooks.py current): rendered in full from their
# cells as they are now, the numbers the prose quotes (notebooks/expected.json) equal to
# those the outputs print, and each cell showing the same kinds of output as in this run.
#
# Each notebook runs with `jupyter nbconvert --to notebook --execute` (nbconvert from the
# project's virtual environment, installed by scripts/venv.sh when missing) into
# notebooks/_executed/ (with its log). A run fails when a cell fails (a compile
# error, a panic, a non-zero exit) or when an expected output listed in
# notebooks/expected.json is missing (see scripts/check_notebooks.py).
# The kernel is a private copy of the "fashion-gomlx" kernel, built here and bound
# to this checkout, so the run tests this checkout whatever kernel the user installed.
#
# Environment:
#   FASHION_QUICK=1     train briefly (default here; FASHION_QUICK=0 runs the chapters in full)
#   FASHION_NO_PAGE=1   the widgets' cells show their still pictures only (default here;
#                       FASHION_NO_PAGE=0 makes them write what a page loads, widgets/ beside
#                       the notebook, as in a lab: an export to HTML then has live widgets)
#   NOTEBOOK_TIMEOUT    seconds a cell may run (default 1800)
#   NOTEBOOK_OUT        output folder (default notebooks/_executed)
#   FASHION_VENV        the virtual environment (default .venv in this checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

die() { echo "run-notebooks: $*" >&2; exit 1; }

render=0
if [ "${1:-}" = --render ]; then
  render=1
  shift
  [ "${FASHION_QUICK:-0}" = 0 ] || die "--render runs the chapters in full: unset FASHION_QUICK (it is '$FASHION_QUICK')"
  [ "${FASHION_NO_PAGE:-1}" = 1 ] || die "--render shows the widgets' still pictures: unset FASHION_NO_PAGE"
  export FASHION_QUICK=0
fi
export FASHION_QUICK=${FASHION_QUICK-1}
# No page runs the cells' JavaScript under nbconvert: the interactive cells show their still
# pictures at once (tutorial.NoPageEnv), instead of asking a page for seconds.
export FASHION_NO_PAGE=${FASHION_NO_PAGE-1}
timeout=${NOTEBOOK_TIMEOUT:-1800}
out=${NOTEBOOK_OUT:-notebooks/_executed}
[[ $timeout =~ ^[0-9]+$ ]] || die "NOTEBOOK_TIMEOUT must be a number of seconds, not '$timeout'"

# nbconvert and nbclient from the project's virtual environment (requirements/lab.txt).
scripts/venv.sh || die "could not install nbconvert (above)"
venv=${FASHION_VENV:-$(pwd -P)/.venv}
export PATH=$venv/bin:$PATH
python=$venv/bin/python

if [ $# -gt 0 ]; then
  notebooks=("$@")
else
  mapfile -t notebooks < <(find notebooks -maxdepth 1 -name '*.ipynb' | LC_ALL=C sort)
fi
# Chapters 9 to 13 use the model chapter 8 saves: a render of one of them without chapter 8
# would show whatever model an earlier run left (a quick one, say).
train=notebooks/08_train.ipynb
if [ $render = 1 ] && [ -f $train ]; then
  needs_train=0 has_train=0
  for nb in "${notebooks[@]}"; do
    case $(basename "$nb") in
      08_train.ipynb) has_train=1 ;;
      09_* | 1[0-9]_*) needs_train=1 ;;
    esac
  done
  if [ $needs_train = 1 ] && [ $has_train = 0 ]; then
    echo "run-notebooks: rendering $train first: the later chapters read the model it trains"
    notebooks=("$train" "${notebooks[@]}")
  fi
fi
[ ${#notebooks[@]} -gt 0 ] || die "no notebooks to run in notebooks/"
declare -A seen=()
for nb in "${notebooks[@]}"; do
  [ -f "$nb" ] || die "no such notebook: $nb"
  name=$(basename "$nb")
  [ -z "${seen[$name]:-}" ] || die "two notebooks named $name: ${seen[$name]} and $nb"
  seen[$name]=$nb
done

mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/run-notebooks.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A private kernel spec, found first through JUPYTER_PATH.
JUPYTER_DATA_DIR=$work/jupyter scripts/install-kernel.sh >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; die "could not build the kernel (log above)"; }
export JUPYTER_PATH=$work/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}
# Build the repository's packages first, so that a cell's time is the cell's own.
go build ./...

mode=""
[ $render = 1 ] && mode=", rendering into notebooks/"
echo "run-notebooks: ${#notebooks[@]} notebook(s), FASHION_QUICK=$FASHION_QUICK, cell timeout ${timeout}s, output in $out/$mode"
failed=()
executed=()
declare -A took=()
for nb in "${notebooks[@]}"; do
  name=$(basename "$nb" .ipynb)
  log=$out/$name.log
  rm -f "$out/$name.ipynb" "$work/failure.json"
  echo "== notebook $nb"
  start=$SECONDS
  if FASHION_NB_FAILURE=$work/failure.json jupyter-nbconvert \
      --config scripts/nbconvert_config.py \
      --to notebook --execute \
      --ExecutePreprocessor.kernel_name=fashion-gomlx \
      --ExecutePreprocessor.timeout="$timeout" \
      --ExecutePreprocessor.startup_timeout=120 \
      --output-dir "$out" --output "$name" "$nb" >"$log" 2>&1; then
    took[$name]=$((SECONDS - start))
    echo "run-notebooks: ran $nb in ${took[$name]}s"
    executed+=("$out/$name.ipynb")
  else
    "$python" scripts/check_notebooks.py failure "$nb" "$work/failure.json" "$log" >&2
    failed+=("$nb")
  fi
done

if [ $render = 1 ]; then
  # Each notebook whose run passed its checks gets its outputs; a failed one keeps its old.
  rendered=0
  for nb in "${notebooks[@]}"; do
    name=$(basename "$nb" .ipynb)
    [ -n "${took[$name]:-}" ] || continue
    if "$python" scripts/check_notebooks.py check notebooks/expected.json "$out/$name.ipynb"; then
      "$python" scripts/check_notebooks.py render "$nb" "$out/$name.ipynb" "${took[$name]}" &&
        rendered=$((rendered + 1)) || failed+=("$nb (render)")
    else
      failed+=("$nb (expected outputs; not rendered)")
    fi
  done
  echo "run-notebooks: rendered $rendered notebook(s) in $SECONDS s"
  # What CI will say of them: a number the prose quotes that this run changed shows here.
  "$python" scripts/check_notebooks.py current notebooks/expected.json "${notebooks[@]}" ||
    failed+=("rendered, but the prose quotes other numbers (above): fix it")
elif [ ${#executed[@]} -gt 0 ]; then
  "$python" scripts/check_notebooks.py check notebooks/expected.json "${executed[@]}" ||
    failed+=("expected outputs")
  # The committed outputs: a full run of the cells as they are, the quoted numbers, and the
  # same kinds of output cell by cell as this run's.
  "$python" scripts/check_notebooks.py current notebooks/expected.json "${notebooks[@]}" --executed "$out" ||
    failed+=("committed outputs not current")
fi
if [ ${#failed[@]} -gt 0 ]; then
  die "FAILED: ${failed[*]}"
fi
echo "run-notebooks: all ${#notebooks[@]} notebook(s) passed"
