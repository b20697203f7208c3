#!/usr/bin/env bash
# Installs the system packages the project needs (Debian/Ubuntu, with apt-get, as
# root), or, when not root or not on Debian/Ubuntu, says exactly which to install.
#
#   scripts/install-deps.sh [PACKAGE...]
#
# A PACKAGE is a Debian package name, or cc: a C compiler for cgo (GoMLX's XLA
# binding is cgo), which means gcc and libc6-dev unless the compiler `go env CC`
# names is already on PATH. Without arguments it installs what the Go tests and the
# main job need: cc and dataset-fashion-mnist (the data set, in
# /usr/share/datasets/fashion-mnist). Packages already installed are left alone.
set -euo pipefail

[ $# -gt 0 ] || set -- cc dataset-fashion-mnist

# c_compiler_packages prints the packages of a C compiler when Go's is missing.
c_compiler_packages() {
  local cc
  cc=$(go env CC 2>/dev/null) || cc=
  cc=${cc:-gcc}
  command -v "${cc%% *}" >/dev/null || echo gcc libc6-dev
}

packages=()
for p in "$@"; do
  if [ "$p" = cc ]; then
    read -r -a cc_packages <<<"$(c_compiler_packages)"
    packages+=("${cc_packages[@]}")
  else
    packages+=("$p")
  fi
done

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
echo "install-deps: installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >/dev/null
