#!/usr/bin/env python3
"""How many learners one machine holds: the hub of tests/hub/ with N learners at once.

  tests/hub/run.sh --capacity [--learners 1,2,4,8,12,16] [--out FILE.json]

For each N, with the hub of hub_test.py (docker/hub/jupyterhub_config.py: a container of the
lab image per learner, 2 GB and one core each), N learners' servers start at once (through
the hub's API, as a login does); each starts the Go kernel and runs the code cells of
--chapter (default chapter 2) one after another, all N learners at the same moment, as in a
class where the teacher says "run the chapter" (the worst case). No browser: the cells go
through the Jupyter kernel protocol over the hub's proxy, as JupyterLab sends them, so the
machine's cores go to the learners, not to Chromium. It measures:
  - the seconds to start the servers (all N at once), of each learner's first cell (GoNB
    sets up its workspace and builds the cell against the warm build cache), and of the
    other cells (the median over learners and cells, and the slowest);
  - memory per learner, from each container's memory cgroup: the server alone (after its
    start), with the kernel (after the first cell), and the peak with a cell's build and
    run (the cgroup's maximum); each as the resident memory of its processes (rss) and as
    what counts against the limit (usage, with the page cache);
  - the machine: the least available memory (MemAvailable) and the mean load during the
    round; and what failed (a cell's error, a server that did not start, a limit hit).
It stops after the first round that failed or whose typical cell took longer than
--give-up seconds. Prints a table (Markdown, for docs/teachers.md) and writes --out.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid

import hub_test
from hub_test import Hub, Podman, log

import websocket


def meminfo(key="MemAvailable"):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


class Sampler:
    """The machine's least available memory and its mean load average, while it runs."""

    def __init__(self):
        self.low, self.loads = meminfo(), []
        self.stop = threading.Event()
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while not self.stop.wait(2):
            self.low = min(self.low, meminfo())
            self.loads.append(os.getloadavg()[0])

    def done(self):
        self.stop.set()
        return self.low, statistics.mean(self.loads) if self.loads else os.getloadavg()[0]


