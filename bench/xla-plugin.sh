#!/bin/sh
# Prints the path of XLA's CPU PJRT plugin for GoMLX's XLA backend, getting it first
# when needed: the one PyPI's lammps-jax-pjrt-cpu ships, at the version
# bench/requirements.txt pins. It is, in this order: $PLUGIN,
# bench/.venv/pjrt (bench/install.sh), bench/.xla, else the wheel is downloaded
# (62 MB, once) with pip into bench/.wheels and the library unpacked into
# bench/.xla (both git-ignored; a wheel already in bench/.wheels is not
# downloaded again). On failure it says why on stderr and exits 1.
#
# Usage: plugin=$(bench/xla-plugin.sh)
# scripts/test.sh (the tests of pkg/fashion on XLA) and bench/xla-check.sh use it.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)

fail() {
	echo "xla-plugin: FAIL: $*" >&2
	exit 1
}

plugin=${PLUGIN:-}
for p in "$here/bench/.venv/pjrt/pjrt_c_api_cpu_plugin.so" "$here/bench/.xla/pjrt_c_api_cpu_plugin.so"; do
	if [ -z "$plugin" ] && [ -e "$p" ]; then plugin=$p; fi
done
if [ -z "$plugin" ]; then
	pin=$(grep -E '^lammps-jax-pjrt-cpu==' "$here/bench/requirements.txt")
	mkdir -p "$here/bench/.wheels" "$here/bench/.xla"
	wheel=""
	for w in "$here"/bench/.wheels/lammps_jax_pjrt_cpu-"${pin#*==}"-*.whl; do [ -f "$w" ] && wheel=$w; done
	if [ -z "$wheel" ]; then
		echo "xla-plugin: downloading $pin" >&2
		python3 -m pip download --quiet --no-deps --dest "$here/bench/.wheels" "$pin" >&2 ||
			fail "pip could not download $pin (no network, or PyPI unreachable)"
		for w in "$here"/bench/.wheels/lammps_jax_pjrt_cpu-"${pin#*==}"-*.whl; do [ -f "$w" ] && wheel=$w; done
		[ -n "$wheel" ] || fail "no wheel of $pin in bench/.wheels after pip download"
	fi
	python3 - "$wheel" "$here/bench/.xla" <<'PY' || fail "could not unpack the plugin from $wheel"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    with z.open("lammps_jax_pjrt_cpu/pjrt_c_api_cpu_plugin.so") as src, \
            open(sys.argv[2] + "/pjrt_c_api_cpu_plugin.so.tmp", "wb") as dst:
        dst.write(src.read())
PY
	mv "$here/bench/.xla/pjrt_c_api_cpu_plugin.so.tmp" "$here/bench/.xla/pjrt_c_api_cpu_plugin.so"
	plugin=$here/bench/.xla/pjrt_c_api_cpu_plugin.so
fi
case $plugin in /*) ;; *) plugin=$(pwd)/$plugin ;; esac
[ -e "$plugin" ] || fail "$plugin does not exist"
echo "$plugin"
