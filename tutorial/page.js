// The page side of every widget of the tutorial (tutorial/page.go): it sets
// the HTML the program sends, tells the program when the widget's output
// leaves the page, and beats while it is there.
const comm = globalThis.gonb_comm;
if (!comm) {
  console.error("fashion-gomlx: GoNB's connection (gonb_comm) is missing: the widget will not answer.");
  return;
}
const el = document.getElementById(root);
comm.subscribe(prefix + "/html", (address, parts) => {
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
    comm.send(prefix + "/gone", 1);
    return;
  }
  beats++;
  if (beats % cfg.beat === 0) {
    comm.send(prefix + "/alive", beats);
  }
}, 1000);
comm.subscribe(prefix + "/ended", () => clearInterval(timer));
