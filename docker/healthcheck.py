#!/usr/bin/env python3
"""lab-healthcheck: the lab image's health check (docker/Dockerfile's HEALTHCHECK).

Asks the Jupyter server in this container for its version, GET <base URL>api, which needs
no login: at http://127.0.0.1:8888/api alone, at the address and base URL a hub gave
(JUPYTERHUB_SERVICE_URL, such as http://0.0.0.0:8888/user/ana/) under a hub. Exits 0 when
it answers, 1 otherwise.
"""
import os
import sys
import urllib.parse
import urllib.request

url = urllib.parse.urlsplit(os.environ.get("JUPYTERHUB_SERVICE_URL") or "http://127.0.0.1:8888/")
host = url.hostname if url.hostname not in (None, "", "0.0.0.0") else "127.0.0.1"
path = url.path if url.path.endswith("/") else url.path + "/"
try:
    urllib.request.urlopen("http://%s:%d%sapi" % (host, url.port or 8888, path), timeout=4).close()
except OSError as e:
    print("lab-healthcheck: %s" % e, file=sys.stderr)
    sys.exit(1)
