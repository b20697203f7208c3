package viz

import (
	"math"

	"gonum.org/v1/plot/plotter"
)

// ClassCounts counts the labels of each class in [0, numClasses): the
// series of one partition for ClassDistribution.
func ClassCounts(name string, labels []int, numClasses int) (Series, error) {
	if numClasses <= 0 {
		return Series{}, errorf("class counts: %d classes", numClasses)
	}
	if len(labels) == 0 {
		return Series{}, errorf("class counts of %q: no labels", name)
	}
	if err := checkLabels("labels", labels, numClasses); err != nil {
		return Series{}, err
	}
	counts := make([]float64, numClasses)
	for _, l := range labels {
		counts[l]++
	}
	return Series{Name: name, Values: counts}, nil
}

// ClassDistribution draws the number of images of each class in each
// partition (training, validation, test) as grouped bars.
type ClassDistribution struct {
	// Title is drawn above the chart; empty for none.
	Title string
	// ClassNames name the classes, by label.
	ClassNames []string
	// Counts has one series per partition with one count per class; see
	// ClassCounts.
	Counts []Series
}

// Figure checks the chart and returns its picture.
func (d ClassDistribution) Figure() (*Figure, error) {
	if err := checkClassNames(d.ClassNames); err != nil {
		return nil, err
	}
	if err := checkSeries("class counts", d.Counts, len(d.ClassNames)); err != nil {
		return nil, err
	}
	top := 0.0
	for _, s := range d.Counts {
		for _, v := range s.Values {
			if v < 0 {
				return nil, errorf("class counts %q: negative count %v", s.Name, v)
			}
			top = max(top, v)
		}
	}
	if err := checkSpan("class counts", 0, top*1.18); err != nil {
		return nil, err
	}
	p := newPlot("", "", "images")
	p.Y.Tick.Marker = niceTicks{max: 8, whole: true}
	p.X.Padding = 0                             // bars stand on the axis
	p.Y.Min, p.Y.Max = 0, math.Max(1, top*1.18) // headroom for the legend
	p.Add(gridLines(true, false))
	p.X.Min, p.X.Max = -0.5, float64(len(d.ClassNames))-0.5
	fp := fitPlot(p, plotWidth, plotHeight) // for the room around the bars
	slot := (plotWidth - 2*margin - fp.left - fp.right) / float64(len(d.ClassNames))
	barW := slot * 0.8 / float64(len(d.Counts))
	pad := p.Y.Padding
	p.NominalX(wrapNames(d.ClassNames, slot-8)...)
	p.Y.Padding = pad // NominalX pads for a name at the axis; the X range has room
	for i, s := range d.Counts {
		bars, err := plotter.NewBarChart(plotter.Values(s.Values), px(barW))
		if err != nil {
			return nil, errorf("class counts %q: %v", s.Name, err)
		}
		bars.Color = seriesColor(i)
		bars.LineStyle.Width = 0
		bars.Offset = px((float64(i) - float64(len(d.Counts)-1)/2) * barW)
		p.Add(bars)
		p.Legend.Add(s.Name, bars)
	}
	p.Legend.Top = true
	return plotsFigure(d.Title, plotWidth, plotHeight, p)
}
