package tutorial

import (
	"fmt"
	"syscall/js"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/internal/num"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// The widgets in the page: what DrawGarment and BrowseTestSet do in the page
// program (widgets_kernel.go has what they do in the kernel). The program
// runs until the page is closed.

// DrawGarment runs the drawing pad in the page: after each stroke the model
// reads the drawing, prepared by fashionmnist.PreparePicture, and the view
// shows that 28x28 picture and the model's ten probabilities.
func DrawGarment(fn fashion.ModelFn, _ string) {
	w, m, ok := startPageModel(fn)
	if !ok {
		return
	}
	r, names := reader{m}, m.ClassNames()
	drawings, files := make(chan string, 1), make(chan []byte, 1)
	w.on("strokes", func(v js.Value) { offer(drawings, v.String()) })
	w.on("file", func(v js.Value) {
		data := make([]byte, v.Get("length").Int())
		js.CopyBytesToGo(data, v)
		offer(files, data)
	})
	// A first reading, before the learner's: GoMLX compiles the model's graph
	// for one image, and the browser its hottest code.
	padReading(r, names, sampleStrokes)
	w.ready()
	for {
		select {
		case text := <-drawings:
			start := time.Now()
			view := padReading(r, names, text)
			w.part("view").Call("setAttribute", "data-compute-ms", fmt.Sprintf("%.1f", time.Since(start).Seconds()*1000))
			w.set(map[string]string{"view": view})
		case data := <-files:
			w.set(map[string]string{"view": padPicture(r, names, data)})
		}
	}
}

// answersBatch is how many test images the browser's model answers at a
// time in the background: a batch holds the page's thread for some tens of
// milliseconds.
const answersBatch = 20

// BrowseTestSet runs the test-set browser in the page: the model answers
// the image the slider shows at once, and all the test images in the
// background, for the filter of mistakes.
func BrowseTestSet(fn fashion.ModelFn, _ string) {
	w, m, ok := startPageModel(fn)
	if !ok {
		return
	}
	data, err := w.fetch(w.cfg.TestSet)
	var split *fashionmnist.Split
	if err == nil {
		n := len(data) / (1 + fashionmnist.ImagePixels)
		split, err = fashionmnist.NewSplit("test", data[n:], data[:n])
	}
	if err != nil {
		w.fail(fmt.Errorf("reading the test images: %w", err))
		return
	}
	b := newBrowser(split, func(from, to int) ([][]float32, error) { return m.PredictSplit(split, from, to) })
	moves, filters := make(chan int, 1), make(chan int, 1)
	w.on("move", func(v js.Value) { offer(moves, v.Int()) })
	w.on("filter", func(v js.Value) { offer(filters, v.Int()) })
	type batch struct {
		from  int
		probs [][]float32
		err   error
	}
	answers := make(chan batch)
	go func() {
		for from := 0; from < split.Len(); from += answersBatch {
			probs, err := m.PredictSplit(split, from, min(from+answersBatch, split.Len()))
			answers <- batch{from, probs, err}
			if err != nil {
				return
			}
			time.Sleep(time.Millisecond) // the page's turn: its events, its drawing
		}
	}()
	slider := w.part("slider")
	show := func() { w.set(map[string]string{"view": b.view()}) }
	w.ready()
	show()
	for {
		select {
		case pos := <-moves:
			b.move(pos)
			show()
		case f := <-filters:
			if b.setFilter(f) == nil {
				slider.Set("max", b.last())
				slider.Set("value", 0)
				show()
			}
		case a := <-answers:
			if a.err != nil {
				w.set(map[string]string{"progress": errorLine("the model's answers: " + a.err.Error())})
				continue
			}
			pending := b.kept == nil
			b.record(a.from, a.probs)
			progress := fmt.Sprintf("the model has answered %s of %s images", num.Thousands(b.known), num.Thousands(split.Len()))
			if b.known == split.Len() {
				progress = fmt.Sprintf("the model has answered all %s images", num.Thousands(split.Len()))
			}
			w.set(map[string]string{"progress": progress})
			if pending && b.kept != nil { // the mistakes are known now
				slider.Set("max", b.last())
				show()
			}
		}
	}
}

// startPageModel finds the widget and loads its model; it says on the
// widget's status line what went wrong, if anything.
func startPageModel(fn fashion.ModelFn) (*pageWidget, *fashion.Model, bool) {
	w, err := startPageWidget()
	if err != nil {
		js.Global().Get("console").Call("error", err.Error())
		return nil, nil, false
	}
	m, err := w.model(fn)
	if err != nil {
		w.fail(fmt.Errorf("loading the model: %w", err))
		return nil, nil, false
	}
	return w, m, true
}
