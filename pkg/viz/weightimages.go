package viz

import (
	"fmt"
	"image"
	"math"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// WeightImages draws the weights into units of a layer whose inputs are a
// picture's pixels (the first dense layer of an MLP), one picture per unit
// laid out as the input pictures are: what each unit looks for. Each is a
// gonum heat map; all share a diverging palette centred on 0 and one
// gonum colour bar.
type WeightImages struct {
	// Title is drawn above the pictures; empty for none.
	Title string
	// Weights has one slice per unit, of Width*Height weights, row by row:
	// Weights[u][y*Width+x] connects pixel (x, y) to unit u.
	Weights [][]float64
	// Width and Height are the size of the input pictures in pixels.
	Width, Height int
	// Captions has one caption per unit, or is nil for "unit 0", "unit 1",
	// ...
	Captions []string
	// Cols and Scale are as in ImageGrid.
	Cols, Scale int
	// Palette colours the weights from -m (its first colour) through 0 to
	// +m, m being the largest absolute weight; nil means moreland's smooth
	// blue to red.
	Palette palette.Palette
}

// Figure checks the weights and returns their picture.
func (wi WeightImages) Figure() (*Figure, error) {
	if len(wi.Weights) == 0 {
		return nil, errorf("weight images: no units")
	}
	if wi.Width <= 0 || wi.Height <= 0 {
		return nil, errorf("weight images: pictures of %dx%d pixels", wi.Width, wi.Height)
	}
	m := 0.0
	for u, w := range wi.Weights {
		if err := checkLen(fmt.Sprintf("weights of unit %d", u), len(w), wi.Width*wi.Height, "pixels"); err != nil {
			return nil, err
		}
		if err := checkFinite(fmt.Sprintf("weights of unit %d", u), w); err != nil {
			return nil, err
		}
		for _, v := range w {
			m = max(m, math.Abs(v))
		}
	}
	if m == 0 {
		m = 1 // all zero: the middle colour, on some scale
	}
	colors := moreland.SmoothBlueRed().Palette(255).Colors() // odd: 0 has a colour of its own
	if wi.Palette != nil {
		if err := checkPalette(wi.Palette); err != nil {
			return nil, err
		}
		colors = wi.Palette.Colors()
	}
	// The grid of pictures is an ImageGrid's, of blank pictures as big as
	// the units' ones, each drawn as its unit's heat map.
	grid := ImageGrid{Title: wi.Title, Captions: wi.Captions, Cols: wi.Cols, Scale: wi.Scale}
	blank := image.NewGray(image.Rect(0, 0, wi.Width, wi.Height))
	for u := range wi.Weights {
		grid.Images = append(grid.Images, blank)
		if wi.Captions == nil {
			grid.Captions = append(grid.Captions, fmt.Sprintf("unit %d", u))
		}
	}
	if err := grid.check(); err != nil {
		return nil, err
	}
	l := grid.layout()
	// The bar spans the pictures, from the top of the first row to the
	// bottom of the last.
	rows := (len(wi.Weights) + l.cols - 1) / l.cols
	_, top := l.cell(0, wi.Width, wi.Height)
	barH := float64(rows-1)*l.rowH + float64(wi.Height*l.scale)
	bar := fittedColorBar(colors, -m, m, "weight", niceTicks{max: 7}, barH)
	bw, bh := bar.size()
	barX, barY := l.width-margin+colorBarGap, top-bar.top
	width := barX + bw + margin
	height := max(l.height, barY+bh+margin)
	return newFigure(width, height, func(c draw.Canvas) {
		grid.draw(c, l, func(c draw.Canvas, r vg.Rectangle, u int) {
			drawHeat(c, r, rasterGrid{Width: wi.Width, Height: wi.Height, Values: wi.Weights[u]}, colors, -m, m)
		})
		bar.draw(c, barX, barY)
	}, bar.p)
}
