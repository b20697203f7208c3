# The lab image's Jupyter server settings, for every user and for both commands the image
# runs (jupyter-lab alone, jupyterhub-singleuser under a hub): the Dockerfile copies this
# file to /opt/jupyter/etc/jupyter/, a folder of Jupyter's system-wide configuration, so
# that a hub's `disable_user_config` does not turn it off.
import os
import shutil
import sys

c = get_config()  # noqa: F821 (Jupyter's configuration loader defines it)

# A terminal of the lab runs bash with the image's PATH (go, tensorboard, jupyter). Left to
# itself, a server started without a terminal of its own (docker run without -t, any hub)
# opens login shells, whose /etc/profile resets PATH.
c.ServerApp.terminado_settings = {"shell_command": [shutil.which("bash") or "/bin/bash"]}

# When the memory limit of the learner's container stops a cell, the cell's output says so
# (docker/memory_notice.py, installed beside JupyterLab).
c.ServerApp.kernel_websocket_connection_class = "memory_notice.MemoryNoticeConnection"

# TensorBoard behind the server's own URL (jupyter-server-proxy): <server>/tensorboard/,
# that is /user/<name>/tensorboard/ under a hub, and a tile in JupyterLab's launcher. It
# reads every run under ~/work (the chapters write theirs in runs/ beside them: ~/work/runs,
# or ~/work/fashion-gomlx/notebooks/runs for chapters an nbgitpuller link brought) and
# starts at the first visit. TensorBoard serves under the same path as the proxy
# (absolute_url with --path_prefix), so that its own links and API calls stay under the
# learner's URL.
c.ServerProxy.servers = {
    "tensorboard": {
        "command": [
            "tensorboard",
            "--logdir=" + os.path.join(os.path.expanduser("~"), "work"),
            "--host=127.0.0.1",
            "--port={port}",
            "--path_prefix={base_url}tensorboard",
            "--reload_interval=15",
        ],
        "absolute_url": True,
        # TensorBoard's start (importing its plugins) takes a few seconds, more on a busy
        # machine shared by a class.
        "timeout": 120,
        "launcher_entry": {
            "title": "TensorBoard",
            "icon_path": os.path.join(sys.prefix, "etc", "jupyter", "tensorboard.svg"),
        },
    },
}
