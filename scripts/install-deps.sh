#!/usr/bin/env bash
# Installs the system packages the tests need (Debian/Ubuntu), or, when not
# root, says which to install. Usage: scripts/install-deps.sh [package ...]
# Without arguments it installs the packages of the unit tests.
set -euo pipefail

packages=("$@")
if [ ${#packages[@]} -eq 0 ]; then
  packages=(dataset-fashion-mnist)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install-deps: this is not a Debian-like system; install the equivalent of: ${missing[*]}" >&2
  echo "install-deps: for the data, you may instead put the four Fashion-MNIST .gz files in a directory and set FASHION_MNIST_DIR" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >/dev/null
