#!/usr/bin/env bash
# Installs the Jupyter kernel "fashion-gomlx" (GoNB, display name "Go (fashion-gomlx)")
# for the current user, bound to this checkout. Idempotent: run it again after
# moving the checkout or updating go.mod.
#
#   scripts/install-kernel.sh
#
# What it does:
#   - builds GoNB at the version go.mod pins (its `tool` line) and goimports at the
#     version scripts/tools/go.mod pins, into the kernel's directory
#     ($JUPYTER_DATA_DIR/kernels/fashion-gomlx, by default ~/.local/share/jupyter/...);
#   - writes kernel.json: GoNB starts every notebook with a go.work that uses this
#     checkout (GoNB's -go_work flag, which also applies %goworkfix), so cells import
#     this repository's packages from the local files and their dependencies at
#     go.mod's versions, with no `go get @latest`;
#   - sets the kernel's environment: GOEXPERIMENT=simd (cells build as the CLI
#     does), GOPROXY=off (cells never fetch anything: GoNB's automatic `go get` would
#     ask for @latest versions), FASHION_GOMLX_DIR=<this checkout>, and a PATH holding
#     goimports and the go command used here;
#   - downloads what the notebooks' workspace needs offline: the go.mod file of every
#     module in the module graph (`go mod graph`; GoNB's `go get` reads them all, while a
#     build reads only some) and the modules of the packages the project and the
#     notebooks import; and builds them, so that the first cell compiles quickly.
# Everything goes to Go's module and build caches (`go env GOMODCACHE GOCACHE`) and to
# the kernel's directory. The one system-wide install: a C compiler for cgo (gcc,
# libc6-dev) when there is none, by scripts/install-deps.sh as root on Debian/Ubuntu.
# gopls (auto-complete) is not installed: GoNB works without it.
#
# Environment: JUPYTER_DATA_DIR  where kernels are installed (Jupyter's own setting).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

kernel_name=fashion-gomlx
repo=$(pwd -P)

die() { echo "install-kernel: $*" >&2; exit 1; }

command -v go >/dev/null || die "the go command is not on PATH (install Go 1.26 or newer)"
python=$(command -v python3 || true)
[ -n "$python" ] || die "python3 is needed to write the kernel spec"
# Cells build GoMLX's XLA binding, which is cgo: a C compiler (installed as root on
# Debian/Ubuntu, otherwise named).
scripts/install-deps.sh cc

if [ -n "${JUPYTER_DATA_DIR:-}" ]; then
  data_dir=$JUPYTER_DATA_DIR
elif [ "$(uname -s)" = Darwin ]; then
  data_dir=$HOME/Library/Jupyter
else
  data_dir=${XDG_DATA_HOME:-$HOME/.local/share}/jupyter
fi
kernel_dir=$data_dir/kernels/$kernel_name
mkdir -p "$kernel_dir/bin"

gonb_version=$(go list -m -f '{{.Version}}' github.com/janpfeifer/gonb) ||
  die "cannot find GoNB in go.mod's build list"
echo "install-kernel: building GoNB $gonb_version and goimports into $kernel_dir"
# Build to temporary names, then rename: a running kernel keeps its binary.
go build -o "$kernel_dir/gonb.new" github.com/janpfeifer/gonb
go -C scripts/tools build -o "$kernel_dir/bin/goimports.new" golang.org/x/tools/cmd/goimports
mv -f "$kernel_dir/gonb.new" "$kernel_dir/gonb"
mv -f "$kernel_dir/bin/goimports.new" "$kernel_dir/bin/goimports"

gonb_dir=$(go list -m -f '{{.Dir}}' github.com/janpfeifer/gonb)
cp -f "$gonb_dir/internal/kernel/Go_gopher_favicon.svg" "$kernel_dir/logo-svg.svg"
chmod u+w "$kernel_dir/logo-svg.svg"

# The go command of the toolchain this checkout builds with (after any GOTOOLCHAIN switch).
go_bin=$(go env GOROOT)/bin
"$python" - "$kernel_dir" "$repo" "$go_bin" <<'EOF'
import json, os, sys
kernel_dir, repo, go_bin = sys.argv[1:4]
spec = {
    "argv": [os.path.join(kernel_dir, "gonb"), "--kernel", "{connection_file}",
             "--go_work=" + repo,
             # GoNB's log (its start-up test lines, its advice to install gopls) stays
             # out of the terminal that runs Jupyter; fatal errors still show.
             "--legacy_stderr_threshold_behavior=false", "--stderrthreshold=FATAL"],
    "display_name": "Go (fashion-gomlx)",
    "language": "go",
    "interrupt_mode": "message",
    "env": {
        # Jupyter replaces ${PATH} with the PATH it was started with.
        "PATH": os.path.join(kernel_dir, "bin") + ":" + go_bin + ":${PATH}",
        "GOEXPERIMENT": "simd",
        # Cells build against this checkout's build list only: GoNB's automatic
        # `go get` would otherwise ask the proxy for @latest versions.
        "GOPROXY": "off",
        "FASHION_GOMLX_DIR": repo,
    },
    "metadata": {"fashion_gomlx_dir": repo},
}
path = os.path.join(kernel_dir, "kernel.json")
with open(path + ".new", "w") as f:
    json.dump(spec, f, indent=2)
    f.write("\n")
os.replace(path + ".new", path)
EOF
# The kernel builds cells with GOPROXY=off. GoNB runs `go get` in each notebook's
# workspace, which loads the whole module graph: fetch the go.mod file of every module in
# it now (a build alone fetches only those it reads, and every cell would then fail with
# "module lookup disabled by GOPROXY=off").
echo "install-kernel: downloading the module graph's go.mod files (go mod graph)"
go mod graph >/dev/null ||
  die "cannot download the module graph that the notebooks need offline (go mod graph, above)"
# Fetch the modules of the project's packages and of every package a notebook imports
# (a notebook may import a GoMLX package the project does not, such as ui/commandline,
# whose modules a build of ./... never fetches), and compile them so that the first
# cell does not wait for GoMLX to build.
notebook_imports=$(scripts/notebook-imports.py notebooks/*.ipynb) ||
  die "cannot list the notebooks' imports (scripts/notebook-imports.py, above)"
echo "install-kernel: building the project and the $(wc -w <<<"$notebook_imports") packages the notebooks import (the first time: a few minutes)"
# shellcheck disable=SC2086 # one import path a word
go build ./... $notebook_imports ||
  echo "install-kernel: warning: the project or a notebook's import does not build now; cells importing it will fail until it does" >&2
# The widgets that live in the page (chapters 10 and 13) compile their cell's code for the
# browser (GOOS=js GOARCH=wasm, tutorial/pagefiles.go): compile what it imports now, so
# that the first widget does not wait minutes for GoMLX to build.
echo "install-kernel: building the tutorial for the widgets' page programs (GOOS=js GOARCH=wasm)"
GOOS=js GOARCH=wasm CGO_ENABLED=0 go build ./tutorial ||
  echo "install-kernel: warning: the tutorial does not build for the page (GOOS=js GOARCH=wasm); the widgets will show still pictures" >&2

echo "install-kernel: kernel '$kernel_name' installed in $kernel_dir"
echo "install-kernel: its notebooks import github.com/fashion-gomlx/fashion-gomlx from $repo"
if ! command -v jupyter >/dev/null; then
  echo "install-kernel: note: jupyter is not on PATH; install JupyterLab or Jupyter Notebook to use the kernel" >&2
fi
