package viz

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
)

// defaultViewScale is the number of figure pixels per image pixel of an
// ImageView that does not say: a 28x28 picture shows as 448x448.
const defaultViewScale = 16

// ImageView draws one picture large, as a gonum heat map (plotter.HeatMap)
// with row and column numbers and a gonum colour bar (plotter.ColorBar) of
// its values: the article's look at one training image
// before and after scaling pixels to [0, 1].
type ImageView struct {
	// Title is drawn above the picture; empty for none.
	Title string
	// Image holds the values and their range; see NewRaster and
	// GrayRaster.
	Image Raster
	// ValueLabel labels the colour bar; empty means "pixel value".
	ValueLabel string
	// Scale is the number of figure pixels per image pixel; 0 means 16.
	Scale int
	// Palette colours the values from Image.Min to Image.Max; nil means
	// Grayscale (black to white).
	Palette palette.Palette
}

// Figure checks the view and returns its picture.
func (v ImageView) Figure() (*Figure, error) {
	if err := v.Image.check(); err != nil {
		return nil, err
	}
	if err := checkPalette(v.Palette); err != nil {
		return nil, err
	}
	if v.Scale < 0 {
		return nil, errorf("image view: scale %d", v.Scale)
	}
	scale := v.Scale
	if scale == 0 {
		scale = defaultViewScale
	}
	label := v.ValueLabel
	if label == "" {
		label = "pixel value"
	}
	colors := colorsOf(v.Palette)
	r := v.Image
	p := newPlot("", "column", "row")
	p.Add(heatMap(rasterGrid(r), colors, r.Min, r.Max))
	p.X.Tick.Marker = niceTicks{max: 8, whole: true}
	p.Y.Tick.Marker = niceTicks{max: 8, whole: true}
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	p.X.Padding, p.Y.Padding = 0, 0
	return colorBarFigure(v.Title, fitPlot(p, float64(r.Width*scale), float64(r.Height*scale)), colors, r.Min, r.Max, label, niceTicks{max: 7})
}
