// BrowseTestSet's page script (tutorial/browse.go): when the filter changes,
// the program sends the new last position of the slider, which goes back to 0.
const slider = document.getElementById(cfg.slider);
subscribe(prefix + "/max", (address, max) => {
  if (slider) {
    slider.max = max;
    slider.value = 0;
    slider.setAttribute("value", "0");
  }
});
// The arrow keys (and Page Up/Down) move the slider the learner clicked, by
// this script, in the window's capture phase: JupyterLab's keyboard
// shortcuts (in command mode, ArrowLeft/ArrowRight move between headings)
// otherwise take the keys before the slider sees them.
const steps = {ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 100, PageDown: -100};
const onKey = (e) => {
  if (!slider || !slider.isConnected) {
    window.removeEventListener("keydown", onKey, true);
    return;
  }
  if (e.target !== slider || !(e.key in steps)) {
    return;
  }
  e.preventDefault();
  e.stopPropagation();
  const value = Math.max(+slider.min, Math.min(+slider.max, +slider.value + steps[e.key]));
  if (value !== +slider.value) {
    slider.value = value;
    slider.dispatchEvent(new Event("input", {bubbles: true}));
    slider.dispatchEvent(new Event("change", {bubbles: true}));
  }
};
window.addEventListener("keydown", onKey, true);
