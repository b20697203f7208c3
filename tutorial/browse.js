// The test-set browser's script (tutorial/browse.go), started by the loader (page.js)
// once the page program is ready: the slider and the menu tell the program where to
// go (api.move, api.filter); the program sets the slider's range when the filter
// changes.
const slider = el.querySelector('[data-part="slider"]');
slider.addEventListener("input", () => api.move(+slider.value));
const filter = el.querySelector('[data-part="filter"]');
filter.addEventListener("change", () => api.filter(+filter.value));
// The arrow keys (and Page Up/Down) move the slider the learner clicked, by this
// script, in the window's capture phase: JupyterLab's keyboard shortcuts (in command
// mode, ArrowLeft/ArrowRight move between headings) otherwise take the keys before the
// slider sees them.
const steps = {ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 100, PageDown: -100};
const onKey = (e) => {
  if (!slider.isConnected) {
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
  }
};
window.addEventListener("keydown", onKey, true);
