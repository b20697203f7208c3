#!/usr/bin/env python3
"""The hub test: a JupyterHub serving the lab image to several learners at once, in Chromium.

  tests/hub/run.sh [--learners N] [--image IMAGE] [--shots DIR]

What it starts, on this machine, and stops at the end (containers and volumes included):
  - Podman's Docker-compatible API (`podman system service`) on a socket of its own, with the
    runtime and limits of docker/hub/podman-containers.conf;
  - JupyterHub with the teachers' configuration, docker/hub/jupyterhub_config.py, as it is
    (DockerSpawner: one container of the lab image per learner, a volume for ~/work, 2 GB
    and one core each, the idle culler), and tests/hub/jupyterhub_config.py's few changes
    (loopback, free ports, short intervals); configurable-http-proxy from
    docker/hub/package-lock.json;
  - one Chromium per learner (Playwright), each in a context of its own.

What it checks:
  1. at once, every learner logs in on the hub's login page, gets their own server (the
     image's start-lab runs jupyterhub-singleuser), opens ~/work/02_perceptron.ipynb from
     the file browser and runs all its cells, with every check of
     tests/surfaces/lab_browser.py (outputs, images, formulas, saving, a terminal); then
     opens chapter 8 and runs its first cell that trains (train_cells() says which);
  2. each learner sees only their own files and kernels, and is refused at their
     neighbour's URL, in the browser and through the API;
  3. TensorBoard behind the hub: the first learner trains in a terminal (`fashion train`),
     opens TensorBoard from JupyterLab's launcher (jupyter-server-proxy, under
     /user/NAME/tensorboard/), and sees the run; the neighbour is refused there;
  4. at the same time, the third learner runs a cell that eats memory: the cell stops with
     the image's out-of-memory message, their kernel lives on, and the other learners'
     kernels and servers are as they were;
  5. the second learner's container is killed: coming back, the hub starts it again at once
     and their chapter, saved with its outputs in step 1, is there;
  6. the third learner opens the teacher's nbgitpuller link, which clones the teacher's
     repository of chapters (served over HTTP from this machine) into ~/work/fashion-gomlx;
     they answer chapter 2's exercise; the teacher changes that chapter (its title, and the
     same exercise cell) and adds chapter 3; the link again brings the new title and chapter
     3 in and keeps the learner's answer and files;
  7. a server nobody used (the learner "idle", started at the beginning) is stopped by the
     idle culler, and no active learner's server is.
Screenshots go to --shots/NAME/. Exits 1 with one line per failed check.
"""
import argparse
import concurrent.futures
import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "surfaces"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import check_notebooks  # noqa: E402
import chromium  # noqa: E402
import lab_browser  # noqa: E402

PROG = "hub-test"
CHAPTER = "02_perceptron.ipynb"
TRAINING_CHAPTER = "08_train.ipynb"
PASSWORD = "learner-" + secrets.token_hex(8)
IDLE_USER = "idle"
# A cell that allocates until its container's memory limit stops it.
MEMORY_EATER = """%%
var blocks [][]byte
for {
	b := make([]byte, 64<<20)
	for i := range b {
		b[i] = 1
	}
	blocks = append(blocks, b)
}"""
# A first cell that trains: it calls m.Fit (pkg/fashion's trainer, on GoMLX's protocol), or a
# function of the chapter whose name starts with train (the learner's own loop).
TRAINS = re.compile(r"(?<!func )\b(?:\w+\.Fit|train\w*)\(")

_print = threading.Lock()


def log(msg):
    with _print:
        print("%s: %s" % (PROG, msg), flush=True)


