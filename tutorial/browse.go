package tutorial

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/png"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/internal/num"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
	"github.com/janpfeifer/gonb/gonbui/comms"
	"github.com/janpfeifer/gonb/gonbui/widgets"
)

// Chapter 10: browsing the test set with a slider.

// The choices of the browser's filter, before one per class.
const (
	filterAll = iota
	filterMistakes
	filterFirstClass // filterFirstClass + c keeps the images of class c
)

// filterChoices names the browser's filters, in the order of their values.
func filterChoices() []string {
	choices := []string{"all test images", "only the mistakes"}
	for _, name := range fashionmnist.ClassNames {
		choices = append(choices, "only "+name)
	}
	return choices
}

// filterImages returns, in order, the indices of the images a filter keeps:
// all of them, those whose predicted class is not their label, or those of
// one (true) class.
func filterImages(labels, predicted []int, filter int) ([]int, error) {
	if len(labels) != len(predicted) {
		return nil, fmt.Errorf("%d labels for %d predictions", len(labels), len(predicted))
	}
	if filter < 0 || filter >= filterFirstClass+fashionmnist.NumClasses {
		return nil, fmt.Errorf("no filter %d", filter)
	}
	var kept []int
	for i, y := range labels {
		switch {
		case filter == filterAll,
			filter == filterMistakes && predicted[i] != y,
			filter >= filterFirstClass && y == filter-filterFirstClass:
			kept = append(kept, i)
		}
	}
	return kept, nil
}

// pixelsImg returns an <img> of a 28x28 picture, drawn large with its
// pixels sharp, as the model sees it.
func pixelsImg(img *image.Gray, scale int, alt string) string {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return html.EscapeString(err.Error())
	}
	size := img.Bounds().Dx() * scale
	return fmt.Sprintf(`<img class="fw-pixels" width="%d" height="%d" alt="%s" src="data:image/png;base64,%s">`,
		size, size, html.EscapeString(alt), base64.StdEncoding.EncodeToString(b.Bytes()))
}

// probabilityBars returns the ten probabilities as HTML bars, the most
// probable class marked (red when label, if not negative, says it is
// wrong). Each bar carries its class and value in data- attributes, for
// tests.
func probabilityBars(probs []float32, names []string, label int) string {
	best := fashion.ArgMax(probs)
	var b strings.Builder
	b.WriteString(`<div class="fw-bars">`)
	for c, p := range probs {
		class := "fw-bar"
		if c == best {
			class += " fw-answer"
			if label >= 0 && label != best {
				class += " fw-wrong"
			}
		}
		fmt.Fprintf(&b, `<div class="%s" data-class="%s" data-p="%.4f"><span class="fw-name">%s</span>`+
			`<span class="fw-track"><div class="fw-fill" style="width:%.1f%%"></div></span><span class="fw-value">%.3f</span></div>`,
			class, html.EscapeString(names[c]), p, html.EscapeString(names[c]), 100*p, p)
	}
	b.WriteString(`</div>`)
	return b.String()
}

// browser is the state of BrowseTestSet: the predictions, the images the
// filter keeps, and the position of the slider among them.
type browser struct {
	p      *fashion.Predictions
	labels []int
	kept   []int
	pos    int
}

// newBrowser starts on all images, at image 0.
func newBrowser(p *fashion.Predictions) *browser {
	b := &browser{p: p, labels: p.Split.Labels()}
	b.kept, _ = filterImages(b.labels, p.Classes, filterAll)
	return b
}

// setFilter keeps the images of a filter and goes back to the first one.
func (b *browser) setFilter(filter int) error {
	kept, err := filterImages(b.labels, b.p.Classes, filter)
	if err != nil {
		return err
	}
	b.kept, b.pos = kept, 0
	return nil
}

// move goes to a position among the kept images (clamped).
func (b *browser) move(pos int) { b.pos = max(0, min(pos, len(b.kept)-1)) }

// image returns the test image at the current position, or -1 when the
// filter keeps none.
func (b *browser) image() int {
	if len(b.kept) == 0 {
		return -1
	}
	return b.kept[b.pos]
}

// view returns the HTML of the current image: the picture, its true class,
// the model's answer and the ten probabilities.
func (b *browser) view() string {
	i := b.image()
	if i < 0 {
		return `<div class="fw-answer-line" data-image="-1">The model makes no mistake of this kind: nothing to show.</div>`
	}
	label, answer := b.labels[i], b.p.Classes[i]
	verdict := "right"
	if answer != label {
		verdict = "wrong"
	}
	names := fashionmnist.ClassNames[:]
	return fmt.Sprintf(`<div class="fw-row">%s<div><div class="fw-answer-line" data-image="%d" data-label="%s" data-answer="%s">`+
		`Test image %d (%s of %s shown), true class %s. The model says %s (%.0f%%): %s.</div>%s</div></div>`,
		pixelsImg(b.p.Split.Image(i), 6, fmt.Sprintf("test image %d", i)), i, html.EscapeString(names[label]), html.EscapeString(names[answer]),
		i, num.Thousands(b.pos+1), num.Thousands(len(b.kept)), html.EscapeString(names[label]), html.EscapeString(names[answer]),
		100*b.p.Confidence[i], verdict, probabilityBars(b.p.Probabilities[i], names, label))
}

//go:embed browse.js
var browseJS string

// BrowseTestSet shows the test images one at a time with a slider: the
// picture, its true class, the model's ten probabilities and its answer; a
// menu keeps all images, only the mistakes, or the images of one class.
// The cell keeps running while the learner uses it, until Done (see
// livePage for the other ways it ends); then it shows the image it was on
// as a still picture. Without a live page (nbconvert), it shows test image 0
// that way and returns.
func BrowseTestSet(m *fashion.Model, d *fashionmnist.Data) {
	if !<-probePage() {
		fmt.Fprintln(stdout, "No live page (the notebook runs without a browser): here is test image 0; in JupyterLab, a slider shows any of them.")
		first := Must(d.Test.Slice("test", 0, 1))
		Show(figures.Probabilities(Must(m.PredictAll(first)), 0))
		return
	}
	b := newBrowser(predictTest(m, d))
	page := newLivePage("browse", `<div class="fw-controls" id="{{ID}}-controls"></div><div id="{{ID}}-view"></div>`+
		`<div class="fw-note">Move the slider (or click it and use the arrow keys) to go through the test images; `+
		`the menu keeps only the mistakes, or one class. `+keepsRunning+`</div>`, true)
	controls := page.id + "-controls"
	var moves, filters *comms.AddressChan[int]
	if page.await(func() {
		slider := widgets.Slider(0, len(b.kept)-1, 0).AppendTo(controls).Done()
		filter := widgets.Select(filterChoices()).AppendTo(controls).Done()
		page.doneButton(controls)
		moves, filters = listen[int](slider.Address()), listen[int](filter.Address())
		page.script(browseJS, map[string]string{"slider": slider.HtmlId()})
	}) {
		page.set(map[string]string{"view": b.view()})
	loop:
		for {
			select {
			case pos := <-moves.C:
				b.move(pos)
			case f := <-filters.C:
				if err := b.setFilter(f); err != nil {
					continue
				}
				page.send("max", fmt.Sprint(max(0, len(b.kept)-1)))
			case <-page.ended:
				break loop
			}
			page.set(map[string]string{"view": b.view()})
		}
	}
	page.finish("The test-set browser")
	if i := b.image(); i >= 0 {
		Show(figures.Probabilities(b.p, i))
	}
}
