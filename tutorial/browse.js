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
