// The loader of a widget that lives in the page (tutorial/pagefiles.go). It runs
// where the widget's output is shown with its script: in JupyterLab during the run
// and when the saved notebook is opened again, or in a page exported to HTML. It
// finds the widget's files (widgets/ beside the notebook), loads Go's support
// (wasm_exec.js) and the page program, the cell's own code compiled to WebAssembly,
// and starts it with the widget's configuration (cfg: the files' names, in
// $FASHION_WIDGET); the program loads the model and calls el.fwReady, which shows
// the live part. What goes wrong is said on the widget's status line, and the
// still picture stays.
//
// Given: el, the widget's element; cfg; widget(el, api), the widget's own script,
// started once the program is ready, with api, the functions the program exposes.
const status = el.querySelector(".fw-status");
const say = (state, text) => {
  status.dataset.state = state;
  status.textContent = text;
};
const started = performance.now();
let fetched = 0;
el.id = "fw-" + Math.random().toString(36).slice(2); // unique, even with the notebook opened twice

// base resolves to the URL of widgets/README.md. In JupyterLab, the output's relative
// src attributes are rewritten to the server's file URLs (/files/<folder>/...) after
// the scripts ran: wait for that. In a plain page (an exported notebook), they stay
// relative to the page.
const base = async () => {
  const files = el.querySelector(".fw-files");
  const absolute = () => /^(\/|[a-z]+:)/i.test(files.getAttribute("src") || "");
  if (document.getElementById("jupyter-config-data")) {
    for (let i = 0; i < 100 && !absolute(); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return new URL(files.getAttribute("src"), document.baseURI);
};

const fileURL = (root, name) => {
  const u = new URL(name, root);
  u.search = root.search; // JupyterLab's _xsrf, where it adds one
  return u;
};

// open fetches one of the widget's files, decompressing .gz files as they arrive.
const open = async (root, name) => {
  const r = await fetch(fileURL(root, name), { credentials: "same-origin" });
  if (!r.ok) {
    throw new Error(r.status === 404
      ? "its files are gone (" + name + " is not in the widgets folder): run the cell again"
      : "fetching " + name + ": HTTP " + r.status);
  }
  fetched += Number(r.headers.get("Content-Length") || 0);
  return name.endsWith(".gz") ? new Response(r.body.pipeThrough(new DecompressionStream("gzip"))) : r;
};

// Go's support script, once per page and URL.
const loadScript = (url) => {
  const scripts = (globalThis.fashionGoScripts ??= {});
  return (scripts[url] ??= new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = url;
    s.onload = resolve;
    s.onerror = () => reject(new Error("cannot load " + url.pathname));
    document.head.appendChild(s);
  }));
};

(async () => {
  if (typeof WebAssembly !== "object" || typeof DecompressionStream !== "function") {
    say("error", "This browser cannot run the widget (it lacks WebAssembly or DecompressionStream): " +
      "what you see is a still picture. A recent Chrome, Edge, Firefox or Safari runs it.");
    return;
  }
  say("loading", "Loading the model into the page…");
  const root = await base();
  await loadScript(fileURL(root, cfg.program + "/wasm_exec.js"));
  const go = new globalThis.Go();
  go.argv = ["page"];
  go.env = { FASHION_WIDGET: JSON.stringify({ ...cfg, root: el.id }) };
  el.fwFetch = async (name) => new Uint8Array(await (await open(root, name)).arrayBuffer());
  el.fwSay = say;
  el.fwReady = (api) => {
    el.querySelector(".fw-live").style.display = "";
    el.querySelector(".fw-still").style.display = "none";
    el.dataset.loadMs = Math.round(performance.now() - started);
    el.dataset.bytes = fetched;
    say("ready", "");
    widget(el, api);
  };
  const program = await open(root, cfg.program + "/page.wasm.gz");
  const wasm = new Response(program.body, { headers: { "Content-Type": "application/wasm" } });
  const { instance } = await WebAssembly.instantiateStreaming(wasm, go.importObject);
  await go.run(instance);
  if (status.dataset.state !== "error") {
    say("error", "The page program ended: the widget no longer answers (the browser's console may say why).");
  }
})().catch((e) => say("error", "The widget could not start: " + (e && e.message ? e.message : e) +
  ". What you see is a still picture."));
