package viz

import (
	"fmt"
	"image/color"
)

// ClassAccuracy draws the accuracy of each true class as bars, from a
// confusion matrix, with the overall accuracy as a dashed line: which
// garments the model confuses most.
type ClassAccuracy struct {
	// Title is drawn above the chart; empty for none.
	Title string
	// Counts is a confusion matrix; see ConfusionCounts.
	Counts [][]int
	// ClassNames name the classes, by label.
	ClassNames []string
}

// Figure checks the chart and returns its picture.
func (a ClassAccuracy) Figure() (*Figure, error) {
	if err := checkCounts(a.Counts, a.ClassNames); err != nil {
		return nil, err
	}
	perClass, overall, err := Accuracies(a.Counts)
	if err != nil {
		return nil, err
	}
	colors := make([]color.Color, len(perClass))
	for i := range colors {
		colors[i] = seriesColor(0)
	}
	xLabel := fmt.Sprintf("accuracy: share of the class predicted right (dashed line: overall, %.4f)", overall)
	n := float64(len(perClass))
	p, err := classBars(a.ClassNames, perClass, colors, xLabel, vLine(overall, -0.5, n-0.5, dashed(textColor)))
	if err != nil {
		return nil, err
	}
	return plotsFigure(a.Title, plotWidth, classBarsHeight(len(perClass)), p)
}
