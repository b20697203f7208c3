#!/usr/bin/env bash
# Exports a chapter as a web page that needs no Jupyter: its widgets (the drawing pad,
# the test-set browser) run in any browser, from any static file server.
#
#   scripts/export-page.sh [NOTEBOOK] [OUT]     (default: notebooks/10_predict.ipynb, notebooks/_export)
#
# It executes the chapter with nbconvert on a private copy of the kernel, with
# FASHION_NO_PAGE=0 (each widget's cell writes what its page loads into widgets/ beside
# the notebook, tutorial/pagefiles.go), converts it to HTML, and copies the widgets' files
# it names beside the HTML. Then, for example:
#
#   python3 -m http.server -d notebooks/_export 8000     # and open http://localhost:8000/10_predict.html
#
# (Browsers run WebAssembly from http:, not from a file opened directly.) The chapter
# trains the short model chapter 10 trains when chapter 8 has not saved one
# (FASHION_QUICK=1 by default here).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

nb=${1:-notebooks/10_predict.ipynb}
out=${2:-notebooks/_export}
die() { echo "export-page: $*" >&2; exit 1; }
[ -f "$nb" ] || die "no such notebook: $nb"

scripts/venv.sh >/dev/null || die "could not install nbconvert (above)"
export PATH=${FASHION_VENV:-$(pwd -P)/.venv}/bin:$PATH
work=$(mktemp -d "${TMPDIR:-/tmp}/export-page.XXXXXX")
trap 'rm -rf "$work"' EXIT
JUPYTER_DATA_DIR=$work/jupyter scripts/install-kernel.sh >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; die "could not build the kernel (log above)"; }
export JUPYTER_PATH=$work/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}

mkdir -p "$out"
name=$(basename "$nb" .ipynb)
echo "export-page: executing $nb (the widgets write their files into $(dirname "$nb")/widgets/)"
FASHION_NO_PAGE=0 FASHION_QUICK=${FASHION_QUICK-1} jupyter-nbconvert --to html --execute \
  --ExecutePreprocessor.kernel_name=fashion-gomlx --ExecutePreprocessor.timeout=1800 \
  --output-dir "$out" --output "$name" "$nb" >"$work/nbconvert.log" 2>&1 ||
  { tail -20 "$work/nbconvert.log" >&2; die "the chapter failed (above)"; }

# The widgets' files the page names: the folder's README (the page finds the folder by
# it), each widget's program and weights, the test split.
src=$(dirname "$nb")/widgets
rm -rf "$out/widgets" && mkdir -p "$out/widgets"
cp "$src/README.md" "$out/widgets/"
for f in $(grep -o '"\(program\|weights\)":"[a-z]*-[0-9a-f]*"\|"testSet":"[^"]*"' "$out/$name.html" | cut -d'"' -f4 | sort -u); do
  cp -r "$src/$f" "$out/widgets/"
done
echo "export-page: $out/$name.html ($(du -sh "$out/$name.html" | cut -f1)) and $out/widgets/ ($(du -sh "$out/widgets" | cut -f1)): serve $out with any static file server"
