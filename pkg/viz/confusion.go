package viz

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// ConfusionCounts counts the samples of each true class (row) predicted as
// each class (column): counts[t][p] samples of class t were predicted as
// p. The counts add up to len(labels).
func ConfusionCounts(labels, predicted []int, numClasses int) ([][]int, error) {
	if numClasses <= 0 {
		return nil, errorf("confusion counts: %d classes", numClasses)
	}
	if len(labels) == 0 {
		return nil, errorf("confusion counts: no samples")
	}
	if err := checkLen("predictions", len(predicted), len(labels), "labels"); err != nil {
		return nil, err
	}
	if err := checkLabels("labels", labels, numClasses); err != nil {
		return nil, err
	}
	if err := checkLabels("predicted", predicted, numClasses); err != nil {
		return nil, err
	}
	counts := make([][]int, numClasses)
	for i := range counts {
		counts[i] = make([]int, numClasses)
	}
	for i, t := range labels {
		counts[t][predicted[i]]++
	}
	return counts, nil
}

// checkCounts reports a confusion matrix that is empty, not square, not
// as big as names or has a negative count.
func checkCounts(counts [][]int, names []string) error {
	if err := checkClassNames(names); err != nil {
		return err
	}
	if err := checkLen("confusion matrix rows", len(counts), len(names), "class names"); err != nil {
		return err
	}
	for t, row := range counts {
		if err := checkLen(fmt.Sprintf("counts in confusion matrix row %d", t), len(row), len(names), "classes"); err != nil {
			return err
		}
		for p, n := range row {
			if n < 0 {
				return errorf("confusion matrix count [%d][%d] is negative (%d)", t, p, n)
			}
		}
	}
	return nil
}

// confusionCell returns the size of a cell of a confusion matrix of n
// classes, in figure pixels: 60 for ten classes, smaller for many.
func confusionCell(n int) float64 { return math.Round(max(20, min(60, 600/float64(n)))) }

// ConfusionMatrix draws a confusion matrix: true classes down, predicted
// classes across (gonum's nominal axes), each cell with its count and
// coloured by it (a gonum heat map, with its colour bar).
type ConfusionMatrix struct {
	// Title is drawn above the matrix; empty for none.
	Title string
	// Counts[t][p] is the number of samples of class t predicted as p;
	// see ConfusionCounts.
	Counts [][]int
	// ClassNames name the classes, by label.
	ClassNames []string
	// Palette colours the counts from 0 to the largest; nil means
	// ColorBrewer's blues (palette/brewer), white to dark blue.
	Palette palette.Palette
}

// Figure checks the matrix and returns its picture.
func (m ConfusionMatrix) Figure() (*Figure, error) {
	if err := checkCounts(m.Counts, m.ClassNames); err != nil {
		return nil, err
	}
	if err := checkPalette(m.Palette); err != nil {
		return nil, err
	}
	colors := blues()
	if m.Palette != nil {
		colors = m.Palette.Colors()
	}
	n := len(m.ClassNames)
	top := 1
	for _, row := range m.Counts {
		for _, v := range row {
			top = max(top, v)
		}
	}
	labels := plotter.XYLabels{XYs: make(plotter.XYs, 0, n*n)}
	var styles []draw.TextStyle
	for t, row := range m.Counts {
		for p, v := range row {
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(p), Y: float64(t)})
			labels.Labels = append(labels.Labels, strconv.Itoa(v))
			textClr := contrastText(heatColor(colors, float64(v), 0, float64(top)))
			if v == 0 {
				textClr = mutedColor // the many empty cells recede
			}
			styles = append(styles, textStyle(tickSize, textClr, draw.XCenter, draw.YCenter))
		}
	}
	p := newPlot("", "predicted class", "true class")
	p.Add(heatMap(countsGrid(m.Counts), colors, 0, float64(top)))
	counts, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, errorf("confusion matrix: %v", err)
	}
	counts.TextStyle = styles
	p.Add(counts)
	cell := confusionCell(n)
	p.NominalX(wrapNames(m.ClassNames, cell-4)...)
	p.NominalY(m.ClassNames...)
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	p.X.Padding, p.Y.Padding = 0, 0
	side := cell * float64(n)
	return colorBarFigure(m.Title, fitPlot(p, side, side), colors, 0, float64(top), "samples", niceTicks{max: 7, whole: true})
}

// Accuracies returns the accuracy of each true class (the share of its
// samples predicted right; NaN for a class without samples) and the
// overall accuracy, from a confusion matrix.
func Accuracies(counts [][]int) (perClass []float64, overall float64, err error) {
	if len(counts) == 0 {
		return nil, 0, errorf("accuracies: empty confusion matrix")
	}
	var right, total int
	perClass = make([]float64, len(counts))
	for t, row := range counts {
		if len(row) != len(counts) {
			return nil, 0, errorf("accuracies: confusion matrix row %d has %d counts, want %d", t, len(row), len(counts))
		}
		n := 0
		for p, v := range row {
			if v < 0 {
				return nil, 0, errorf("accuracies: confusion matrix count [%d][%d] is negative (%d)", t, p, v)
			}
			n += v
		}
		perClass[t] = math.NaN()
		if n > 0 {
			perClass[t] = float64(row[t]) / float64(n)
		}
		right, total = right+row[t], total+n
	}
	if total == 0 {
		return nil, 0, errorf("accuracies: confusion matrix has no samples")
	}
	return perClass, float64(right) / float64(total), nil
}

// countsGrid is a confusion matrix as the plotter.GridXYZ of a heat map:
// predicted class p at X = p, true class t at Y = t.
type countsGrid [][]int

// Dims implements plotter.GridXYZ.
func (g countsGrid) Dims() (c, r int) { return len(g), len(g) }

// Z implements plotter.GridXYZ.
func (g countsGrid) Z(c, r int) float64 { return float64(g[r][c]) }

// X implements plotter.GridXYZ.
func (countsGrid) X(c int) float64 { return float64(c) }

// Y implements plotter.GridXYZ.
func (countsGrid) Y(r int) float64 { return float64(r) }
