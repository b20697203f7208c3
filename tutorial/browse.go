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
	kept := []int{} // not nil: nil means "not known yet" to the browser
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

// browser is the state of the test-set browser: the test split, the
// model's probabilities for its images (computed as they are needed, and
// all of them in the background), the images the filter keeps, and the
// position of the slider among them.
type browser struct {
	split   *fashionmnist.Split
	labels  []int
	predict func(from, to int) ([][]float32, error)
	probs   [][]float32 // nil until computed
	answers []int       // -1 until computed
	known   int         // the images with an answer
	filter  int
	kept    []int // nil: the filter needs answers not all known yet
	pos     int
}

// newBrowser starts on all images, at image 0; predict gives the model's
// probabilities for images from to to-1 of the split.
func newBrowser(split *fashionmnist.Split, predict func(from, to int) ([][]float32, error)) *browser {
	b := &browser{split: split, labels: split.Labels(), predict: predict}
	b.probs = make([][]float32, split.Len())
	b.answers = make([]int, split.Len())
	for i := range b.answers {
		b.answers[i] = -1
	}
	b.kept, _ = filterImages(b.labels, b.answers, filterAll)
	return b
}

// record keeps the probabilities of images from to from+len(probs)-1.
func (b *browser) record(from int, probs [][]float32) {
	for k, p := range probs {
		if i := from + k; b.probs[i] == nil {
			b.probs[i], b.answers[i] = p, fashion.ArgMax(p)
			b.known++
		}
	}
	if b.kept == nil && b.known == len(b.answers) {
		b.kept, _ = filterImages(b.labels, b.answers, b.filter)
	}
}

// probabilities returns the model's probabilities for image i, computing
// them when they are not known yet.
func (b *browser) probabilities(i int) ([]float32, error) {
	if b.probs[i] == nil {
		p, err := b.predict(i, i+1)
		if err != nil {
			return nil, err
		}
		b.record(i, p)
	}
	return b.probs[i], nil
}

// setFilter keeps the images of a filter and goes back to the first one.
// Only the mistakes needs every answer: until they are all known, it keeps
// nothing (kept is nil).
func (b *browser) setFilter(filter int) error {
	if filter == filterMistakes && b.known < len(b.answers) {
		if _, err := filterImages(b.labels, b.answers, filter); err != nil {
			return err
		}
		b.filter, b.kept, b.pos = filter, nil, 0
		return nil
	}
	kept, err := filterImages(b.labels, b.answers, filter)
	if err != nil {
		return err
	}
	b.filter, b.kept, b.pos = filter, kept, 0
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

// last is the slider's last position.
func (b *browser) last() int { return max(0, len(b.kept)-1) }

// view returns the HTML of the current image: the picture, its true class,
// the model's answer and the ten probabilities.
func (b *browser) view() string {
	if b.kept == nil {
		return fmt.Sprintf(`<div class="fw-answer-line" data-image="-1">The model has answered %s of the %s test images so far: `+
			`the mistakes show once it has answered them all.</div>`, num.Thousands(b.known), num.Thousands(len(b.answers)))
	}
	i := b.image()
	if i < 0 {
		return `<div class="fw-answer-line" data-image="-1">The model makes no mistake of this kind: nothing to show.</div>`
	}
	probs, err := b.probabilities(i)
	if err != nil {
		return errorLine(fmt.Sprintf("test image %d: %v", i, err))
	}
	label, answer := b.labels[i], b.answers[i]
	verdict := "right"
	if answer != label {
		verdict = "wrong"
	}
	names := fashionmnist.ClassNames[:]
	return fmt.Sprintf(`<div class="fw-row">%s<div><div class="fw-answer-line" data-image="%d" data-label="%s" data-answer="%s">`+
		`Test image %d (%s of %s shown), true class %s. The model says %s (%.0f%%): %s.</div>%s</div></div>`,
		pixelsImg(b.split.Image(i), 6, fmt.Sprintf("test image %d", i)), i, html.EscapeString(names[label]), html.EscapeString(names[answer]),
		i, num.Thousands(b.pos+1), num.Thousands(len(b.kept)), html.EscapeString(names[label]), html.EscapeString(names[answer]),
		100*probs[answer], verdict, probabilityBars(probs, names, label))
}

// browseHTML is the browser's live part: the slider, the filter, a line on
// the answers computed in the background, and the view.
func browseHTML(images int) string {
	var options strings.Builder
	for i, c := range filterChoices() {
		fmt.Fprintf(&options, `<option value="%d">%s</option>`, i, html.EscapeString(c))
	}
	return fmt.Sprintf(`<div class="fw-controls"><input type="range" min="0" max="%d" value="0" step="1" data-part="slider" aria-label="test image">`+
		`<select data-part="filter">%s</select><span class="fw-note" data-part="progress"></span></div><div data-part="view"></div>`+
		`<div class="fw-note">Move the slider (or click it and use the arrow keys) to go through the test images; `+
		`the menu keeps only the mistakes, or one class. The model runs in this page: it answers with the kernel stopped too.</div>`,
		images-1, options.String())
}

//go:embed browse.js
var browseJS string
