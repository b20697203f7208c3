package viz

import (
	"fmt"
	"image"
	"image/color"

	"github.com/fashion-gomlx/fashion-gomlx/internal/num"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// PredictionGrid draws pictures with the class the model predicted under
// each: in green when right; in red, with the true class, when wrong.
type PredictionGrid struct {
	// Title is drawn above the grid; empty for none.
	Title string
	// Images are the pictures, Predicted their predicted classes and
	// Labels their true classes, as many of each. Labels may be nil when
	// the truth is unknown: captions are then black.
	Images            []*image.Gray
	Predicted, Labels []int
	// ClassNames name the classes, by label.
	ClassNames []string
	// Cols, Scale and Palette are as in ImageGrid.
	Cols, Scale int
	Palette     palette.Palette
}

// checkPredictions reports predictions that do not fit their images or
// classes; labels may be nil.
func checkPredictions(images []*image.Gray, predicted, labels []int, classNames []string) error {
	if err := checkImages(images); err != nil {
		return err
	}
	if err := checkClassNames(classNames); err != nil {
		return err
	}
	if err := checkLen("predictions", len(predicted), len(images), "images"); err != nil {
		return err
	}
	if err := checkLabels("predicted", predicted, len(classNames)); err != nil {
		return err
	}
	if labels == nil {
		return nil
	}
	if err := checkLen("labels", len(labels), len(images), "images"); err != nil {
		return err
	}
	return checkLabels("labels", labels, len(classNames))
}

// Figure checks the grid and returns its picture.
func (g PredictionGrid) Figure() (*Figure, error) {
	if err := checkPredictions(g.Images, g.Predicted, g.Labels, g.ClassNames); err != nil {
		return nil, err
	}
	grid := ImageGrid{Title: g.Title, Images: g.Images, Cols: g.Cols, Scale: g.Scale, Palette: g.Palette,
		Captions: make([]string, len(g.Images)), CaptionColors: make([]color.Color, len(g.Images))}
	for i, pred := range g.Predicted {
		label := -1
		if g.Labels != nil {
			label = g.Labels[i]
		}
		grid.Captions[i], grid.CaptionColors[i] = predictionCaption(pred, label, g.ClassNames)
	}
	return grid.Figure()
}

// predictionCaption returns the caption of a picture predicted as class
// pred whose true class is label (-1 when unknown), and its colour.
func predictionCaption(pred, label int, names []string) (string, color.Color) {
	switch {
	case label < 0:
		return names[pred], textColor
	case label == pred:
		return names[pred], rightColor
	default:
		return fmt.Sprintf("%s\n(true: %s)", names[pred], names[label]), wrongColor
	}
}

// ProbabilityChart draws the probability the model gives each class for
// one picture, as bars: the predicted class (the most probable) in red
// when wrong, the true class in green; optionally the picture beside it.
type ProbabilityChart struct {
	// Title is drawn above the chart; empty means one naming the
	// prediction and the truth.
	Title string
	// Probabilities has one probability per class.
	Probabilities []float64
	// ClassNames name the classes, by label.
	ClassNames []string
	// Label is the true class; -1 when unknown.
	Label int
	// Image, when not nil, is drawn left of the bars at 8 figure pixels
	// per image pixel (true grey scale).
	Image *image.Gray
}

// probabilityImageScale is the scale of the picture of a ProbabilityChart.
const probabilityImageScale = 8

// Figure checks the chart and returns its picture.
func (pc ProbabilityChart) Figure() (*Figure, error) {
	if err := checkClassNames(pc.ClassNames); err != nil {
		return nil, err
	}
	probs := pc.Probabilities
	if err := checkLen("probabilities", len(probs), len(pc.ClassNames), "classes"); err != nil {
		return nil, err
	}
	if err := checkFinite("probabilities", probs); err != nil {
		return nil, err
	}
	for i, v := range probs {
		if v < 0 || v > 1+1e-6 {
			return nil, errorf("probabilities[%d] = %v is not in [0, 1]", i, v)
		}
	}
	if pc.Label < -1 || pc.Label >= len(pc.ClassNames) {
		return nil, errorf("label %d is not a class in [0, %d) nor -1 (unknown)", pc.Label, len(pc.ClassNames))
	}
	if pc.Image != nil && pc.Image.Bounds().Empty() {
		return nil, errorf("probability chart: image has no pixels")
	}
	pred := num.ArgMax(probs)
	title := pc.Title
	if title == "" {
		title = fmt.Sprintf("Predicted %s (p=%.2f)", pc.ClassNames[pred], probs[pred])
		if pc.Label >= 0 {
			title += ", true " + pc.ClassNames[pc.Label]
		}
	}
	p, err := pc.barsPlot(pred)
	if err != nil {
		return nil, err
	}
	height := classBarsHeight(len(probs))
	if pc.Image == nil {
		return plotsFigure(title, plotWidth, height, p)
	}
	b := pc.Image.Bounds()
	imgW, imgH := float64(b.Dx()*probabilityImageScale), float64(b.Dy()*probabilityImageScale)
	titleH := titleHeight(title)
	height = max(height, 2*margin+titleH+imgH)
	colors := colorsOf(nil)
	return newFigure(plotWidth, height, func(c draw.Canvas) {
		drawTitle(inset(c, margin), title)
		r := box(c, margin, margin+titleH, imgW, imgH)
		drawPicture(c, r, pc.Image, colors)
		strokeFrame(c, r, frameColor)
		plotArea := box(c, margin+imgW+panelGap, margin+titleH, plotWidth-imgW-panelGap-2*margin, height-titleH-2*margin)
		p.Draw(sub(c, plotArea))
	}, p)
}

// barsPlot returns the bars of the chart, pred being the predicted class.
func (pc ProbabilityChart) barsPlot(pred int) (*plot.Plot, error) {
	colors := make([]color.Color, len(pc.Probabilities))
	for i := range colors {
		colors[i] = mutedColor
	}
	switch pc.Label {
	case -1:
		colors[pred] = seriesColor(0)
	case pred:
		colors[pred] = rightColor
	default:
		colors[pred] = wrongColor
		colors[pc.Label] = rightColor
	}
	p, err := classBars(pc.ClassNames, pc.Probabilities, colors, "probability")
	if err != nil {
		return nil, err
	}
	pc.addLegend(p, pred, colors)
	return p, nil
}

// addLegend explains the colours of the bars, away from the longest bar.
func (pc ProbabilityChart) addLegend(p *plot.Plot, pred int, colors []color.Color) {
	entry := func(name string, clr color.Color) {
		p.Legend.Add(name, &plotter.BarChart{Color: clr})
	}
	switch pc.Label {
	case -1:
		entry("predicted class", colors[pred])
	case pred:
		entry("predicted = true class", colors[pred])
	default:
		entry("predicted class (wrong)", colors[pred])
		entry("true class", colors[pc.Label])
	}
	p.Legend.Top = pred >= len(pc.Probabilities)/2
	p.Add(legendBackdrop{})
}
