// The drawing pad's script (tutorial/drawpad.go), started by the loader (page.js) once
// the page program is ready: the pad records the pen's path, stroke by stroke, and
// hands the whole drawing to the program after each stroke (api.strokes: a JSON list
// of strokes, each a flat list x0, y0, x1, y1, ... in pad pixels); Clear empties it; a
// picture file goes to the program as bytes (api.file). The view's data-ms says how
// long the last answer took, from the end of the stroke to the new bars.
const pad = el.querySelector('[data-part="pad"]');
const view = el.querySelector('[data-part="view"]');
const ctx = pad.getContext("2d");
let strokes = [], current = null, asked = 0;

new MutationObserver(() => {
  if (asked) {
    view.dataset.ms = (performance.now() - asked).toFixed(1);
    asked = 0;
  }
}).observe(view, { childList: true });
const ask = (call) => {
  asked = performance.now();
  call();
};

function paintBackground() {
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, pad.width, pad.height);
  ctx.strokeStyle = "#000";
  ctx.fillStyle = "#000";
  ctx.lineWidth = cfg.pen;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
}
paintBackground();

function point(e) {
  const r = pad.getBoundingClientRect();
  return [Math.round((e.clientX - r.left) * pad.width / r.width),
          Math.round((e.clientY - r.top) * pad.height / r.height)];
}
pad.addEventListener("pointerdown", (e) => {
  e.preventDefault();
  pad.setPointerCapture(e.pointerId);
  const [x, y] = point(e);
  current = [x, y];
  ctx.beginPath();
  ctx.arc(x, y, cfg.pen / 2, 0, 2 * Math.PI);
  ctx.fill();
});
pad.addEventListener("pointermove", (e) => {
  if (current === null) {
    return;
  }
  e.preventDefault();
  const [x, y] = point(e);
  const n = current.length;
  if (x === current[n - 2] && y === current[n - 1]) {
    return;
  }
  ctx.beginPath();
  ctx.moveTo(current[n - 2], current[n - 1]);
  ctx.lineTo(x, y);
  ctx.stroke();
  current.push(x, y);
});
function endStroke() {
  if (current === null) {
    return;
  }
  strokes.push(current);
  current = null;
  ask(() => api.strokes(JSON.stringify(strokes)));
}
pad.addEventListener("pointerup", endStroke);
pad.addEventListener("pointercancel", endStroke);

el.querySelector('[data-part="clear"]').addEventListener("click", () => {
  strokes = [];
  current = null;
  paintBackground();
  ask(() => api.strokes("[]"));
});

const file = el.querySelector('[data-part="file"]');
file.addEventListener("change", async () => {
  const f = file.files[0];
  if (f) {
    // The program refuses files over its limit, with a message: read no more of them.
    const data = new Uint8Array(await f.slice(0, cfg.maxBytes + 1).arrayBuffer());
    ask(() => api.file(data));
  }
});
