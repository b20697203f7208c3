package tutorial

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
	"github.com/janpfeifer/gonb/gonbui"
)

// Chapter 8: exploring the learning rate.

// exploredRates are the learning rates the explorer's slider goes through,
// on a logarithmic scale around the article's 0.01.
var exploredRates = []float64{0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3}

// stillRates are the rates the still picture shows: too small, the
// article's, too large.
var stillRates = []float64{0.001, 0.01, 1}

// rateLosses computes and remembers the step losses of each learning rate.
type rateLosses struct {
	run    func(rate float64) []float64
	losses map[float64][]float64
}

// of returns the losses for a rate, running them the first time.
func (r *rateLosses) of(rate float64) []float64 {
	if l, ok := r.losses[rate]; ok {
		return l
	}
	l := r.run(rate)
	r.losses[rate] = l
	return l
}

// rateName names a learning rate in a legend.
func rateName(rate float64) string { return "η = " + strconv.FormatFloat(rate, 'g', -1, 64) }

// explodedLoss is the loss above which the explorer's curves stop: four
// times the loss of an even guess over ten classes (ln 10), far above
// anything a training that works goes through.
var explodedLoss = 4 * math.Log(10)

// rateFigure draws the step losses of some rates, one curve each. A curve
// stops where its loss exploded (above explodedLoss, NaN or infinite), and
// the title says so: the chart keeps the scale of the losses that did not.
func rateFigure(r *rateLosses, rates []float64) (*viz.Figure, error) {
	panel := viz.Panel{Title: "The loss of one batch, step after step", YLabel: "loss"}
	var exploded []string
	for _, rate := range rates {
		losses := r.of(rate)
		shown := losses
		for i, l := range losses {
			if math.IsNaN(l) || l > explodedLoss {
				shown = losses[:i]
				exploded = append(exploded, rateName(rate))
				break
			}
		}
		panel.Series = append(panel.Series, viz.Series{Name: rateName(rate), Values: shown})
	}
	if len(exploded) > 0 {
		panel.Title += fmt.Sprintf(" (exploded: %s)", strings.Join(exploded, ", "))
	}
	return viz.TrainingCurves{Panels: []viz.Panel{panel}, XLabel: "step"}.Figure()
}

//go:embed explore.js
var exploreJS string

// ExploreLearningRate shows what the learning rate does to training: run
// returns the loss of one batch before each of a few steps of training with
// a given rate (in chapter 8, the learner's own step function at that
// rate). In a notebook, the cell runs it at each of ten rates, from 0.0001 to
// 3, draws each curve beside the article's 0.01, and returns; in the page, a
// slider picks the rate whose figure shows (the figures are in the output:
// the slider works without the kernel, and in the saved notebook). Without
// a live page (FASHION_NO_PAGE=1), it draws the curves of 0.001, 0.01 and 1.
func ExploreLearningRate(run func(rate float64) []float64) {
	r := &rateLosses{run: run, losses: map[float64][]float64{}}
	reference := 4 // 0.01, the article's
	r.of(exploredRates[reference])
	if !pageWanted() {
		fmt.Fprintln(stdout, "No live page (the notebook runs without a browser): here are three learning rates; in JupyterLab, a slider picks any of ten.")
		Show(rateFigure(r, stillRates))
		return
	}
	gonbui.DisplayHTML(Must(explorerHTML(r, reference)))
	gonbui.Sync()
}

// explorerHTML returns the explorer's output: the figure of each explored
// rate beside the reference's, the slider on the reference, and the script
// that shows the figure of the rate the slider picks.
func explorerHTML(r *rateLosses, reference int) (string, error) {
	type choice struct {
		Rate float64 `json:"rate"`
		Name string  `json:"name"`
		PNG  string  `json:"png"`
	}
	choices := make([]choice, len(exploredRates))
	for i, rate := range exploredRates {
		rates := []float64{exploredRates[reference]}
		if i != reference {
			rates = append(rates, rate)
		}
		f, err := rateFigure(r, rates)
		if err != nil {
			return "", err
		}
		png, err := pngOf(f)
		if err != nil {
			return "", err
		}
		choices[i] = choice{rate, rateName(rate), "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)}
	}
	data, err := json.Marshal(choices)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(`<div class="fw" data-widget="rates">%s<div class="fw-controls">`+
		`<input type="range" min="0" max="%d" value="%d" step="1" data-part="slider" aria-label="learning rate">`+
		`<b data-part="rate" data-rate="%g">%s</b></div><img data-part="view" alt="step losses" src="%s">`+
		`<div class="fw-note">Move the slider to pick a learning rate, from 0.0001 to 3: the figure shows its loss, step after step, `+
		`beside the loss at 0.01. The cell computed them all; the page only switches between them.</div>`+
		"<script>(() => {\nconst el = document.currentScript.parentElement, choices = %s;\n%s\n})();</script></div>",
		widgetCSS, len(exploredRates)-1, reference, exploredRates[reference], html.EscapeString(rateName(exploredRates[reference])),
		choices[reference].PNG, data, exploreJS), nil
}
