#!/usr/bin/env python3
"""Checks docker/hub/z2jh-values.yaml, the Zero to JupyterHub values, without a cluster.

  tests/hub/check_z2jh.py [--chart DIR] [--values FILE]

No Kubernetes runs here, so nothing starts a pod: what it checks is what KubeSpawner, the
spawner the chart configures, makes of the values.

Always (CI; KubeSpawner 7.1.0 of requirements/hub.txt): KubeSpawner, configured with the
traits the chart sets from the file's singleuser and cull values (the chart's own
files/hub/jupyterhub_config.py maps them so: image and tag, cmd, defaultUrl, uid, fsGid,
memory and cpu, the dynamic home volume), validates them (its traitlets), then builds the
pod and the volume claim it would ask Kubernetes for; the script reads them back: the
image, the command, the user and group, the memory and CPU requests and limits, the claim's
size, and the home mounted on it.

With --chart DIR, a checkout of the chart's jupyterhub/ folder (the chart is not on PyPI or
npm; docs/teachers.md names the commit it was checked with): first the values, merged over
the chart's values.yaml, must pass the chart's values.schema.yaml (jsonschema); then the
chart's own jupyterhub_config.py configures KubeSpawner from them, in place of this
script's mapping, and the same checks follow; and the culler service it defines must have
the file's timeout.

Exits 1 with one line per failed check.
"""
import argparse
import asyncio
import os
import re
import sys

import yaml
from traitlets.config import Config

# What the image and the class need, whatever the values say: the image's command (start-lab
# fills a new home with the chapters), its user and group, where the home is; and the class of
# docker/hub/jupyterhub_config.py (its defaults: FASHION_HUB_MEM, _CPUS, _IDLE), which
# docs/teachers.md sizes.
IMAGE_CMD, UID, GID, HOME = "start-lab", 1000, 100, "/home/jovyan"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROG = "check-z2jh"
sys.path.insert(0, HERE)
from hub_test import Checks  # noqa: E402

check = Checks(PROG)


def field(obj, name):
    """A field of a Kubernetes model, or of the dict KubeSpawner left in its place (camelCase)."""
    if isinstance(obj, dict):
        camel = name.split("_")[0] + "".join(w.title() for w in name.split("_")[1:])
        return obj.get(camel, obj.get(name))
    return getattr(obj, name, None)


def default_idle():
    with open(os.path.join(ROOT, "docker", "hub", "jupyterhub_config.py")) as f:
        return re.search(r'"FASHION_HUB_IDLE", "(\d+)"', f.read()).group(1)


def merge(a, b):
    out = dict(a)
    for k, v in b.items():
        out[k] = merge(a[k], v) if isinstance(a.get(k), dict) and isinstance(v, dict) else v
    return out


def mapped(values):
    """The KubeSpawner configuration the chart makes of the values we set."""
    su, cfg = values["singleuser"], Config()
    k = cfg.KubeSpawner
    k.image = "%s:%s" % (su["image"]["name"], su["image"]["tag"])
    cfg.Spawner.cmd = su["cmd"]
    cfg.Spawner.default_url = su["defaultUrl"]
    k.uid, k.fs_gid = su["uid"], su["fsGid"]
    k.mem_limit, k.mem_guarantee = su["memory"]["limit"], su["memory"]["guarantee"]
    k.cpu_limit, k.cpu_guarantee = su["cpu"]["limit"], su["cpu"]["guarantee"]
    storage = su["storage"]
    assert storage["type"] == "dynamic"
    k.pvc_name_template = "claim-{username}{servername}"
    k.storage_pvc_ensure = True
    k.storage_capacity = storage["capacity"]
    k.storage_access_modes = ["ReadWriteOnce"]
    k.volumes = [{"name": "volume-{username}{servername}",
                  "persistentVolumeClaim": {"claimName": "{pvc_name}"}}]
    k.volume_mounts = [{"mountPath": storage["homeMountPath"], "name": "volume-{username}{servername}"}]
    return cfg


def from_chart(chart, values):
    """The configuration the chart's own jupyterhub_config.py makes of the values."""
    import jsonschema
    with open(os.path.join(chart, "values.yaml")) as f:
        merged = merge(yaml.safe_load(f), values)
    with open(os.path.join(chart, "values.schema.yaml")) as f:
        schema = yaml.safe_load(f)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(merged), key=lambda e: list(e.path))
    check(not errors, "the values pass the chart's values.schema.yaml%s" % "".join(
        "\n    %s: %s" % ("/".join(map(str, e.path)), e.message) for e in errors[:10]))
    # The chart's helpers read a mounted Secret and ConfigMap: here, the merged values.
    sys.path.insert(0, os.path.join(chart, "files", "hub"))
    import z2jh
    z2jh._load_config = lambda: merged
    z2jh._get_config_value = lambda key: key
    z2jh.get_secret_value = lambda key, default="never-explicitly-set": (
        "00" * 32 if default == "never-explicitly-set" else default)
    os.environ.update(PROXY_API_SERVICE_PORT="8001", HUB_SERVICE_PORT="8081")
    from tornado.httpclient import AsyncHTTPClient
    configure, AsyncHTTPClient.configure = AsyncHTTPClient.configure, classmethod(lambda *a, **k: None)
    try:
        from traitlets.config.loader import PyFileConfigLoader
        loader = PyFileConfigLoader("jupyterhub_config.py", path=os.path.join(chart, "files", "hub"))
        return loader.load_config()
    finally:
        AsyncHTTPClient.configure = configure


