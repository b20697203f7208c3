//go:build !js

package tutorial

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
	"github.com/janpfeifer/gonb/gonbui"
)

// Chapter 10 (and 13): the widgets that live in the page, as their cells
// run in the kernel. The cell loads the model, writes the files the page
// loads (pagefiles.go), shows the widget and returns at once; the widget
// then runs in the page (widgets_js.go), with the model of the saved
// directory, until the page is closed, whatever becomes of the kernel.
// Without a live page (nbconvert, FASHION_NO_PAGE=1) the cell shows still
// pictures, and writes nothing.

// DrawGarment shows a drawing pad for the model saved in dir, built from
// its model function fn: draw with the mouse (or a finger), and after each
// stroke the model reads the drawing, prepared as `fashion predict --image`
// prepares a picture (fashionmnist.PreparePicture: grey, inverted to light
// on black, trimmed, scaled into 28x28 and centred); the pad shows that
// 28x28 picture beside the model's ten probabilities. A button loads a
// picture file from the learner's computer, read the same way. The model
// runs in the page, compiled with the cell's code: the cell holds the call
// only. Without a live page it shows what the model reads in drawings made
// in code (sampleDrawings).
func DrawGarment(fn fashion.ModelFn, dir string) {
	m := widgetModel(fn, dir)
	r, names := reader{m}, m.ClassNames()
	if !pageWanted() {
		fmt.Fprintln(stdout, "No live page (the notebook runs without a browser): here are drawings made in code; in JupyterLab, you draw them.")
		for _, s := range sampleDrawings {
			prepared, probs, err := r.readDrawing(s.strokes)
			check(err)
			ShowPicture(s.name, prepared, probs, names)
		}
		return
	}
	still := Must(padStill(r, names))
	start := time.Now()
	cfg, err := writePageFiles(m, nil)
	cfg.Pen, cfg.MaxBytes = padPen, maxUploadBytes
	showPageWidget("drawpad", "The drawing pad", padHTML(), still, cfg, err, drawpadJS, time.Since(start))
}

// BrowseTestSet shows the test images one at a time with a slider, for
// the model saved in dir, built from its model function fn: the picture,
// its true class, the model's ten probabilities and its answer; a menu
// keeps all images, only the mistakes, or the images of one class. The
// model runs in the page, compiled with the cell's code: the cell holds the
// call only. Without a live page it shows test image 0.
func BrowseTestSet(fn fashion.ModelFn, dir string) {
	m, d := widgetModel(fn, dir), LoadData()
	if !pageWanted() {
		fmt.Fprintln(stdout, "No live page (the notebook runs without a browser): here is test image 0; in JupyterLab, a slider shows any of them.")
		first := Must(d.Test.Slice("test", 0, 1))
		Show(figures.Probabilities(Must(m.PredictAll(first)), 0))
		return
	}
	b := newBrowser(d.Test, func(from, to int) ([][]float32, error) { return m.PredictSplit(d.Test, from, to) })
	start := time.Now()
	cfg, err := writePageFiles(m, d.Test)
	showPageWidget("browse", "The test-set browser", browseHTML(d.Test.Len()), b.view(), cfg, err, browseJS, time.Since(start))
}

// widgetModel loads the model saved in dir, built from fn: for ModelDir,
// as the chapters do (TrainedModelOf).
func widgetModel(fn fashion.ModelFn, dir string) *fashion.Model {
	if dir == ModelDir {
		return TrainedModelOf(fn)
	}
	m, err := savedmodel.Load(backend(), dir, fn)
	if err != nil {
		check(fmt.Errorf("%w (a model loads with the model function it was trained from)", err))
	}
	return m
}

// writePageFiles writes the files the widget loads into the widgets'
// folder: the page program, the weights of m, and, when test is not nil,
// the test split.
func writePageFiles(m *fashion.Model, test *fashionmnist.Split) (pageConfig, error) {
	f := pageFiles{dir: pageFilesDir}
	var cfg pageConfig
	err := f.prepare()
	if err == nil {
		cfg.Program, err = f.program()
	}
	if err == nil {
		cfg.Weights, err = f.weights(m)
	}
	if err == nil && test != nil {
		cfg.TestSet, err = f.testSet(test)
	}
	f.prune()
	return cfg, err
}

//go:embed page.js
var pageJS string

// stillNote heads a widget whose script has not run: in the rendered
// notebook, or one opened again without trust (JupyterLab runs the
// scripts of a notebook's outputs only when it trusts it, and otherwise
// removes them, with hidden attributes and <style>, from the HTML: the live
// part is hidden by its style attribute, which stays).
const stillNote = `The widget comes alive when the page runs its script: in JupyterLab, run its cell (or trust the notebook). Meanwhile, a still picture:`

// showPageWidget shows a widget that lives in the page: live is the HTML of
// its live part, still that of its still picture, cfg the files its page
// program loads, script its own script (drawpad.js, browse.js). When the
// files could not be written (err), it shows the still picture with why.
// The widget's data-files-ms says how long writing the files took.
func showPageWidget(kind, name, live, still string, cfg pageConfig, err error, script string, took time.Duration) {
	if err != nil {
		gonbui.DisplayHTML(fmt.Sprintf(`%s<div class="fw" data-widget="%s"><div class="fw-status" data-state="error">%s</div><div class="fw-still">%s</div></div>`,
			widgetCSS, kind, html.EscapeString(fmt.Sprintf("%s cannot run in the page (%v). Here is a still picture.", name, err)), still))
		gonbui.Sync()
		return
	}
	config, _ := json.Marshal(cfg)
	gonbui.DisplayHTML(fmt.Sprintf(`<div class="fw" data-widget="%s" data-files-ms="%d">%s<div class="fw-files" hidden src="%s/README.md"></div>`+
		`<div class="fw-status" data-state="still">%s</div><div class="fw-live" style="display:none">%s</div><div class="fw-still">%s</div>`+
		"<script>(() => {\nconst el = document.currentScript.parentElement, cfg = %s;\nconst widget = (el, api) => {\n%s\n};\n%s\n})();</script></div>",
		kind, took.Milliseconds(), widgetCSS, pageFilesDir, stillNote, live, still, config, script, pageJS))
	gonbui.Sync()
}
