# The hub of tests/hub/hub_test.py: docker/hub/jupyterhub_config.py, the teachers' own
# configuration, loaded as it is, and only what a test on a shared machine must change:
# loopback and free ports, names of its own for the containers and volumes, a token for the
# test's own requests, short intervals (so that a server that died or went idle is noticed
# within seconds, not minutes), and the chapters' quick mode.
# hub_test.py sets the environment below, and the teachers' (FASHION_HUB_*, DOCKER_HOST).
import os

c = get_config()  # noqa: F821 (JupyterHub's configuration loader defines it)
here = os.path.dirname(os.path.abspath(__file__))
load_subconfig(os.path.join(here, "..", "..", "docker", "hub", "jupyterhub_config.py"))  # noqa: F821

env = os.environ
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%s" % env["HUB_TEST_PROXY_API_PORT"]
# This run's containers and volumes, apart from any other hub's.
c.DockerSpawner.name_template = env["HUB_TEST_PREFIX"] + "-{username}"
c.DockerSpawner.volumes = {env["HUB_TEST_PREFIX"] + "-{username}": "/home/jovyan/work"}
c.DockerSpawner.environment = {"FASHION_QUICK": "1", "JUPYTERHUB_ACTIVITY_INTERVAL": "10"}

# The test's own requests (users' tokens, a server started without a browser, the state of
# servers) go through a service with these scopes.
c.JupyterHub.services.append({"name": "hub-test", "api_token": env["HUB_TEST_TOKEN"]})
c.JupyterHub.load_roles.append({
    "name": "hub-test",
    "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
    "services": ["hub-test"],
})

# Seconds, not minutes: the hub asks the proxy for activity and the servers whether they
# still run; the culler looks every few seconds.
c.JupyterHub.last_activity_interval = 10
c.Spawner.poll_interval = 10
for service in c.JupyterHub.services:
    if service["name"] == "idle-culler":
        service["command"].append("--cull-every=10")
