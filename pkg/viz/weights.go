package viz

import (
	"fmt"
	"image/color"
	"math"

	"github.com/fashion-gomlx/fashion-gomlx/internal/num"
	"gonum.org/v1/plot/plotter"
)

// defaultBins is the number of bins of a histogram that does not say.
const defaultBins = 60

// WeightHistogram draws how the weights of a layer are spread, one or more
// sets overlaid on shared bins (before and after training, say), with the
// limits of their Glorot (Xavier) uniform initialisation.
type WeightHistogram struct {
	// Title is drawn above the chart; empty for none.
	Title string
	// Weights has one series per set, such as "initial" and "trained".
	Weights []Series
	// Limit is the Glorot limit sqrt(6 / (fan_in + fan_out)); dashed lines
	// mark -Limit and +Limit. 0 draws none.
	Limit float64
	// Bins is the number of bins; 0 means 60.
	Bins int
}

// Figure checks the histogram and returns its picture.
func (wh WeightHistogram) Figure() (*Figure, error) {
	if err := checkSeries("weights", wh.Weights, -1); err != nil {
		return nil, err
	}
	if math.IsNaN(wh.Limit) || math.IsInf(wh.Limit, 0) || wh.Limit < 0 {
		return nil, errorf("weight histogram: Glorot limit %v, want a finite number >= 0", wh.Limit)
	}
	if wh.Bins < 0 {
		return nil, errorf("weight histogram: %d bins", wh.Bins)
	}
	bins := wh.Bins
	if bins == 0 {
		bins = defaultBins
	}
	lo, hi := -wh.Limit, wh.Limit
	for _, s := range wh.Weights {
		for _, v := range s.Values {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if err := checkSpan("weights", lo, hi); err != nil {
		return nil, err
	}
	if hi-lo < 1e-12 {
		lo, hi = lo-0.5, hi+0.5
	}
	p := newPlot("", "weight value", "number of weights")
	p.Add(gridLines(true, false))
	width := (hi - lo) / float64(bins)
	top := 0.0
	for i, s := range wh.Weights {
		h := &plotter.Histogram{Bins: histogramBins(s.Values, lo, width, bins), Width: width, FillColor: translucent(seriesColor(i))}
		h.LineStyle.Width = 0
		for _, b := range h.Bins {
			top = max(top, b.Weight)
		}
		p.Add(h)
		p.Legend.Add(fmt.Sprintf("%s (%s weights)", s.Name, num.Thousands(len(s.Values))), h)
	}
	if wh.Limit > 0 {
		for _, x := range []float64{-wh.Limit, wh.Limit} {
			p.Add(vLine(x, 0, top*1.25, dashed(textColor)))
		}
		p.Legend.Add(fmt.Sprintf("Glorot limits ±%.4g", wh.Limit), vLine(0, 0, 0, dashed(textColor)))
	}
	p.Y.Min, p.Y.Max = 0, top*1.25 // headroom for the legend
	p.Y.Tick.Marker = niceTicks{max: 10, whole: true}
	p.X.Tick.Marker = niceTicks{max: 9}
	p.Legend.Top = true
	p.Add(legendBackdrop{})
	return plotsFigure(wh.Title, plotWidth, plotHeight-40, p)
}

// histogramBins counts values into n bins of the given width from lo; the
// last bin takes the values on its upper edge. gonum's plotter.NewHist
// bins each set over its own smallest to largest value, so sets overlaid
// would have bins of different widths and places; bins shared by all sets
// are counted here and handed to plotter.Histogram.
func histogramBins(values []float64, lo, width float64, n int) []plotter.HistogramBin {
	bins := make([]plotter.HistogramBin, n)
	for i := range bins {
		bins[i].Min = lo + float64(i)*width
		bins[i].Max = lo + float64(i+1)*width
	}
	for _, v := range values {
		i := min(max(int((v-lo)/width), 0), n-1)
		bins[i].Weight++
	}
	return bins
}

// translucent returns clr at 55% opacity, so overlaid sets show through.
func translucent(clr color.Color) color.Color {
	r, g, b, _ := clr.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 140}
}
