package viz

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// TrainingCurves draws metrics per epoch (loss and accuracy for training
// and validation, as TensorBoard shows them), one panel per metric side
// by side, with the best epoch of early stopping marked. It draws any
// number of epochs from one on, so a notebook can redraw it after each
// epoch.
type TrainingCurves struct {
	// Title is drawn above the panels; empty for none.
	Title string
	// Panels are drawn left to right; see HistoryPanels.
	Panels []Panel
	// BestEpoch, counted from 1, is marked by a dashed line in every
	// panel; 0 marks none.
	BestEpoch int
	// BestLabel names the marked epoch in the legend; empty means "best
	// epoch (N)".
	BestLabel string
	// XLabel labels the horizontal axis, what value i+1 counts; empty
	// means "epoch".
	XLabel string
}

// Panel is one chart of TrainingCurves: series sharing a Y axis, value i
// of each being for epoch i+1.
type Panel struct {
	// Title is drawn above the panel, such as "loss".
	Title string
	// YLabel labels the vertical axis; empty for none.
	YLabel string
	// Series are the curves, such as "training" and "validation".
	Series []Series
}

// HistoryPanels groups a Keras-style history, metric name to values per
// epoch, into one panel per metric: "loss" with series "training" (from
// "loss") and "validation" (from "val_loss"), then "accuracy", then any
// other metric in alphabetical order.
func HistoryPanels(history map[string][]float64) []Panel {
	const valPrefix = "val_"
	var metrics []string
	seen := map[string]bool{}
	for k := range history {
		m := strings.TrimPrefix(k, valPrefix)
		if !seen[m] {
			seen[m] = true
			metrics = append(metrics, m)
		}
	}
	rank := func(m string) int {
		switch m {
		case "loss":
			return 0
		case "accuracy":
			return 1
		}
		return 2
	}
	sort.Slice(metrics, func(i, j int) bool {
		ri, rj := rank(metrics[i]), rank(metrics[j])
		return ri < rj || ri == rj && metrics[i] < metrics[j]
	})
	panels := make([]Panel, 0, len(metrics))
	for _, m := range metrics {
		p := Panel{Title: m, YLabel: m}
		if v, ok := history[m]; ok {
			p.Series = append(p.Series, Series{Name: "training", Values: v})
		}
		if v, ok := history[valPrefix+m]; ok {
			p.Series = append(p.Series, Series{Name: "validation", Values: v})
		}
		panels = append(panels, p)
	}
	return panels
}

// Figure checks the curves and returns their picture.
func (tc TrainingCurves) Figure() (*Figure, error) {
	if len(tc.Panels) == 0 {
		return nil, errorf("training curves: no panels")
	}
	epochs := 0
	for _, p := range tc.Panels {
		if err := checkSeries("series", p.Series, -1); err != nil {
			return nil, fmt.Errorf("%w (panel %q)", err, p.Title)
		}
		for _, s := range p.Series {
			epochs = max(epochs, len(s.Values))
		}
	}
	if tc.BestEpoch < 0 || tc.BestEpoch > epochs {
		return nil, errorf("training curves: best epoch %d is not in [1, %d]", tc.BestEpoch, epochs)
	}
	plots := make([]*plot.Plot, len(tc.Panels))
	for i, panel := range tc.Panels {
		p, err := tc.panelPlot(panel, epochs)
		if err != nil {
			return nil, err
		}
		plots[i] = p
	}
	w, h := plotWidth, plotHeight
	if len(plots) > 1 {
		w, h = 1000, 460
	}
	return plotsFigure(tc.Title, w, h, plots...)
}

// panelPlot returns the plot of one panel over epochs 1 to epochs.
func (tc TrainingCurves) panelPlot(panel Panel, epochs int) (*plot.Plot, error) {
	xLabel := tc.XLabel
	if xLabel == "" {
		xLabel = "epoch"
	}
	p := newPlot(panel.Title, xLabel, panel.YLabel)
	p.Add(gridLines(true, true))
	p.X.Min, p.X.Max = 1, float64(max(epochs, 2))
	p.X.Tick.Marker = niceTicks{max: 12, whole: true}
	lo, hi := math.Inf(1), math.Inf(-1)
	last := 0.0
	for i, s := range panel.Series {
		xys := make(plotter.XYs, len(s.Values))
		for j, v := range s.Values {
			xys[j] = plotter.XY{X: float64(j + 1), Y: v}
			lo, hi = min(lo, v), max(hi, v)
		}
		last += s.Values[len(s.Values)-1] / float64(len(panel.Series))
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, errorf("training curves: series %q: %v", s.Name, err)
		}
		line.Color, line.Width = seriesColor(i), px(2)
		points.Color, points.Shape, points.Radius = seriesColor(i), draw.CircleGlyph{}, px(3)
		p.Add(line, points)
		p.Legend.Add(s.Name, line, points)
	}
	if hi-lo < 1e-12 { // one epoch, or a flat curve: give it some room
		d := max(math.Abs(lo)*0.1, 0.01)
		lo, hi = lo-d, hi+d
	}
	if err := checkSpan("values of panel "+quote(panel.Title), lo, hi); err != nil {
		return nil, err
	}
	pad := (hi - lo) * 0.05
	p.Y.Min, p.Y.Max = lo-pad, hi+pad
	p.Y.Tick.Marker = niceTicks{max: 9}
	if tc.BestEpoch > 0 {
		best := vLine(float64(tc.BestEpoch), p.Y.Min, p.Y.Max, dashed(frameColor))
		p.Add(best)
		label := tc.BestLabel
		if label == "" {
			label = fmt.Sprintf("best epoch (%d)", tc.BestEpoch)
		}
		p.Legend.Add(label, best)
	}
	// The legend goes where the curves are not at the end: over falling
	// curves (loss), under rising ones (accuracy).
	p.Legend.Top = last < (lo+hi)/2
	p.Add(legendBackdrop{})
	p.Legend.XOffs, p.Legend.YOffs = px(-4), px(4)
	if p.Legend.Top {
		p.Legend.YOffs = -p.Legend.YOffs
	}
	return p, nil
}
