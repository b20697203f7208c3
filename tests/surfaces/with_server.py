#!/usr/bin/env python3
"""Starts a server, runs a test against the URL it prints, and stops the server.

  with_server.py --url REGEX --test 'COMMAND {url}' [--log FILE] [--timeout S] -- SERVER...

SERVER... runs in a session of its own, its output (stdout and stderr) going to --log.
Once a line of that output matches REGEX (Jupyter's "http://127.0.0.1:PORT/lab?token=...",
TensorBoard's "http://127.0.0.1:PORT/"), the URL must also answer over HTTP; then COMMAND
(split like a shell command line, {url} replaced by the URL) runs. Afterwards, with
--jupyter, the server is asked to stop (POST /api/shutdown, with the URL's token: Jupyter
then shuts its kernels down, which run in sessions of their own) and given 30 s; then its
session gets SIGINT twice (Jupyter's way to stop without asking), then SIGTERM, then
SIGKILL, a few seconds apart, until it is gone.

Exits with the test's status; 1 when the server ends or prints no URL within --timeout
seconds (default 300; the end of its log is shown), 2 for a wrong command line.
"""
import argparse
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PROG = "with-server"


def answers(url):
    try:
        urllib.request.urlopen(url, timeout=5).close()
        return True
    except urllib.error.HTTPError:
        return True  # It answered (a login page may say 403).
    except (urllib.error.URLError, OSError):
        return False


def wait_url(proc, log_path, pattern, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(log_path, errors="replace") as f:
            m = pattern.search(f.read())
        if m and answers(m.group(0)):
            return m.group(0)
        if proc.poll() is not None:
            return None
        time.sleep(1)
    return None


def jupyter_shutdown(url):
    """Asks a Jupyter server to shut its kernels and terminals down and stop."""
    parts = urllib.parse.urlsplit(url)
    token = urllib.parse.parse_qs(parts.query).get("token", [""])[0]
    req = urllib.request.Request("%s://%s/api/shutdown" % (parts.scheme, parts.netloc),
                                 method="POST", headers={"Authorization": "token " + token})
    try:
        urllib.request.urlopen(req, timeout=10).close()
    except (urllib.error.URLError, OSError) as e:
        print("%s: POST /api/shutdown: %s" % (PROG, e), file=sys.stderr)


def stop(proc, grace):
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        pass
    for sig, wait in ((signal.SIGINT, 1), (signal.SIGINT, 10), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            pass


def tail(path, n=25):
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    return "\n".join(lines[-n:])


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    split = argv.index("--")
    p = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True, help="regular expression of the URL the server prints")
    p.add_argument("--test", required=True, help="the test's command line, with {url}")
    p.add_argument("--log", default=None, help="the server's log (default: a temporary file)")
    p.add_argument("--timeout", type=float, default=300, help="seconds the server may take to start")
    p.add_argument("--jupyter", action="store_true",
                   help="a Jupyter server: stop it with POST /api/shutdown, which ends its kernels")
    args = p.parse_args(argv[:split])
    server = argv[split + 1:]
    if not server:
        p.error("no server command after --")
    log_path = args.log or "/tmp/%s.%d.log" % (PROG, os.getpid())
    with open(log_path, "w") as log:
        proc = subprocess.Popen(server, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    url = None
    try:
        url = wait_url(proc, log_path, re.compile(args.url), args.timeout)
        if url is None:
            print("%s: %s printed no URL matching /%s/ that answers (%s); the end of its log:\n%s"
                  % (PROG, server[0], args.url, "it ended with status %s" % proc.returncode
                     if proc.poll() is not None else "%gs" % args.timeout, tail(log_path)),
                  file=sys.stderr)
            return 1
        shown = re.sub(r"token=\w+", "token=...", url)
        print("%s: %s serves %s" % (PROG, os.path.basename(server[0]), shown), flush=True)
        test = [a.replace("{url}", url) for a in shlex.split(args.test)]
        return subprocess.call(test)
    finally:
        if url and args.jupyter:
            jupyter_shutdown(url)
        stop(proc, 30 if url and args.jupyter else 0)
        if args.log is None:
            os.unlink(log_path)


if __name__ == "__main__":
    sys.exit(main())
