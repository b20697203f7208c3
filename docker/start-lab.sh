#!/bin/bash
# start-lab: the lab image's command (docker/Dockerfile's CMD, /usr/local/bin/start-lab).
#
#   start-lab [SERVER OPTION...]
#
# Alone (docker run), it serves JupyterLab on 0.0.0.0:8888 and prints its URL with the
# token; under a JupyterHub (the hub sets JUPYTERHUB_API_TOKEN and the other JUPYTERHUB_*
# variables), it runs jupyterhub-singleuser, which takes its address, base URL and login
# from those variables. SERVER OPTIONs go to the server either way (a hub's spawner adds
# its own, such as --port=8888); alone, --ip and --port replace the defaults above.
#
# Before that:
#   - started as root (as docker-stacks images allow: `docker run --user root -e NB_UID=...`),
#     it gives the home and ~/work that user when they belong to root (a new volume), then
#     runs the rest as NB_UID:NB_GID (default 1000:100, jovyan:users);
#   - ~/work without any notebook (a new, empty volume: Zero to JupyterHub mounts one on
#     the whole home) gets the chapters and their pictures from /opt/fashion-gomlx/notebooks.
#     Nothing there is ever overwritten; nbgitpuller links bring newer chapters in later.
set -euo pipefail

project=${FASHION_GOMLX_DIR:-/opt/fashion-gomlx}
home=${HOME:-/home/jovyan}

if [ "$(id -u)" = 0 ]; then
  uid=${NB_UID:-1000} gid=${NB_GID:-100}
  mkdir -p "$home/work"
  for dir in "$home" "$home/work"; do
    [ "$(stat -c %u "$dir")" = 0 ] && chown "$uid:$gid" "$dir"
  done
  groups=--clear-groups
  getent passwd "$uid" >/dev/null && groups=--init-groups
  exec setpriv --reuid="$uid" --regid="$gid" "$groups" -- "$0" "$@"
fi

if ! compgen -G "$home/work/*.ipynb" >/dev/null; then
  mkdir -p "$home/work"
  cp -r --no-clobber "$project"/notebooks/*.ipynb "$home/work/"
  [ -d "$project/notebooks/pictures" ] && cp -r --no-clobber "$project/notebooks/pictures" "$home/work/"
  echo "start-lab: copied the chapters into $home/work"
fi

cd "$home"
if [ -n "${JUPYTERHUB_API_TOKEN:-}" ]; then
  exec jupyterhub-singleuser "$@"
fi
# The defaults, for the options not given (Jupyter refuses an option given twice).
defaults=()
for option in --ip=0.0.0.0 --port=8888; do
  [[ " $* " == *" ${option%%=*}="* || " $* " == *" ${option%%=*} "* ]] || defaults+=("$option")
done
exec jupyter-lab --no-browser "${defaults[@]}" "$@"
