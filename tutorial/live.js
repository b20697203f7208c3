// The page side of the Stop button of the training curves (tutorial/page.go): it sets
// the HTML the program sends, tells the program when the widget's output
// leaves the page, and beats while it is there.
const el = document.getElementById(root);
subscribe(prefix + "/html", (address, parts) => {
  for (const [id, html] of Object.entries(parts)) {
    const target = document.getElementById(id);
    if (target) {
      target.innerHTML = html;
    }
  }
});
let beats = 0;
const timer = setInterval(() => {
  if (!el || !el.isConnected) {
    clearInterval(timer);
    send(prefix + "/gone", 1);
    return;
  }
  beats++;
  if (beats % cfg.beat === 0) {
    send(prefix + "/alive", beats);
  }
}, 1000);
subscribe(prefix + "/ended", () => clearInterval(timer));
