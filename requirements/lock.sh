#!/usr/bin/env bash
# Writes requirements/lab.txt and requirements/test.txt from lab.in and test.in: every
# package pinned to one version, with the SHA-256 of each of its files on PyPI, resolved for
# every platform and CPython 3.11 or newer (uv's universal resolution: a package needed on
# one platform only carries that platform's marker). Run it after changing a .in file; it
# needs PyPI and installs uv, at the version below, into a throw-away virtual environment.
#
#   requirements/lock.sh [UV PIP COMPILE OPTION...]    e.g. requirements/lock.sh --upgrade
set -euo pipefail
cd "$(dirname "$0")"

uv_version=0.13.8
python=${PYTHON:-python3}

work=$(mktemp -d "${TMPDIR:-/tmp}/lock-requirements.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "uv==$uv_version"

for name in lab test hub; do
  echo "lock: requirements/$name.txt"
  (cd .. && "$work/venv/bin/uv" pip compile --quiet --universal --python-version 3.11 \
    --generate-hashes --custom-compile-command requirements/lock.sh \
    "$@" "requirements/$name.in" -o "requirements/$name.txt")
done
