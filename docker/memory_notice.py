"""A clear message in the cell's output when the server's memory limit stopped the cell.

A hub gives each learner's container a memory limit. When a cell needs more, the Linux
kernel stops the biggest process of the container, the cell's program (or its build), and
GoNB's only word on it is "signal: killed". This server setting adds, in the output of the
cell that ran, a message that says what happened and what to do.

The lab image's jupyter_server_config.py turns it on:

    c.ServerApp.kernel_websocket_connection_class = "memory_notice.MemoryNoticeConnection"

How: the connection between a kernel and the browser (Jupyter Server's own
ZMQChannelsWebsocketConnection) counts the container's out-of-memory kills, which its
memory cgroup keeps (memory.events in cgroup v2, memory.oom_control in v1). When a cell
ends (the kernel's idle status after it) and the count grew since the connection last
looked, the message goes to that cell's output as stderr, just before that status, which
tells the page the cell is done. Outside a memory cgroup with a limit, it does nothing.
"""
import os

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

# Where the container's memory cgroup is: its root in a container (cgroup v2, or v1's
# memory hierarchy). FASHION_CGROUP_DIR overrides it (tests).
CGROUP_DIRS = ("/sys/fs/cgroup", "/sys/fs/cgroup/memory")
UNLIMITED = 1 << 60  # cgroup v1 writes "no limit" as a number near 2^63

MESSAGE = (
    "\n■ Out of memory: this server may use {limit}, and this cell needed more, so the system "
    "stopped its program (the \"signal: killed\" above).\n"
    "  Your notebook and files are safe, the kernel still knows the cells you ran, and nothing "
    "else was stopped. Run the cell on less data (a smaller batch, or fewer images), restart the "
    "kernel to free what other cells hold, or ask your teacher for a larger limit.\n"
)


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def _field(text, name):
    for line in (text or "").splitlines():
        key, _, value = line.partition(" ")
        if key == name and value.strip().isdigit():
            return int(value)
    return None


def memory_cgroup():
    """(directory, version) of this process's memory cgroup, or (None, None)."""
    override = os.environ.get("FASHION_CGROUP_DIR")
    for d in ([override] if override else CGROUP_DIRS):
        if os.path.exists(os.path.join(d, "memory.events")):
            return d, 2
        if os.path.exists(os.path.join(d, "memory.oom_control")):
            return d, 1
    return None, None


def oom_kills(d, version):
    """How many processes the cgroup's memory limit stopped so far (None: unknown)."""
    if version == 2:
        return _field(_read(os.path.join(d, "memory.events")), "oom_kill")
    return _field(_read(os.path.join(d, "memory.oom_control")), "oom_kill")


def limit_bytes(d, version):
    """The cgroup's memory limit in bytes, or None when there is none."""
    text = _read(os.path.join(d, "memory.max" if version == 2 else "memory.limit_in_bytes"))
    text = (text or "").strip()
    if not text.isdigit() or int(text) >= UNLIMITED:
        return None
    return int(text)


def human(n):
    gib = n / (1 << 30)
    return "%.1f GiB" % gib if gib >= 1 else "%d MiB" % round(n / (1 << 20))


class MemoryNoticeConnection(ZMQChannelsWebsocketConnection):
    """Jupyter Server's kernel connection, with the out-of-memory message."""

    _cgroup = None
    _seen = None

    def _kills(self):
        if self._cgroup is None:
            d, version = memory_cgroup()
            has_limit = d is not None and limit_bytes(d, version) is not None
            self._cgroup = (d, version) if has_limit else (None, None)
        d, version = self._cgroup
        return oom_kills(d, version) if d else None

    def connect(self):
        self._seen = self._kills()
        return super().connect()

    def handle_outgoing_message(self, stream, outgoing_msg):
        channel = stream if isinstance(stream, str) else getattr(stream, "channel", None)
        if channel == "iopub" and self._seen is not None:
            try:
                self._notice(outgoing_msg)
            except Exception:  # Never lose a kernel message over the notice.
                self.log.exception("memory_notice: could not check the message")
        super().handle_outgoing_message(stream, outgoing_msg)

    def _notice(self, msg_list):
        _, parts = self.session.feed_identities(msg_list)
        header = self.session.unpack(parts[1])
        if header.get("msg_type") != "status":
            return
        parent = self.session.unpack(parts[2])
        if (parent.get("msg_type") != "execute_request"
                or self.session.unpack(parts[4]).get("execution_state") != "idle"):
            return
        kills = self._kills()
        if kills is None or kills <= self._seen:
            return
        self._seen = kills
        d, version = self._cgroup
        self.write_stderr(MESSAGE.format(limit=human(limit_bytes(d, version))).rstrip("\n"), parent)
