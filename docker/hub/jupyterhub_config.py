# JupyterHub for a class on one machine: every learner gets their own container of the lab
# image (DockerSpawner), their own volume for ~/work, a memory and CPU limit; idle servers
# are stopped. docs/teachers.md says how to start it; tests/hub/ runs this very file.
#
#   FASHION_HUB_PASSWORD=... jupyterhub -f docker/hub/jupyterhub_config.py
#
# Settings from the environment (the defaults in brackets):
#   FASHION_HUB_PASSWORD   the learners' shared password, 8 characters or more (required)
#   FASHION_HUB_LEARNERS   a file of learner names, one a line [learners.txt beside this file]
#   FASHION_HUB_IMAGE      the lab image [fashion-gomlx-lab]
#   FASHION_HUB_URL        where learners open the hub [http://:8000: every address, port 8000]
#   FASHION_HUB_API_PORT   the hub's own API, for the servers on this machine [8081]
#   FASHION_HUB_MEM        each learner's memory limit [2G]
#   FASHION_HUB_CPUS       each learner's CPU limit, in cores [1]
#   FASHION_HUB_IDLE       seconds without activity before the culler stops a server [3600]
#   DOCKER_HOST            the Docker (or Podman) API [unix:///var/run/docker.sock]
# The proxy, configurable-http-proxy, is the one `npm ci --prefix docker/hub` installs
# (package-lock.json pins it), else the one on PATH.
import os
import sys

import docker

c = get_config()  # noqa: F821 (JupyterHub's configuration loader defines it)
here = os.path.dirname(os.path.abspath(__file__))

# Who logs in: the learners listed, with one shared password. Fine for a workshop; for a
# class over weeks, use an authenticator where each learner has their own password or
# account (docs/teachers.md names some); the rest of this file stays as it is.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["FASHION_HUB_PASSWORD"]
with open(os.environ.get("FASHION_HUB_LEARNERS", os.path.join(here, "learners.txt"))) as f:
    c.Authenticator.allowed_users = {name for line in f for name in line.split()[:1]
                                     if not name.startswith("#")}

proxy = os.path.join(here, "node_modules", ".bin", "configurable-http-proxy")
if os.path.exists(proxy):
    c.ConfigurableHTTPProxy.command = [proxy]

# Where learners open the hub. Open to other machines, it needs HTTPS: put it behind a
# reverse proxy that has a certificate, or set c.JupyterHub.ssl_cert and ssl_key.
c.JupyterHub.bind_url = os.environ.get("FASHION_HUB_URL", "http://:8000")

# Each learner's server: a container of the lab image, started by its own command
# (start-lab runs jupyterhub-singleuser under a hub), removed when it stops; ~/work, where
# the chapters and everything the learner writes live, is a volume of their own that
# outlives the container (it starts with the image's chapters).
c.JupyterHub.spawner_class = "docker"
c.DockerSpawner.image = os.environ.get("FASHION_HUB_IMAGE", "fashion-gomlx-lab")
c.DockerSpawner.pull_policy = "never"  # the image is built on this machine (docker/README.md)
c.DockerSpawner.remove = True
c.DockerSpawner.name_template = "fashion-{username}"
c.DockerSpawner.volumes = {"fashion-{username}": "/home/jovyan/work"}
# Limits, sized by docs/teachers.md's measurements: a cell's build and a training run fit
# in 2 GB; a learner who needs more gets a clear message, and the others do not notice.
c.DockerSpawner.mem_limit = os.environ.get("FASHION_HUB_MEM", "2G")
c.DockerSpawner.cpu_limit = float(os.environ.get("FASHION_HUB_CPUS", "1"))
# The first start of a container on a busy machine takes a while.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 180

# The hub's API, for the proxy and the culler on this machine (127.0.0.1), and for the
# learners' servers at the host's address on the container network ("bridge": Docker's
# docker0, 172.17.0.1 by default; Podman's podman0, 10.88.0.1), which may not exist before
# the first container starts (Podman): so the hub listens on every address. Keep its port
# closed to other machines (a firewall); learners only need FASHION_HUB_URL.
c.JupyterHub.hub_ip = "0.0.0.0"
c.JupyterHub.hub_port = int(os.environ.get("FASHION_HUB_API_PORT", "8081"))
c.JupyterHub.hub_connect_ip = "127.0.0.1"
try:
    bridge = docker.from_env().networks.get("bridge").attrs
except docker.errors.DockerException as e:
    sys.exit("jupyterhub_config: cannot reach Docker (DOCKER_HOST=%s): %s"
             % (os.environ.get("DOCKER_HOST", "its default socket"), e))
c.DockerSpawner.hub_connect_url = "http://%s:%d" % (
    bridge["IPAM"]["Config"][0]["Gateway"], c.JupyterHub.hub_port)

# A learner whose server stopped (it crashed, or the culler stopped it) and who comes back
# gets it started again at once, with their ~/work as they left it.
c.JupyterHub.implicit_spawn_seconds = 1

# The idle culler stops the servers nobody used for FASHION_HUB_IDLE seconds (their
# volumes stay); the next visit starts them again.
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                "--timeout=" + os.environ.get("FASHION_HUB_IDLE", "3600")],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]

# The hub's own files (its database, its cookie secret) go to the folder it runs in.
