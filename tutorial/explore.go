package tutorial

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
	"github.com/janpfeifer/gonb/gonbui/comms"
	"github.com/janpfeifer/gonb/gonbui/widgets"
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

// ExploreLearningRate shows what the learning rate does to training: run
// returns the loss of one batch before each of a few steps of training with
// a given rate (in chapter 8, runSteps with the article's optimizer at that
// rate). In a live page a slider picks the rate, from 0.0001 to 3, and the
// figure draws its curve beside the article's 0.01; the cell keeps running
// until Done (see livePage). Without a live page, it draws the curves of
// 0.001, 0.01 and 1 and returns.
func ExploreLearningRate(run func(rate float64) []float64) {
	live := probePage()
	r := &rateLosses{run: run, losses: map[float64][]float64{}}
	reference := 4 // 0.01, the article's
	r.of(exploredRates[reference])
	if !<-live {
		fmt.Fprintln(stdout, "No live page (the notebook runs without a browser): here are three learning rates; in JupyterLab, a slider picks any of ten.")
		Show(rateFigure(r, stillRates))
		return
	}
	page := newLivePage("rates", `<div class="fw-controls" id="{{ID}}-controls"><span id="{{ID}}-rate"></span></div><div id="{{ID}}-view"></div>`+
		`<div class="fw-note">Move the slider to pick a learning rate, from 0.0001 to 3: each new rate takes a second or two to train. `+
		keepsRunning+`</div>`, true)
	controls := page.id + "-controls"
	var moves *comms.AddressChan[int]
	ok := page.await(func() {
		moves = listen[int](widgets.Slider(0, len(exploredRates)-1, reference).AppendTo(controls).Done().Address())
		page.doneButton(controls)
	})
	rate := exploredRates[reference]
	draw := func() {
		rates := []float64{exploredRates[reference]}
		if rate != exploredRates[reference] {
			rates = append(rates, rate)
		}
		f, err := rateFigure(r, rates)
		if err != nil {
			return
		}
		png, err := pngOf(f)
		if err != nil {
			return
		}
		page.set(map[string]string{
			"rate": fmt.Sprintf(`<b data-rate="%g">%s</b>`, rate, rateName(rate)),
			"view": pngImg(png, "step losses"),
		})
	}
	if ok {
		draw()
	loop:
		for {
			select {
			case pos := <-moves.C:
				rate = exploredRates[max(0, min(pos, len(exploredRates)-1))]
				draw()
			case <-page.ended:
				break loop
			}
		}
	}
	page.finish("The learning-rate explorer")
	Show(rateFigure(r, []float64{exploredRates[reference], rate}))
}