class Checks:
    """Every check of every learner; thread-safe. check(ok, what) logs one line and returns ok."""

    def __init__(self, prog=PROG):
        self.prog = prog
        self.failures = []
        self.lock = threading.Lock()

    def __call__(self, ok, what):
        with _print:
            print("%s: %s%s" % (self.prog, "ok: " if ok else "FAILED: ", what), flush=True)
        if not ok:
            with self.lock:
                self.failures.append(what)
        return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, fn, timeout, every=1.0):
    """Calls fn until it returns a true value, and returns it; raises TimeoutError."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("%s: not within %ds" % (what, timeout))
        time.sleep(every)


def tail(path, n=30):
    try:
        with open(path, errors="replace") as f:
            return "\n".join(f.read().splitlines()[-n:])
    except OSError:
        return ""


class Podman:
    """Podman's Docker-compatible API on a socket of its own."""

    def __init__(self, work):
        self.sock = os.path.join(work, "podman.sock")
        self.log_path = os.path.join(work, "podman.log")
        env = dict(os.environ, CONTAINERS_CONF=os.path.join(ROOT, "docker", "hub", "podman-containers.conf"))
        with open(self.log_path, "w") as out:
            self.proc = subprocess.Popen(
                ["podman", "system", "service", "--time=0", "unix://" + self.sock],
                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        import docker
        self.url = "unix://" + self.sock
        wait_for("podman's API socket", lambda: os.path.exists(self.sock) or self.proc.poll() is not None, 30, 0.2)
        if self.proc.poll() is not None:
            raise SystemExit("%s: podman system service ended:\n%s" % (PROG, tail(self.log_path)))
        self.client = docker.DockerClient(base_url=self.url, timeout=120)
        log("Podman %s's Docker API on %s" % (self.client.version()["Version"], self.sock))

    def preflight(self, image, name):
        """A container of the image runs here; exits with what fails otherwise."""
        import docker
        try:
            self.client.images.get(image)
        except docker.errors.ImageNotFound:
            raise SystemExit("%s: no image %s here: build it with docker/build.sh" % (PROG, image))
        ctr = None
        try:
            ctr = self.client.containers.create(image, ["id", "-u"], name=name, mem_limit="256m")
            ctr.start()
            status = ctr.wait(timeout=60)["StatusCode"]
            out = ctr.logs().decode().strip()
            if status != 0:
                raise docker.errors.DockerException("exit status %d: %s" % (status, out))
        except docker.errors.DockerException as e:
            raise SystemExit("%s: Podman cannot run a container of %s here: %s\n(its log: %s)"
                             % (PROG, image, e, tail(self.log_path, 5)))
        finally:
            if ctr is not None:
                ctr.remove(v=True, force=True)  # With the image's anonymous volume (~/work).
        log("a container of %s runs here, as UID %s" % (image, out))

    def oom_kills(self, name):
        """How many processes the memory limit of a container stopped (its memory cgroup)."""
        out = self.client.containers.get(name).exec_run(
            ["sh", "-c", "cat /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null"])
        return sum(int(line.split()[1]) for line in out.output.decode().splitlines()
                   if line.startswith("oom_kill "))

    def memory(self, name):
        """(rss, usage, peak usage) of a container's memory cgroup, in bytes (cgroup v1 or v2):
        its processes' resident memory, and what counts against its limit (with the page
        cache), now and at most since it started."""
        out = self.client.containers.get(name).exec_run(["sh", "-c", """
            if [ -f /sys/fs/cgroup/memory.current ]; then
              echo usage $(cat /sys/fs/cgroup/memory.current)
              echo peak $(cat /sys/fs/cgroup/memory.peak 2>/dev/null || echo 0)
              awk '$1 == "anon" {print "rss", $2}' /sys/fs/cgroup/memory.stat
            else
              d=/sys/fs/cgroup/memory
              echo usage $(cat $d/memory.usage_in_bytes); echo peak $(cat $d/memory.max_usage_in_bytes)
              awk '$1 == "total_rss" {print "rss", $2}' $d/memory.stat
            fi"""]).output.decode()
        values = dict(line.split() for line in out.splitlines() if len(line.split()) == 2)
        return int(values.get("rss", 0)), int(values.get("usage", 0)), int(values.get("peak", 0))

    def remove(self, prefix):
        """Removes the containers and volumes whose names start with prefix."""
        for ctr in self.client.containers.list(all=True, filters={"name": prefix}):
            ctr.remove(force=True)
        for vol in self.client.volumes.list(filters={"name": prefix}):
            vol.remove(force=True)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


class Hub:
    """JupyterHub with tests/hub/jupyterhub_config.py, and its REST API."""

    def __init__(self, work, podman, image, learners, idle_seconds, prefix):
        self.work = work
        self.prefix = prefix
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        with open(os.path.join(work, "learners.txt"), "w") as f:
            f.write("\n".join(learners + [IDLE_USER]) + "\n")
        env = dict(os.environ,
                   FASHION_HUB_PASSWORD=PASSWORD,
                   FASHION_HUB_LEARNERS=os.path.join(work, "learners.txt"),
                   FASHION_HUB_IMAGE=image,
                   FASHION_HUB_URL=self.url,
                   FASHION_HUB_IDLE=str(idle_seconds),
                   DOCKER_HOST=podman.url,
                   FASHION_HUB_API_PORT=str(free_port()),
                   HUB_TEST_PROXY_API_PORT=str(free_port()),
                   HUB_TEST_PREFIX=self.prefix,
                   HUB_TEST_TOKEN=self.token)
        self.log_path = os.path.join(work, "jupyterhub.log")
        with open(self.log_path, "w") as out:
            self.proc = subprocess.Popen(
                [os.path.join(os.path.dirname(sys.executable), "jupyterhub"),
                 "-f", os.path.join(HERE, "jupyterhub_config.py")],
                cwd=work, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def wait_ready(self):
        try:
            wait_for("the hub's API", self._up, 120)
        except TimeoutError:
            raise SystemExit("%s: JupyterHub did not start:\n%s" % (PROG, tail(self.log_path)))
        log("JupyterHub %s at %s (containers and volumes %s-*)" % (
            self.api("GET", "/")["version"], self.url, self.prefix))

    def _up(self):
        if self.proc.poll() is not None:
            raise SystemExit("%s: JupyterHub ended:\n%s" % (PROG, tail(self.log_path)))
        try:
            self.api("GET", "/")
            return True
        except (urllib.error.URLError, OSError):
            return False

    def api(self, method, path, body=None, token=None):
        req = urllib.request.Request(
            self.url + "/hub/api" + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": "token " + (token or self.token),
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            data = r.read()
        return json.loads(data) if data else None

    def server(self, name):
        """The user's default server as the hub sees it ({} when it has none)."""
        return self.api("GET", "/users/" + name)["servers"].get("", {})

    def user_token(self, name):
        return self.api("POST", "/users/%s/tokens" % name, {"note": "hub test", "expires_in": 7200})["token"]

    def spawn(self, name):
        self.api("POST", "/users/%s/server" % name)
        wait_for("%s's server" % name, lambda: self.server(name).get("ready"), 300, 2)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # The hub stops the servers first.
            try:
                self.proc.wait(120)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


class GitHTTP(__import__("http.server").server.BaseHTTPRequestHandler):
    """git's smart HTTP protocol (git http-backend, as CGI), as GitHub serves it: nbgitpuller
    clones with --depth 1, which the static ("dumb") protocol cannot serve."""
    root = None

    def do_GET(self):
        self.backend()

    def do_POST(self):
        self.backend()

    def backend(self):
        path, _, query = self.path.partition("?")
        env = dict(os.environ, GIT_PROJECT_ROOT=self.root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                   QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_ADDR=self.client_address[0],
                   CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=self.headers.get("Content-Length", "0"),
                   HTTP_CONTENT_ENCODING=self.headers.get("Content-Encoding", ""),
                   GIT_PROTOCOL=self.headers.get("Git-Protocol", ""))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        headers = [line.split(": ", 1) for line in head.decode().split("\r\n") if ": " in line]
        status = next((v for k, v in headers if k == "Status"), "200 OK")
        self.send_response(int(status.split()[0]))
        for k, v in headers:
            if k != "Status":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class ChaptersRepo:
    """A teacher's repository of chapters, served over HTTP to the learners' containers, as a
    teacher's GitHub repository would be."""

    def __init__(self, work, host):
        import http.server
        self.dir = os.path.join(work, "teacher")
        self.bare = os.path.join(work, "served", "fashion-gomlx.git")
        os.makedirs(os.path.join(self.dir, "notebooks"))
        self.git("init", "-q", "-b", "main")
        handler = type("Handler", (GitHTTP,), {"root": os.path.join(work, "served")})
        self.server = http.server.ThreadingHTTPServer(("0.0.0.0", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://%s:%d/fashion-gomlx.git" % (host, self.server.server_address[1])

    def git(self, *args, cwd=None):
        subprocess.run(["git", "-c", "user.name=Teacher", "-c", "user.email=teacher@example.org"] + list(args),
                       cwd=cwd or self.dir, check=True, capture_output=True)

    def publish(self, message):
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        if not os.path.exists(self.bare):
            self.git("clone", "-q", "--bare", self.dir, self.bare, cwd=os.path.dirname(self.dir))
        else:
            self.git("push", "-q", self.bare, "main")

    def notebook(self, name):
        with open(os.path.join(self.dir, "notebooks", name)) as f:
            return json.load(f)

    def write(self, name, nb):
        with open(os.path.join(self.dir, "notebooks", name), "w") as f:
            f.write(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")

    def stop(self):
        self.server.shutdown()


def set_cell(nb, cell_id, source):
    for cell in nb["cells"]:
        if cell.get("id") == cell_id:
            cell["source"] = source
            return nb
    raise KeyError("no cell %s" % cell_id)


def cell_source(nb, cell_id):
    return next(check_notebooks.joined(c["source"]) for c in nb["cells"] if c.get("id") == cell_id)


class HubRun(lab_browser.Run):
    """lab_browser's run of a chapter, by one learner of many: checks are named after them."""

    def __init__(self, page, lab, args, learner):
        super().__init__(page, lab, args)
        self.learner = learner

    def check(self, ok, what):
        return self.learner.check(ok, what)


class Learner:
    """One learner: a Chromium of their own, driven from a thread of their own (Playwright's
    objects stay in the thread that made them); do() hands it a step."""

    def __init__(self, name, hub, checks, args):
        self.name, self.hub, self.checks, self.args = name, hub, checks, args
        self.shots = os.path.join(args.shots, name)
        os.makedirs(self.shots, exist_ok=True)
        self.times = {}
        self.steps = queue.Queue()
        self.ready = concurrent.futures.Future()
        threading.Thread(target=self._loop, name=name, daemon=True).start()
        self.ready.result()

    def check(self, ok, what):
        return self.checks(ok, "%s: %s" % (self.name, what))

    def _loop(self):
        from playwright.sync_api import Error, TimeoutError as Timeout, sync_playwright
        lab_browser.PlaywrightError, lab_browser.PlaywrightTimeout = Error, Timeout
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                         args=["--no-sandbox"])
            self.context = browser.new_context(viewport=chromium.VIEWPORT)
            self.page = self.context.new_page()
            self.page.on("console", lambda m: m.type == "error" and "favicon" not in m.text
                         and log("%s: the page's console: %s" % (self.name, m.text[:200])))
            self.ready.set_result(None)
            while True:
                step, future = self.steps.get()
                if step is None:
                    break
                try:
                    future.set_result(step())
                except BaseException as e:  # A failed step is a failed check, with a picture.
                    self.check(False, "%s: %s: %s" % (step.__name__, type(e).__name__, str(e).split("\n")[0]))
                    try:
                        self.page.screenshot(path=os.path.join(self.shots, "failure-%s.png" % step.__name__))
                    except Exception:
                        pass
                    future.set_result(None)
            browser.close()

    def do(self, step, *args):
        future = concurrent.futures.Future()

        def call():
            return step(*args)
        call.__name__ = step.__name__
        self.steps.put((call, future))
        return future

    def close(self):
        self.steps.put((None, None))

    def timed(self, key, fn, *args):
        start = time.monotonic()
        result = fn(*args)
        self.times[key] = time.monotonic() - start
        return result

    # --- 1. chapters 2 and 8, everyone at once ---------------------------------------

    def login(self):
        page = self.page
        page.goto(self.hub.url + "/hub/login")
        page.fill("#username_input", self.name)
        page.fill("#password_input", PASSWORD)
        page.click("#login_submit")
        # The hub starts the server (its progress page), then JupyterLab opens.
        page.locator("#jp-main-dock-panel").wait_for(timeout=self.args.spawn_timeout * 1000)
        self.check(urllib.parse.urlsplit(page.url).path.startswith("/user/%s/lab" % self.name),
                   "logged in on the hub's page; JupyterLab opened at %s" % urllib.parse.urlsplit(page.url).path)
        self.token = self.hub.user_token(self.name)
        self.lab = lab_browser.Lab("%s/user/%s/lab" % (self.hub.url, self.name), token=self.token)
        # A file of their own, to find (or not) later.
        self.lab.api("PUT", "work/owner.txt", {"type": "file", "format": "text", "content": self.name})

    def run_args(self, chapter):
        return argparse.Namespace(chapter=chapter, folder="work", shots=self.shots,
                                  expected=os.path.join(ROOT, "notebooks", "expected.json"),
                                  timeout=self.args.cell_timeout)

    def chapter_two(self):
        path = "work/" + CHAPTER
        original = self.lab.api("GET", path)["content"]
        run = HubRun(self.page, self.lab, self.run_args(CHAPTER), self)
        panel = run.open_chapter()
        self.timed("chapter 2", run.run_all, panel)
        run.shot("ran")
        run.check_page(panel, original)
        run.save(panel, path)
        run.terminal()
        self.shutdown_kernels()

    def shutdown_kernels(self):
        for session in self.lab_api("GET", "/api/sessions"):
            self.lab_api("DELETE", "/api/sessions/" + session["id"])

    def lab_api(self, method, path, token=None):
        req = urllib.request.Request(self.lab.base + path, method=method,
                                     headers={"Authorization": "token " + (token or self.token)})
        with urllib.request.urlopen(req, timeout=60) as r:
            data = r.read()
        return json.loads(data) if data else None

    def chapter_eight(self):
        """Opens chapter 8 and runs its first cell that trains, after the cells above it that
        declare what it uses (GoNB keeps declarations, not the values a cell computed)."""
        path = "work/" + TRAINING_CHAPTER
        nb = self.lab.api("GET", path)["content"]
        needed, target = train_cells(nb)
        self.check(target is not None, "chapter 8 has a cell that trains (%s)" % (
            check_notebooks.describe_cell(nb, target) if target is not None else "none found"))
        if target is None:
            return
        self.lab.url = "%s/user/%s/lab?reset" % (self.hub.url, self.name)
        run = HubRun(self.page, self.lab, self.run_args(TRAINING_CHAPTER), self)
        panel = run.open_chapter()
        run.menu("Edit", "Clear Outputs of All Cells")
        start = time.monotonic()
        cells = panel.locator(".jp-Cell")
        for i in needed + [target]:
            cell = cells.nth(i)
            cell.scroll_into_view_if_needed()
            cell.locator(".jp-InputPrompt").first.click()
            self.page.keyboard.press("Shift+Enter")
        self.page.wait_for_function(
            """(idx) => {
                 const cells = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell');
                 return idx.every(i => /^\\[\\d+\\]:$/.test(cells[i].querySelector('.jp-InputPrompt').textContent.trim()));
               }""", arg=needed + [target], timeout=self.args.cell_timeout * 1000, polling=1000)
        run.wait_idle(120)
        self.times["chapter 8 training"] = time.monotonic() - start
        run.shot("trained")
        run.menu("File", "Save Notebook")
        saved = self.saved(path, lambda nb: nb["cells"][target].get("execution_count"))
        ran = dict(saved, cells=[saved["cells"][i] for i in needed + [target]])
        failures = check_notebooks.check_nb(ran, [], full=False)
        outputs = "\n".join(t for o in saved["cells"][target].get("outputs", [])
                            for t in check_notebooks.output_texts(o))
        self.check(not failures and outputs.strip(),
                   "chapter 8: %s ran in %.0fs after the %d cells it needs, without errors, "
                   "and printed %r%s" % (check_notebooks.describe_cell(nb, target),
                                         self.times["chapter 8 training"], len(needed),
                                         outputs.strip().splitlines()[-1][:80] if outputs.strip() else "",
                                         "" if not failures else ": " + "; ".join(failures)))
        self.shutdown_kernels()

    # --- 2. each learner alone with their files ----------------------------------------

    def isolation(self, other):
        # Through the API, with this learner's own token.
        for what, path in (("files", "/api/contents/work"), ("kernels", "/api/kernels")):
            try:
                url = "%s/user/%s%s" % (self.hub.url, other.name, path)
                req = urllib.request.Request(url, headers={"Authorization": "token " + self.token})
                urllib.request.urlopen(req, timeout=30).close()
                status = 200
            except urllib.error.HTTPError as e:
                status = e.code
            self.check(status == 403, "%s's %s at /user/%s%s: refused to %s with their token (HTTP %d)"
                       % (other.name, what, other.name, path, self.name, status))
        # In the browser, logged in as themselves.
        response = self.page.goto("%s/user/%s/lab" % (self.hub.url, other.name))
        self.page.wait_for_load_state()
        lab_shown = self.page.locator("#jp-main-dock-panel").count()
        self.check(response is not None and response.status == 403 and not lab_shown,
                   "the browser at %s's URL /user/%s/lab: refused (HTTP %s, %s)" % (
                       other.name, other.name, response.status if response else None,
                       "their lab opened" if lab_shown else "no lab"))
        self.page.screenshot(path=os.path.join(self.shots, "refused-at-%s.png" % other.name))
        # Their own files, and only theirs.
        owner = self.lab.api("GET", "work/owner.txt")["content"]
        self.check(owner == self.name, "their ~/work/owner.txt says %r" % owner)

    # --- 3. TensorBoard behind the hub ---------------------------------------------------

    def tensorboard(self, other):
        page = self.page
        page.goto("%s/user/%s/lab?reset" % (self.hub.url, self.name))
        page.locator("#jp-main-statusbar").wait_for(timeout=120_000)
        run = HubRun(page, self.lab, self.run_args(CHAPTER), self)
        # A run for TensorBoard, as a learner makes one in a terminal.
        run.menu("File", "New", "Terminal")
        term = page.locator(".jp-Terminal:visible")
        term.locator(".xterm-screen").wait_for(timeout=60_000)
        page.wait_for_timeout(2000)  # The shell's prompt.
        term.click()
        page.keyboard.type("go -C $FASHION_GOMLX_DIR build -o /tmp/fashion ./cmd/fashion && cd ~/work && "
                           "/tmp/fashion train --epochs 2 --limit 1000 --logdir runs --out /tmp/model "
                           "> /tmp/train.log 2>&1; echo $? > ~/tb-trained.txt\n", delay=10)
        status = wait_for("the training in the terminal", lambda: self._text("tb-trained.txt"), 600, 2)
        self.check(status.strip() == "0", "a terminal built cmd/fashion and trained 2 epochs into "
                   "~/work/runs (exit status %s)" % status.strip())
        runs = [e["name"] for e in self.lab.api("GET", "work/runs")["content"] if e["type"] == "directory"]
        # TensorBoard from the launcher: a new tab under the learner's own URL.
        run.menu("File", "New Launcher")
        card = page.locator(".jp-LauncherCard", has_text="TensorBoard").first
        card.wait_for(timeout=30_000)
        self.shot_launcher = os.path.join(self.shots, "launcher.png")
        page.screenshot(path=self.shot_launcher)
        with self.context.expect_page(timeout=60_000) as opened:
            card.click()
        tb = opened.value
        tb.wait_for_load_state()
        prefix = "/user/%s/tensorboard/" % self.name
        want = ["runs/%s/%s" % (r, sub) for r in runs for sub in ("train", "validation")]
        for name in want:
            tb.get_by_text(name, exact=True).first.wait_for(timeout=180_000)
        tags = tb.request.get(tb.url.split("#")[0].rstrip("/") + "/data/plugin/scalars/tags").json()
        self.check(urllib.parse.urlsplit(tb.url).path.startswith(prefix) and sorted(tags) == sorted(want)
                   and all("epoch_loss" in tags[n] for n in want),
                   "TensorBoard, opened from the launcher at %s, lists their runs %s with epoch_loss"
                   % (urllib.parse.urlsplit(tb.url).path, sorted(tags)))
        tb.wait_for_timeout(3000)
        tb.screenshot(path=os.path.join(self.shots, "tensorboard.png"))
        tb.close()
        self.tensorboard_url = self.hub.url + prefix
        return self.tensorboard_url

    def refused_tensorboard(self, url):
        response = self.page.goto(url)
        self.check(response is not None and response.status == 403,
                   "the browser at another learner's TensorBoard %s: refused (HTTP %s)" % (
                       urllib.parse.urlsplit(url).path, response.status if response else None))

    def saved(self, path, ready):
        """The notebook at path once ready(notebook) holds (JupyterLab saves it meanwhile: a
        read in the middle of a write gets HTTP 400, and is tried again)."""
        def get():
            try:
                nb = self.lab.api("GET", path)["content"]
            except urllib.error.HTTPError as e:
                if e.code == 400:
                    return None
                raise
            return nb if ready(nb) else None
        return wait_for("the saved " + path, get, 60, 1)

    def _text(self, path):
        try:
            return self.lab.api("GET", path, type="file", format="text")["content"]
        except urllib.error.HTTPError:
            return None

    # --- 4. a cell that eats its memory limit --------------------------------------------

    def eat_memory(self):
        path = "work/memory.ipynb"
        nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {
            "kernelspec": {"name": "fashion-gomlx", "display_name": lab_browser.KERNEL, "language": "go"}},
            "cells": [{"cell_type": "code", "id": "eat", "metadata": {}, "execution_count": None,
                       "outputs": [], "source": MEMORY_EATER},
                      {"cell_type": "code", "id": "after", "metadata": {}, "execution_count": None,
                       "outputs": [], "source": '%%\nfmt.Println("still here")'}]}
        self.lab.api("PUT", path, {"type": "notebook", "content": nb})
        run = HubRun(self.page, self.lab, self.run_args("memory.ipynb"), self)
        self.lab.url = "%s/user/%s/lab?reset" % (self.hub.url, self.name)
        panel = run.open_chapter()
        kernels = self.lab_api("GET", "/api/kernels")
        run.run_all(panel)
        run.shot("out-of-memory")
        run.menu("File", "Save Notebook")
        saved = self.saved(path, lambda nb: nb["cells"][1].get("execution_count"))
        eaten = "\n".join(t for o in saved["cells"][0]["outputs"] for t in check_notebooks.output_texts(o))
        after = "\n".join(t for o in saved["cells"][1]["outputs"] for t in check_notebooks.output_texts(o))
        self.check("signal: killed" in eaten and "Out of memory: this server may use 2.0 GiB" in eaten,
                   "the cell that eats memory was stopped, with the image's message: %r"
                   % [line for line in eaten.splitlines() if line.strip()][-3:])
        same = [k["id"] for k in self.lab_api("GET", "/api/kernels")] == [k["id"] for k in kernels]
        self.check("still here" in after and same,
                   "their kernel lives on (the same kernel ran the next cell: %r)" % after.strip())
        self.shutdown_kernels()

    def kernels(self):
        return {k["id"]: k["execution_state"] for k in self.lab_api("GET", "/api/kernels")}

    def start_kernel(self):
        """A kernel of the Go kernel spec, as opening a notebook starts one."""
        req = urllib.request.Request(self.lab.base + "/api/kernels", method="POST",
                                     data=json.dumps({"name": "fashion-gomlx"}).encode(),
                                     headers={"Authorization": "token " + self.token,
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.load(r)["id"]

    # --- 5. a server killed, started again by the hub --------------------------------------

    def come_back(self):
        """Opens their chapter again, as a learner whose page lost its server does: the hub
        says the server is down until it has noticed (its poll), then starts it again at
        once (implicit_spawn_seconds); a learner reloads until JupyterLab is back."""
        page = self.page
        url = "%s/user/%s/lab/tree/work/%s" % (self.hub.url, self.name, CHAPTER)
        start = time.monotonic()
        tries = 0
        while True:
            tries += 1
            page.goto(url)
            try:
                page.locator("#jp-main-dock-panel").wait_for(timeout=20_000)
                break
            except lab_browser.PlaywrightTimeout:
                if time.monotonic() - start > self.args.spawn_timeout:
                    raise
                page.screenshot(path=os.path.join(self.shots, "coming-back-%d.png" % tries))
        self.times["restart"] = time.monotonic() - start
        page.locator(".jp-NotebookPanel:visible").wait_for(timeout=120_000)
        page.screenshot(path=os.path.join(self.shots, "came-back.png"))
        saved = self.lab.api("GET", "work/" + CHAPTER)["content"]
        ran = [c for _, c in check_notebooks.code_cells(saved) if c.get("execution_count")]
        owner = self.lab.api("GET", "work/owner.txt")["content"]
        self.check(len(ran) == len(check_notebooks.code_cells(saved)) and owner == self.name,
                   "coming back after the kill (%d visits), JupyterLab opened in %.0fs on their "
                   "chapter 2, with the outputs they saved (%d code cells ran) and their owner.txt"
                   % (tries, self.times["restart"], len(ran)))


    # --- 6. new chapters from the teacher, with nbgitpuller ---------------------------------

    def pull(self, repo):
        """Opens the teacher's nbgitpuller link; returns the seconds until JupyterLab showed
        the chapter."""
        link = "%s/hub/user-redirect/git-pull?%s" % (self.hub.url, urllib.parse.urlencode({
            "repo": repo.url, "branch": "main", "targetpath": "work/fashion-gomlx",
            "urlpath": "lab/tree/work/fashion-gomlx/notebooks/" + CHAPTER}))
        start = time.monotonic()
        self.page.goto(link)
        self.page.locator(".jp-NotebookPanel:visible").wait_for(timeout=180_000)
        return time.monotonic() - start

    def updates(self, repo):
        path = "work/fashion-gomlx/notebooks/" + CHAPTER
        seconds = self.pull(repo)
        nb = self.lab.api("GET", path)["content"]
        self.check(cell_source(nb, "ch02-00").startswith("# 2."),
                   "the teacher's link cloned the chapters into ~/work/fashion-gomlx and opened %s "
                   "in %.0fs" % (CHAPTER, seconds))
        self.page.screenshot(path=os.path.join(self.shots, "pulled.png"))
        # The learner answers the exercise and keeps notes of their own.
        mine = "%%\nweights, bias := []float64{1, 1}, -0.5 // my answer\ntutorial.CheckOR(weights, bias)\n"
        self.lab.api("PUT", path, {"type": "notebook", "content": set_cell(nb, "ch02-16", mine)})
        self.lab.api("PUT", "work/fashion-gomlx/notebooks/notes.txt",
                     {"type": "file", "format": "text", "content": "mine"})
        # The teacher changes the chapter's title and the same exercise cell, and adds a chapter.
        new = repo.notebook(CHAPTER)
        set_cell(new, "ch02-00", cell_source(new, "ch02-00").replace("# 2.", "# 2 (new version).", 1))
        set_cell(new, "ch02-16", "%%\nweights, bias := []float64{0, 0}, 0.0 // the teacher's new stub\n"
                                 "tutorial.CheckOR(weights, bias)\n")
        repo.write(CHAPTER, new)
        shutil.copy(os.path.join(ROOT, "notebooks", "03_tools.ipynb"), os.path.join(repo.dir, "notebooks"))
        repo.publish("Chapter 2's new title; chapter 3")
        seconds = self.pull(repo)
        nb = self.lab.api("GET", path)["content"]
        listed = [e["name"] for e in self.lab.api("GET", "work/fashion-gomlx/notebooks")["content"]]
        self.page.screenshot(path=os.path.join(self.shots, "pulled-again.png"))
        self.check(cell_source(nb, "ch02-00").startswith("# 2 (new version).")
                   and cell_source(nb, "ch02-16") == mine
                   and "03_tools.ipynb" in listed and "notes.txt" in listed,
                   "the link again (%.0fs): the teacher's new title and chapter 3 came in; their "
                   "answer (where the teacher changed the cell too) and their notes stayed: "
                   "title %r, exercise %r, files %s" % (
                       seconds, cell_source(nb, "ch02-00").split("\n")[0],
                       cell_source(nb, "ch02-16").split("\n")[1], sorted(listed)))


def train_cells(nb):
    """(the cells chapter 8's first training cell needs, that cell), as cell indices: the
    first code cell whose code calls a trainer (TRAINS), and the code cells above it that
    declare something outside a %% body (imports, functions, types, variables)."""
    needed = []
    for i, cell in check_notebooks.code_cells(nb):
        src = check_notebooks.joined(cell.get("source"))
        lines = src.splitlines()
        body_at = next((n for n, line in enumerate(lines) if line.strip() == "%%"), None)
        head = lines if body_at is None else lines[:body_at]
        code = "\n".join(re.sub(r"//.*", "", line) for line in lines)
        if body_at is not None and TRAINS.search("\n".join(lines[body_at + 1:])):
            return needed, i
        if body_at is None and TRAINS.search(code) and not re.search(r"^\s*func\b", code, re.M):
            return needed, i
        if any(re.sub(r"//.*", "", line).strip() for line in head):
            needed.append(i)
    return needed, None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--learners", type=int, default=3, help="how many learners at once (3 or more)")
    p.add_argument("--image", default=os.environ.get("IMAGE", "localhost/fashion-gomlx-lab:latest"))
    p.add_argument("--shots", default=os.path.join(HERE, "screenshots"))
    p.add_argument("--idle", type=int, default=90, help="the culler's idle timeout, in seconds")
    p.add_argument("--spawn-timeout", type=int, default=300)
    p.add_argument("--cell-timeout", type=int, default=1200)
    p.add_argument("--keep", action="store_true", help="keep the hub's folder (its log, database)")
    args = p.parse_args()
    if args.learners < 3:
        p.error("--learners must be 3 or more (the failures need three roles)")
    shutil.rmtree(args.shots, ignore_errors=True)
    os.makedirs(args.shots)
    args.shots = os.path.abspath(args.shots)
    work = tempfile.mkdtemp(prefix="hub-test.")
    checks = Checks()
    names = ["learner%d" % (i + 1) for i in range(args.learners)]
    start = time.monotonic()
    podman = hub = None
    learners = []
    prefix = "hubtest-" + secrets.token_hex(3)
    try:
        podman = Podman(work)
        podman.preflight(args.image, prefix + "-preflight")
        hub = Hub(work, podman, args.image, names, args.idle, prefix)
        hub.wait_ready()
        # The culler's case: a server nobody uses, from the start (the hub made the users of
        # its list when it started).
        hub.spawn(IDLE_USER)
        idle = Watch(lambda: not hub.server(IDLE_USER), every=5)
        log("%s's server runs, and nobody will use it" % IDLE_USER)

        learners = [Learner(name, hub, checks, args) for name in names]
        log("1. %d learners log in at once, run chapter 2, then chapter 8's first training cell" % len(names))

        def chapters(learner):
            learner.timed("login and start", learner.login)
            learner.chapter_two()
            learner.chapter_eight()
        concurrent.futures.wait([l.do(chapters, l) for l in learners])

        for l in learners:
            _, _, l.peak = podman.memory("%s-%s" % (hub.prefix, l.name))
        log("2. each learner sees only their own files and kernels")
        concurrent.futures.wait([l.do(l.isolation, learners[(i + 1) % len(learners)])
                                 for i, l in enumerate(learners)])

        first, second, third = learners[:3]
        log("3-4. %s opens TensorBoard while %s's cell eats its memory" % (first.name, third.name))
        others = {l.name: l.do(l.start_kernel).result() for l in learners if l is not third}
        tb = first.do(first.tensorboard, second)
        oom = third.do(third.eat_memory)
        tb_url = tb.result()
        oom.result()
        if tb_url:
            second.do(second.refused_tensorboard, tb_url).result()
        for l in learners:
            kills = podman.oom_kills("%s-%s" % (hub.prefix, l.name))
            if l is third:
                l.check(kills >= 1, "their container's memory limit stopped %d process(es)" % kills)
                continue
            states = l.do(l.kernels).result() or {}
            l.check(kills == 0 and states.get(others[l.name]) in ("idle", "starting")
                    and l.name not in hub_stopped(hub, learners),
                    "did not notice %s running out of memory: nothing stopped in their container "
                    "(%d out-of-memory kills), their server runs, the kernel they had is still %s"
                    % (third.name, kills, states.get(others[l.name])))

        log("5. %s's server is killed; they come back" % second.name)
        ctr = podman.client.containers.get("%s-%s" % (hub.prefix, second.name))
        ctr.kill()
        second.do(second.come_back).result()

        log("6. %s brings the teacher's new chapters in with an nbgitpuller link" % third.name)
        gateway = podman.client.networks.get("bridge").attrs["IPAM"]["Config"][0]["Gateway"]
        repo = ChaptersRepo(work, gateway)
        shutil.copy(os.path.join(ROOT, "notebooks", CHAPTER), os.path.join(repo.dir, "notebooks"))
        repo.publish("Chapter 2")
        third.do(third.updates, repo).result()
        repo.stop()

        log("7. the idle culler")
        after = idle.wait(args.idle * 3)
        culled = hub_log_has(hub, "Culling server %s " % IDLE_USER)
        checks(after is not None and args.idle <= after <= args.idle + 60 and culled,
               "the idle culler stopped %s's server %s after it started (timeout %ds)%s" % (
                   IDLE_USER, "%.0fs" % after if after is not None else "not within %ds" % (args.idle * 3),
                   args.idle, "" if culled else "; the hub's log has no 'Culling server %s'" % IDLE_USER))
        stopped = hub_stopped(hub, learners)
        checks(not stopped, "no active learner's server was stopped (%s)" % (", ".join(stopped) or "all run"))
    finally:
        for l in learners:
            l.close()
        if hub:
            shutil.copy(hub.log_path, os.path.join(args.shots, "jupyterhub.log"))
            hub.stop()
        if podman:
            podman.remove(prefix)
            podman.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    log("%d learners at once; seconds per learner:" % len(learners))
    keys = ["login and start", "chapter 2", "chapter 8 training", "restart"]
    peaks = [l.peak for l in learners if getattr(l, "peak", None)]
    if peaks:
        log("peak memory of a learner's container through chapters 2 and 8: %s MiB" % ", ".join(
            "%d" % (p >> 20) for p in peaks))
    log("  %-10s %s" % ("", "  ".join("%18s" % k for k in keys)))
    for l in learners:
        log("  %-10s %s" % (l.name, "  ".join("%18s" % ("%.0f" % l.times[k] if k in l.times else "-")
                                              for k in keys)))
    for k in keys[:3]:
        values = [l.times[k] for l in learners if k in l.times]
        if values:
            log("  median %s: %.0fs" % (k, statistics.median(values)))
    log("%d checks failed; %.0fs; screenshots and the hub's log in %s" % (
        len(checks.failures), time.monotonic() - start, args.shots))
    return 1 if checks.failures else 0


class Watch:
    """Calls fn every few seconds in a thread of its own, and notes when it first holds."""

    def __init__(self, fn, every):
        self.start, self.at = time.monotonic(), None
        self.done = threading.Event()

        def loop():
            while not self.done.is_set():
                try:
                    if fn():
                        self.at = time.monotonic() - self.start
                        self.done.set()
                        return
                except (urllib.error.URLError, OSError):
                    pass
                self.done.wait(every)
        threading.Thread(target=loop, daemon=True).start()

    def wait(self, timeout):
        """Seconds from the start to when fn held, or None after timeout seconds in all."""
        self.done.wait(max(0, timeout - (time.monotonic() - self.start)))
        self.done.set()
        return self.at


def hub_log_has(hub, text):
    with open(hub.log_path, errors="replace") as f:
        return text in f.read()


def hub_stopped(hub, learners):
    return [l.name for l in learners if not hub.server(l.name).get("ready")]


if __name__ == "__main__":
    sys.exit(main())
