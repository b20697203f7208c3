#!/usr/bin/env bash
# Installs the project's Python tools from PyPI into a virtual environment, at the exact
# versions and hashes of requirements/*.txt (requirements/lock.sh writes them):
#   lab.txt   JupyterLab 4, jupyter-server, nbclient, nbconvert, TensorBoard
#   test.txt  (with --test) Playwright, for the browser tests in tests/surfaces/
#   hub.txt   (with --hub) DockerSpawner, the idle culler, KubeSpawner, nbgrader: the hub's
#             side (tests/hub/, course/), best in an environment of its own (FASHION_VENV)
#
#   scripts/venv.sh [--test] [--hub]
#
# It also sets JupyterLab's defaults for this lab (scripts/lab-overrides.json).
# Idempotent and quick when nothing changed: the environment records the SHA-256 of each
# requirements file it installed, and is made again from scratch when one of them changes.
# scripts/lab.sh, scripts/run-notebooks.sh and the tests call it; the lab image runs it too.
#
# Environment:
#   FASHION_VENV  where the environment lives (default: .venv in this checkout)
#   PYTHON        the Python 3.11+ that makes it (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "venv: $*" >&2; exit 1; }

want=(lab)
for arg in "$@"; do
  case $arg in
    --test) want+=(test) ;;
    --hub) want+=(hub) ;;
    -h | --help) sed -n '2,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "venv: unknown argument '$arg' (usage: scripts/venv.sh [--test] [--hub])" >&2; exit 2 ;;
  esac
done

venv=${FASHION_VENV:-$(pwd -P)/.venv}
python=${PYTHON:-python3}
stamps=$venv/.fashion-gomlx
sum() { sha256sum "requirements/$1.txt" | cut -d' ' -f1; }

# JupyterLab's defaults for this lab (scripts/lab-overrides.json): no question about
# fetching Jupyter's news from the Internet, which the lab image may not reach.
install_overrides() {
  local dir=$venv/share/jupyter/lab/settings
  cmp -s scripts/lab-overrides.json "$dir/overrides.json" 2>/dev/null && return
  mkdir -p "$dir" && cp scripts/lab-overrides.json "$dir/overrides.json"
}

# Up to date: every file asked for, and every file installed before, is installed as it is now.
stale=0
for name in lab test hub; do
  [ -f "$stamps/$name" ] || continue
  [ "$(cat "$stamps/$name")" = "$(sum "$name")" ] || stale=1
  [[ " ${want[*]} " == *" $name "* ]] || want+=("$name")
done
missing=0
for name in "${want[@]}"; do [ -f "$stamps/$name" ] || missing=1; done
if [ "$stale" = 0 ] && [ "$missing" = 0 ] && [ -x "$venv/bin/python" ]; then
  install_overrides
  exit 0
fi

command -v "$python" >/dev/null || die "$python is not on PATH (install Python 3.11 or newer)"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  die "$("$python" --version 2>&1) is too old: the lab needs Python 3.11 or newer (set PYTHON)"
# Debian and Ubuntu ship venv's pip bootstrap in a package of its own.
if ! "$python" -c 'import ensurepip' 2>/dev/null; then
  pkg=python3-venv
  if [ -f /etc/debian_version ]; then
    scripts/install-deps.sh "$pkg" || die "python3 -m venv needs the package $pkg"
  else
    die "$python cannot make a virtual environment with pip (the module ensurepip is missing)"
  fi
fi

if [ "$stale" = 1 ] || [ ! -x "$venv/bin/python" ]; then
  echo "venv: making $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv" || die "could not make the virtual environment $venv"
fi
rm -rf "$stamps"  # Written again below, once everything is installed.
reqs=()
for name in "${want[@]}"; do reqs+=(-r "requirements/$name.txt"); done
echo "venv: installing requirements/{$(IFS=,; echo "${want[*]}")}.txt into $venv (from PyPI)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  --require-hashes "${reqs[@]}" || die "pip could not install the requirements (above)"
"$venv/bin/python" -m pip check >/dev/null || die "the environment's packages conflict: $venv/bin/python -m pip check"
install_overrides
mkdir -p "$stamps"
for name in "${want[@]}"; do sum "$name" >"$stamps/$name"; done
"$venv/bin/python" - "${want[@]}" <<'EOF'
import sys
from importlib.metadata import version
names = ["jupyterlab", "jupyter-server", "nbconvert", "tensorboard"]
names += ["playwright"] if "test" in sys.argv[1:] else []
names += ["jupyterhub", "dockerspawner", "nbgrader"] if "hub" in sys.argv[1:] else []
print("venv: ready:", ", ".join("%s %s" % (n, version(n)) for n in names))
EOF
