package viz

import (
	"math"
	"slices"

	"gonum.org/v1/plot/plotter"
)

// Sample returns n points (x, f(x)) evenly spaced from from to to, both
// included: a way to draw a function, such as a learning-rate schedule,
// with LearningRateSchedule.
func Sample(f func(x float64) float64, from, to float64, n int) (xs, ys []float64, err error) {
	if f == nil {
		return nil, nil, errorf("sample: nil function")
	}
	if n < 2 {
		return nil, nil, errorf("sample: %d points, want at least 2", n)
	}
	if err := checkFinite("sample range", []float64{from, to}); err != nil {
		return nil, nil, err
	}
	xs, ys = make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i] = from + (to-from)*float64(i)/float64(n-1)
		ys[i] = f(xs[i])
	}
	return xs, ys, nil
}

// LearningRateSchedule draws a learning rate against the number of
// updates so far, from points computed by the caller (with Sample, for
// instance): for Keras' time-based decay, lr(t) = lr0 / (1 + decay*t).
type LearningRateSchedule struct {
	// Title is drawn above the chart; empty for none.
	Title string
	// Updates and Rates are the points, as many of each.
	Updates, Rates []float64
	// XLabel labels the horizontal axis; empty means "update t".
	XLabel string
	// FromZero starts the vertical axis at 0, to show how small a change
	// is; otherwise the axis spans the rates.
	FromZero bool
}

// Figure checks the schedule and returns its picture.
func (s LearningRateSchedule) Figure() (*Figure, error) {
	if len(s.Updates) == 0 {
		return nil, errorf("learning-rate schedule: no points")
	}
	if err := checkLen("rates", len(s.Rates), len(s.Updates), "updates"); err != nil {
		return nil, err
	}
	if err := checkFinite("updates", s.Updates); err != nil {
		return nil, err
	}
	if err := checkFinite("rates", s.Rates); err != nil {
		return nil, err
	}
	xLabel := s.XLabel
	if xLabel == "" {
		xLabel = "update t"
	}
	p := newPlot("", xLabel, "learning rate")
	p.Add(gridLines(true, true))
	xys := make(plotter.XYs, len(s.Updates))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range xys {
		xys[i] = plotter.XY{X: s.Updates[i], Y: s.Rates[i]}
		lo, hi = min(lo, s.Rates[i]), max(hi, s.Rates[i])
	}
	line, err := plotter.NewLine(xys)
	if err != nil {
		return nil, errorf("learning-rate schedule: %v", err)
	}
	line.Color, line.Width = seriesColor(0), px(2)
	p.Add(line)
	if s.FromZero {
		lo = min(lo, 0)
	}
	if err := checkSpan("rates", lo, hi); err != nil {
		return nil, err
	}
	if err := checkSpan("updates", slices.Min(s.Updates), slices.Max(s.Updates)); err != nil {
		return nil, err
	}
	if hi-lo < 1e-15 {
		lo, hi = lo-max(math.Abs(lo)*0.1, 1e-6), hi+max(math.Abs(hi)*0.1, 1e-6)
	}
	pad := (hi - lo) * 0.05
	p.Y.Min, p.Y.Max = lo-pad, hi+pad
	if s.FromZero {
		p.Y.Min = lo
	}
	p.X.Tick.Marker = niceTicks{max: 8}
	p.Y.Tick.Marker = niceTicks{max: 8}
	return plotsFigure(s.Title, plotWidth, plotHeight-60, p)
}
