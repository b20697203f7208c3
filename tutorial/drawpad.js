// DrawGarment's page script (tutorial/drawpad.go): the pad records the pen's
// path, stroke by stroke, and sends the whole drawing to the program after
// each stroke (a JSON list of strokes, each a flat list x0, y0, x1, y1, ...
// in pad pixels); Clear empties it; a picture file goes to the program
// base64-encoded.
const pad = document.getElementById(root + "-pad");
const ctx = pad.getContext("2d");
let strokes = [], current = null;

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
function endStroke(e) {
  if (current === null) {
    return;
  }
  strokes.push(current);
  current = null;
  send(prefix + "/strokes", JSON.stringify(strokes));
}
pad.addEventListener("pointerup", endStroke);
pad.addEventListener("pointercancel", endStroke);

document.getElementById(root + "-clear").addEventListener("click", () => {
  strokes = [];
  current = null;
  paintBackground();
  send(prefix + "/strokes", "[]");
});

const file = document.getElementById(root + "-file");
file.addEventListener("change", () => {
  const f = file.files[0];
  if (!f) {
    return;
  }
  const view = document.getElementById(root + "-view");
  if (f.size > cfg.maxBytes) {
    view.innerHTML = '<div class="fw-answer-line" data-answer="" data-error="1">' +
      "That file is larger than " + (cfg.maxBytes >> 20) + " MB: pick a smaller picture.</div>";
    return;
  }
  const reader = new FileReader();
  reader.onload = () => {
    const url = String(reader.result);
    send(prefix + "/file", url.slice(url.indexOf(",") + 1));
  };
  reader.readAsDataURL(f);
});
