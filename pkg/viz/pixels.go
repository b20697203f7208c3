package viz

import (
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// rasterGrid is a Raster as the plotter.GridXYZ of a heat map: column c
// at X = c, row r at Y = r, row 0 being the picture's top row (drawn at the
// top by an inverted Y axis).
type rasterGrid Raster

// Dims implements plotter.GridXYZ.
func (g rasterGrid) Dims() (c, r int) { return g.Width, g.Height }

// Z implements plotter.GridXYZ.
func (g rasterGrid) Z(c, r int) float64 { return g.Values[r*g.Width+c] }

// X implements plotter.GridXYZ.
func (rasterGrid) X(c int) float64 { return float64(c) }

// Y implements plotter.GridXYZ.
func (rasterGrid) Y(r int) float64 { return float64(r) }

// heatMap returns gonum's heat map of g, colored over [lo, hi] with
// colors, values outside taking the end colours (gonum leaves them out).
// It draws one rectangle per cell: on whole figure pixels they are crisp
// blocks in PNG, and true squares in SVG.
func heatMap(g plotter.GridXYZ, colors []color.Color, lo, hi float64) *plotter.HeatMap {
	h := plotter.NewHeatMap(g, colorList(colors))
	h.Min, h.Max = lo, hi
	h.Underflow, h.Overflow = colors[0], colors[len(colors)-1]
	return h
}

// colorizeGray returns img drawn with colors, grey 0 taking the first colour
// and 255 the last, as a heat map over [0, 255] would.
func colorizeGray(img *image.Gray, colors []color.Color) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			g := img.GrayAt(b.Min.X+x, b.Min.Y+y).Y
			out.Set(x, y, heatColor(colors, float64(g), 0, 255))
		}
	}
	return out
}

// upscale returns src enlarged to w x h pixels by nearest neighbour, so
// every source pixel becomes a block of one colour.
func upscale(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		sy := b.Min.Y + y*b.Dy()/h
		for x := range w {
			out.Set(x, y, src.At(b.Min.X+x*b.Dx()/w, sy))
		}
	}
	return out
}

// drawPixels draws img into r without smoothing: r is snapped to whole
// figure pixels and img enlarged to exactly that many pixels, so each image
// pixel is a crisp block in both PNG and SVG.
//
// The picture grids draw with it rather than with plotter.HeatMap (which
// ImageView uses): a heat map is one path per pixel, 15,680 of them in the
// SVG of a grid of 20 pictures, and its Rasterized form hands a picture of
// 28x28 to the canvas to enlarge, which vgimg does bilinearly, blurring the
// pixels; gonum has no nearest-neighbour image plotter.
func drawPixels(c draw.Canvas, r vg.Rectangle, img image.Image) {
	x0, y0 := math.Round(toPx(r.Min.X)), math.Round(toPx(r.Min.Y))
	x1, y1 := math.Round(toPx(r.Max.X)), math.Round(toPx(r.Max.Y))
	w, h := int(x1-x0), int(y1-y0)
	if w <= 0 || h <= 0 {
		return
	}
	snapped := vg.Rectangle{Min: vg.Point{X: px(x0), Y: px(y0)}, Max: vg.Point{X: px(x1), Y: px(y1)}}
	c.DrawImage(snapped, upscale(img, w, h))
}

// strokeFrame draws a thin frame just outside r.
func strokeFrame(c draw.Canvas, r vg.Rectangle, clr color.Color) {
	d := px(0.5)
	c.StrokeLines(draw.LineStyle{Color: clr, Width: px(1)}, []vg.Point{
		{X: r.Min.X - d, Y: r.Min.Y - d}, {X: r.Max.X + d, Y: r.Min.Y - d},
		{X: r.Max.X + d, Y: r.Max.Y + d}, {X: r.Min.X - d, Y: r.Max.Y + d},
		{X: r.Min.X - d, Y: r.Min.Y - d},
	})
}