# KubeSpawner loads a cluster's address when it starts; it never calls it for manifests.
KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
"""


async def manifests(cfg):
    from kubespawner import KubeSpawner  # After main set KUBECONFIG: read at import.
    spawner = KubeSpawner(config=cfg, _mock=True)
    spawner.api_token = "token"
    return spawner, await spawner.get_pod_manifest(), spawner.get_pvc_manifest()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--values", default=os.path.join(ROOT, "docker", "hub", "z2jh-values.yaml"))
    p.add_argument("--chart", help="a checkout of the chart's jupyterhub/ folder")
    args = p.parse_args()
    import tempfile
    kubeconfig = tempfile.NamedTemporaryFile("w", suffix=".kubeconfig")
    kubeconfig.write(KUBECONFIG)
    kubeconfig.flush()
    os.environ["KUBECONFIG"] = kubeconfig.name
    with open(args.values) as f:
        values = yaml.safe_load(f)
    su = values["singleuser"]
    if args.chart:
        cfg = from_chart(args.chart, values)
        culler = [s for s in cfg.JupyterHub.services if s["name"] == "jupyterhub-idle-culler"]
        check(culler and "--timeout=%s" % default_idle() in culler[0]["command"],
              "the chart's culler service: %s" % (culler[0]["command"] if culler else "none"))
        check(cfg.JupyterHub.implicit_spawn_seconds == values["hub"]["config"]["JupyterHub"]["implicit_spawn_seconds"],
              "the chart passes hub.config to the hub: implicit_spawn_seconds = %s"
              % cfg.JupyterHub.implicit_spawn_seconds)
        how = "the chart's jupyterhub_config.py (%s)" % args.chart
    else:
        cfg = mapped(values)
        how = "the chart's mapping of the values"
        cull = values.get("cull", {})
        check(cull.get("enabled") and str(cull.get("timeout")) == default_idle(),
              "the culler is on, after %ss as docker/hub/jupyterhub_config.py's (%ss)"
              % (cull.get("timeout"), default_idle()))
    try:
        spawner, pod, pvc = asyncio.run(manifests(cfg))
    except Exception as e:  # A trait that does not validate: its message is the check.
        check(False, "KubeSpawner takes the configuration of %s: %s: %s" % (how, type(e).__name__, e))
        return 1
    check(True, "KubeSpawner %s takes the configuration of %s (its traits validate)" % (
        sys.modules["kubespawner"].__version__, how))
    ctr = pod.spec.containers[0]
    want_image = "%s:%s" % (su["image"]["name"], su["image"]["tag"])
    check(ctr.image == want_image, "the pod runs the image %s" % ctr.image)
    with open(os.path.join(ROOT, "docker", "hub", "jupyterhub_config.py")) as f:
        docker_cfg = f.read()

    def default(name):
        return re.search(r'"%s", "([^"]+)"' % name, docker_cfg).group(1)
    mem = {"G": 1 << 30, "M": 1 << 20}[default("FASHION_HUB_MEM")[-1]] * int(default("FASHION_HUB_MEM")[:-1])
    env = {e.name: e.value for e in ctr.env}
    check(ctr.args == [IMAGE_CMD] and not ctr.command and env.get("JUPYTERHUB_SERVICE_URL", "").endswith(":8888/"),
          "the pod runs the image's entry point (tini) with %s, which serves at JUPYTERHUB_SERVICE_URL=%s"
          % (ctr.args, env.get("JUPYTERHUB_SERVICE_URL")))
    sc, psc = field(ctr, "security_context"), field(pod.spec, "security_context")
    check(field(sc, "run_as_user") == UID and field(psc, "fs_group") == GID,
          "as UID %s, with the volume's group %s" % (field(sc, "run_as_user"), field(psc, "fs_group")))
    res = field(ctr, "resources")
    limits, requests = field(res, "limits"), field(res, "requests")
    check(float(limits["cpu"]) == float(default("FASHION_HUB_CPUS")) and int(limits["memory"]) == mem
          and 0 < float(requests["cpu"]) <= float(limits["cpu"]) and 0 < int(requests["memory"]) <= mem,
          "limits %s, as docker/hub/jupyterhub_config.py's (%s, %s cores); requests %s"
          % (limits, default("FASHION_HUB_MEM"), default("FASHION_HUB_CPUS"), requests))
    check(env.get("MEM_LIMIT") == str(spawner.mem_limit),
          "the server learns its limit (MEM_LIMIT=%s bytes)" % env.get("MEM_LIMIT"))
    home = HOME
    mounts = {field(m, "mount_path"): field(m, "name") for m in ctr.volume_mounts}
    claims = {field(v, "name"): field(field(v, "persistent_volume_claim"), "claim_name")
              for v in pod.spec.volumes if field(v, "persistent_volume_claim")}
    check(home in mounts and claims.get(mounts[home]) == pvc.metadata.name,
          "the home %s is mounted from the learner's claim %s" % (home, pvc.metadata.name))
    check(field(field(pvc.spec, "resources"), "requests")["storage"] == su["storage"]["capacity"],
          "the claim asks for %s" % su["storage"]["capacity"])
    print("%s: %d checks failed" % (PROG, len(check.failures)))
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
