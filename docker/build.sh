#!/usr/bin/env bash
# Builds the lab image with buildah, where no Docker engine runs (CI, this machine).
# With Docker, use the commands of docker/README.md instead.
#
#   docker/build.sh [BUILDAH BUD OPTION...]     e.g. docker/build.sh --build-arg XLA_PLUGIN=auto
#
# The base image debian:bookworm-slim is not pulled: it is made with debootstrap
# (bookworm, minbase, the Debian mirror of /etc/apt/sources.list*) and committed under
# its upstream name; later builds on the same machine reuse it (from buildah's storage,
# or from the tarball cached in $BASE_CACHE).
#
# Environment:
#   IMAGE          name of the built image (default localhost/fashion-gomlx-lab:latest)
#   XLA_PLUGIN     auto, require or skip (default skip: GitHub is out of reach here)
#   BASE_CACHE     folder for the base image tarball (default /var/cache/fashion-gomlx)
#   DEBIAN_MIRROR  Debian mirror for debootstrap (default: the first one apt uses)
#   REBUILD_BASE=1 make the base image again
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "docker/build: $*" >&2; exit 1; }
log() { echo "docker/build: $*"; }

image=${IMAGE:-localhost/fashion-gomlx-lab:latest}
base=docker.io/library/debian:bookworm-slim
cache=${BASE_CACHE:-/var/cache/fashion-gomlx}
tarball=$cache/debian-bookworm-minbase.tar

[ "$(id -u)" -eq 0 ] || die "run as root (buildah and debootstrap need it here)"
scripts/install-deps.sh buildah debootstrap

if [ "${REBUILD_BASE:-0}" = 1 ]; then
  buildah rmi "$base" >/dev/null 2>&1 || true
  rm -f "$tarball"
fi

rootfs=
ctr=
cleanup() {
  if [ -n "$rootfs" ]; then
    # debootstrap may leave /proc or /sys mounted if interrupted: unmount first.
    { findmnt -rn -o TARGET | grep "^$rootfs/" || true; } | sort -r | while read -r m; do umount -l "$m"; done
    rm -rf --one-file-system "$rootfs" "$rootfs.log"
  fi
  if [ -n "$ctr" ]; then buildah rm "$ctr" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

make_tarball() {
  local mirror security
  mirror=${DEBIAN_MIRROR:-$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } |
    { grep -oE '^(deb|URIs:)[[:space:]]+[^[:space:]]+/debian/?([[:space:]]|$)' || true; } |
    awk '{print $2; exit}')}
  mirror=${mirror:-http://deb.debian.org/debian}
  mirror=${mirror%/}
  security=${mirror%/debian}/debian-security
  rootfs=$(mktemp -d /var/tmp/fashion-gomlx-rootfs.XXXXXX)
  log "debootstrap bookworm (minbase) from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 ||
    { tail -20 "$rootfs.log" >&2; die "debootstrap failed (log above)"; }
  # Set up like the official debian:bookworm-slim: deb822 sources, no docs, man pages
  # or translations, apt caches cleaned after each install.
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Acquire::GzipIndexes "true";' >"$rootfs/etc/apt/apt.conf.d/docker-gzip-indexes"
  find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright -type f -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/{man,info,locale}/* "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log \
    "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old
  mkdir -p "$cache"
  tar --numeric-owner --xattrs -C "$rootfs" -cf "$tarball.new" .
  mv -f "$tarball.new" "$tarball"
  log "base root file system cached in $tarball ($(du -h "$tarball" | cut -f1))"
  cleanup
  rootfs=
}

if buildah inspect --type image "$base" >/dev/null 2>&1; then
  log "reusing the base image $base"
else
  if [ -f "$tarball" ]; then
    log "base root file system from $tarball"
  else
    make_tarball
  fi
  ctr=$(buildah from --pull=never scratch)
  buildah add --quiet "$ctr" "$tarball" / >/dev/null
  buildah config --os linux --arch "$(dpkg --print-architecture)" \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd bash \
    --label org.opencontainers.image.description="debian:bookworm-slim stand-in made with debootstrap --variant=minbase by fashion-gomlx docker/build.sh" \
    "$ctr"
  buildah commit --quiet --rm "$ctr" "$base" >/dev/null
  ctr=
  log "committed the base image $base"
fi

log "building $image (JupyterLab from PyPI, XLA_PLUGIN=${XLA_PLUGIN:-skip})"
start=$SECONDS
# The build trusts what this machine trusts (its proxy may intercept TLS).
ca=()
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  ca=(--volume /etc/ssl/certs/ca-certificates.crt:/run/host-ca-certificates.crt:ro
      --build-arg SSL_CERT_FILE=/run/host-ca-certificates.crt)
fi
buildah bud --isolation chroot --network host --pull=never --layers --force-rm --format docker \
  --build-arg XLA_PLUGIN="${XLA_PLUGIN:-skip}" \
  "${ca[@]}" -f docker/Dockerfile -t "$image" "$@" .
log "built $image in $((SECONDS - start))s: $(buildah images --format '{{.Size}}' "$image" | head -1)"
