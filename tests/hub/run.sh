#!/usr/bin/env bash
# The hub test (tests/hub/hub_test.py says what it checks): a JupyterHub with the teachers'
# configuration (docker/hub/jupyterhub_config.py) starts each learner's server as a container
# of the lab image, through Podman's Docker-compatible API; several learners use it at once,
# each in their own Chromium.
#
#   tests/hub/run.sh [--learners N] [HUB_TEST OPTION...]     (default: 3 learners)
#   tests/hub/run.sh --capacity [CAPACITY OPTION...]        how many learners the machine holds
#                                                           (tests/hub/capacity.py; docs/teachers.md)
#
# It needs root (Podman runs the containers as root here) and the lab image, built by
# docker/build.sh (.ci/run builds it just before). It installs what it needs: Debian's
# podman, runc, netavark and iptables (its network), chromium (scripts/install-deps.sh); the
# hub's Python side (scripts/venv.sh --test --hub, into .venv-hub); configurable-http-proxy
# (npm ci, docker/hub/package-lock.json).
#
# Environment:
#   IMAGE            the image (default localhost/fashion-gomlx-lab:latest)
#   HUB_VENV         the hub's virtual environment (default .venv-hub in this checkout)
#   HUB_OUT          screenshots and the hub's log (default tests/hub/screenshots)
set -euo pipefail
cd "$(dirname "$0")/../.."

die() { echo "hub-test: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (Podman runs the learners' containers as root here)"
scripts/install-deps.sh podman runc netavark iptables chromium
FASHION_VENV=${HUB_VENV:-$(pwd -P)/.venv-hub} scripts/venv.sh --test --hub
py=${HUB_VENV:-$(pwd -P)/.venv-hub}/bin/python
command -v npm >/dev/null || die "npm is missing (Node.js): apt-get install nodejs npm"
# npm ci again when the lock file changed since the last (its copy in node_modules).
if ! cmp -s docker/hub/package-lock.json docker/hub/node_modules/.installed-lock.json 2>/dev/null; then
  npm ci --prefix docker/hub --no-audit --no-fund --loglevel=error
  cp docker/hub/package-lock.json docker/hub/node_modules/.installed-lock.json
fi
script=tests/hub/hub_test.py
if [ "${1:-}" = --capacity ]; then
  script=tests/hub/capacity.py
  shift
fi
exec "$py" "$script" --shots "${HUB_OUT:-tests/hub/screenshots}" "$@"