class Kernel:
    """A kernel of a learner's server, driven over its websocket as JupyterLab does."""

    def __init__(self, hub, name, token):
        self.base = "%s/user/%s" % (hub.url, name)
        req = urllib.request.Request(self.base + "/api/kernels", method="POST",
                                     data=json.dumps({"name": "fashion-gomlx"}).encode(),
                                     headers={"Authorization": "token " + token,
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            kernel = json.load(r)["id"]
        url = urllib.parse.urlsplit(self.base)
        self.ws = websocket.create_connection(
            "ws://%s%s/api/kernels/%s/channels" % (url.netloc, url.path, kernel),
            header=["Authorization: token " + token], timeout=1800)
        self.session = uuid.uuid4().hex

    def execute(self, code):
        """Runs code; returns (seconds, error text or None)."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session,
                       "username": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        start, error, idle, replied = time.monotonic(), None, False, False
        while not (idle and replied):
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "execute_reply":
                replied = True
                if msg["content"].get("status") != "ok":
                    error = error or "%s: %s" % (msg["content"].get("ename"), msg["content"].get("evalue"))
            elif kind == "error":
                error = "%s: %s" % (msg["content"].get("ename"), msg["content"].get("evalue"))
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        return time.monotonic() - start, error


def learner_round(hub, podman, name, cells, result):
    try:
        token = hub.user_token(name)
        ctr = "%s-%s" % (hub.prefix, name)
        result["server"] = podman.memory(ctr)
        kernel = Kernel(hub, name, token)
        times = []
        for code in cells:
            seconds, error = kernel.execute(code)
            times.append(seconds)
            if error:
                result["error"] = "cell %d: %s" % (len(times), error[:200])
                break
            if len(times) == 1:
                result["kernel"] = podman.memory(ctr)
        result["times"] = times
        result["peak"] = podman.memory(ctr)
        kernel.ws.close()
    except Exception as e:  # One learner's failure is the round's result, not the script's end.
        result["error"] = "%s: %s" % (type(e).__name__, str(e).split("\n")[0][:200])


def one_round(hub, podman, n, cells):
    names = ["learner%d" % (i + 1) for i in range(n)]
    sampler = Sampler()
    start = time.monotonic()
    for name in names:
        hub.api("POST", "/users/%s/server" % name)
    failed_start = []
    for name in names:
        try:
            hub_test.wait_for("%s's server" % name, lambda: hub.server(name).get("ready"), 600, 2)
        except TimeoutError:
            failed_start.append(name)
    spawn = time.monotonic() - start
    results = {name: {} for name in names}
    threads = [threading.Thread(target=learner_round, args=(hub, podman, name, cells, results[name]))
               for name in names if name not in failed_start]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in names:
        try:
            results[name]["oom_kills"] = podman.oom_kills("%s-%s" % (hub.prefix, name))
        except Exception:
            pass
    low, load = sampler.done()
    for name in names:
        try:
            hub.api("DELETE", "/users/%s/server" % name)
        except Exception:
            pass
    for name in names:
        try:
            hub_test.wait_for("%s stopped" % name, lambda: not hub.server(name), 300, 2)
        except TimeoutError:
            pass
    podman.remove(hub.prefix)  # A new volume for each round: every round starts alike.
    firsts = [r["times"][0] for r in results.values() if r.get("times")]
    rest = [t for r in results.values() for t in r.get("times", [])[1:]]
    errors = ["%s: %s" % (k, r["error"]) for k, r in results.items() if r.get("error")]
    errors += ["%s: the server did not start within 600 s" % k for k in failed_start]
    errors += ["%s: %d processes stopped by the memory limit" % (k, r["oom_kills"])
               for k, r in results.items() if r.get("oom_kills")]

    def median_of(key, i):
        values = [r[key][i] for r in results.values() if key in r]
        return statistics.median(values) if values else None
    return {
        "learners": n, "start_seconds": spawn,
        "first_cell_median": statistics.median(firsts) if firsts else None,
        "first_cell_max": max(firsts) if firsts else None,
        "cell_median": statistics.median(rest) if rest else None,
        "cell_max": max(rest) if rest else None,
        "cells": len(cells),
        "server_rss": median_of("server", 0), "server_usage": median_of("server", 1),
        "kernel_rss": median_of("kernel", 0), "kernel_usage": median_of("kernel", 1),
        "peak_usage": median_of("peak", 2),
        "peak_usage_max": max((r["peak"][2] for r in results.values() if "peak" in r), default=None),
        "min_available": low, "mean_load": load, "errors": errors,
    }


def mib(n):
    return "-" if n is None else "%d" % round(n / (1 << 20))


def sec(n):
    return "-" if n is None else "%.1f" % n


def table(rounds):
    lines = ["| learners | servers started in | first cell (median, slowest) | a typical cell (median, slowest) "
             "| per learner: server, +kernel, peak with a cell (MiB) | machine: least free memory, mean load "
             "| what failed |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rounds:
        lines.append("| %d | %s s | %s s, %s s | %s s, %s s | %s, %s, %s (slowest %s) | %.1f GiB, %.1f | %s |" % (
            r["learners"], sec(r["start_seconds"]), sec(r["first_cell_median"]), sec(r["first_cell_max"]),
            sec(r["cell_median"]), sec(r["cell_max"]), mib(r["server_rss"]), mib(r["kernel_rss"]),
            mib(r["peak_usage"]), mib(r["peak_usage_max"]), r["min_available"] / (1 << 30), r["mean_load"],
            "; ".join(r["errors"]) or "nothing"))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--learners", default="1,2,4,8,12,16", help="the rounds: learners at once")
    p.add_argument("--chapter", default="02_perceptron.ipynb")
    p.add_argument("--image", default=os.environ.get("IMAGE", "localhost/fashion-gomlx-lab:latest"))
    p.add_argument("--give-up", type=float, default=60, help="stop after a round whose typical cell took longer")
    p.add_argument("--out", default=os.path.join(hub_test.HERE, "screenshots", "capacity.json"))
    p.add_argument("--shots", help=argparse.SUPPRESS)  # run.sh passes it to either script.
    args = p.parse_args()
    counts = [int(x) for x in args.learners.split(",")]
    with open(os.path.join(hub_test.ROOT, "notebooks", args.chapter)) as f:
        nb = json.load(f)
    cells = [hub_test.check_notebooks.joined(c["source"]) for _, c in hub_test.check_notebooks.code_cells(nb)]
    machine = {
        "processor": subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                                    capture_output=True, text=True).stdout.strip(),
        "cores": os.cpu_count(), "memory_gib": round(meminfo("MemTotal") / (1 << 30), 1),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_before": os.getloadavg(), "chapter": args.chapter, "image": args.image,
    }
    log("capacity: %s, %d cores, %.1f GiB; load before: %s" % (
        machine["processor"], machine["cores"], machine["memory_gib"], machine["load_before"]))
    import tempfile
    work = tempfile.mkdtemp(prefix="hub-capacity.")
    prefix = "hubcap-" + uuid.uuid4().hex[:6]
    podman = hub = None
    rounds = []
    start = time.monotonic()
    try:
        podman = Podman(work)
        podman.preflight(args.image, prefix + "-preflight")
        hub = Hub(work, podman, args.image, ["learner%d" % (i + 1) for i in range(max(counts))], 3600, prefix)
        hub.wait_ready()
        for n in counts:
            log("capacity: %d learners at once, %d cells of %s each" % (n, len(cells), args.chapter))
            r = one_round(hub, podman, n, cells)
            rounds.append(r)
            log("capacity: %s" % json.dumps(r))
            if r["errors"] or (r["cell_median"] or 0) > args.give_up:
                log("capacity: stopping after %d learners (%s)" % (
                    n, "; ".join(r["errors"]) or "a typical cell took %.0f s" % r["cell_median"]))
                break
    finally:
        if hub:
            hub.stop()
        if podman:
            podman.remove(prefix)
            podman.stop()
        import shutil
        shutil.rmtree(work, ignore_errors=True)
    machine["minutes"] = round((time.monotonic() - start) / 60, 1)
    machine["load_after"] = os.getloadavg()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"machine": machine, "rounds": rounds}, f, indent=1)
    print(table(rounds))
    print("\n%s; %d cores, %.1f GiB; %s; %.1f minutes; load before %s, after %s; %s" % (
        machine["processor"], machine["cores"], machine["memory_gib"], machine["date"], machine["minutes"],
        "%.2f" % machine["load_before"][0], "%.2f" % machine["load_after"][0], args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
