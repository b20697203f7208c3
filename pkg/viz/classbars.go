package viz

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// classBars returns a plot of one horizontal bar per class, the first
// class at the top, for values in [0, 1] (probabilities, accuracies), each
// written at the end of its bar: inside a long bar, after a short one. A
// NaN value has no bar and reads "n/a". The plotters under are drawn
// beneath the bars.
func classBars(names []string, values []float64, colors []color.Color, xLabel string, under ...plot.Plotter) (*plot.Plot, error) {
	p := newPlot("", xLabel, "")
	p.Add(gridLines(false, true))
	p.Add(under...)
	p.NominalY(names...)
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	p.Y.Min, p.Y.Max = -0.5, float64(len(values))-0.5
	p.X.Min, p.X.Max = 0, 1.1 // room for values after the bars
	p.X.Tick.Marker = niceTicks{max: 7}
	p.Y.Padding = 0
	labels := plotter.XYLabels{XYs: make(plotter.XYs, len(values)), Labels: make([]string, len(values))}
	styles := make([]draw.TextStyle, len(values))
	for i, v := range values {
		labels.XYs[i] = plotter.XY{X: 0, Y: float64(i)}
		styles[i] = textStyle(tickSize, textColor, draw.XLeft, draw.YCenter)
		switch {
		case math.IsNaN(v):
			labels.Labels[i] = " n/a"
			continue
		case v > 0 && v < 0.005:
			labels.Labels[i] = " <0.01"
		case v >= 0.2:
			labels.Labels[i] = fmt.Sprintf("%.2f ", v)
			styles[i] = textStyle(tickSize, contrastText(colors[i]), draw.XRight, draw.YCenter)
		default:
			labels.Labels[i] = fmt.Sprintf(" %.2f", v)
		}
		labels.XYs[i].X = v
		bar, err := plotter.NewBarChart(plotter.Values{v}, px(20))
		if err != nil {
			return nil, errorf("bar of %q: %v", names[i], err)
		}
		bar.Horizontal, bar.XMin, bar.Color = true, float64(i), colors[i]
		bar.LineStyle.Width = 0
		p.Add(bar)
	}
	written, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, errorf("bar values: %v", err)
	}
	written.TextStyle = styles
	p.Add(written)
	return p, nil
}

// classBarsHeight is the height of a figure of n class bars, in figure
// pixels.
func classBarsHeight(n int) float64 { return 60 + 32*float64(n) }
