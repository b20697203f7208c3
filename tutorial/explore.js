// The learning-rate explorer's script (tutorial/explore.go): the slider shows the
// figure the cell computed for the rate it picks (choices: rate, name, png).
const slider = el.querySelector('[data-part="slider"]');
const rate = el.querySelector('[data-part="rate"]');
const view = el.querySelector('[data-part="view"]');
slider.addEventListener("input", () => {
  const c = choices[+slider.value];
  rate.textContent = c.name;
  rate.dataset.rate = String(c.rate);
  view.src = c.png;
});
