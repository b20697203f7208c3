package viz

import (
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
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

// grayGrid is a picture as the plotter.GridXYZ of a heat map: its grey
// values, row 0 being its top row.
type grayGrid struct{ img *image.Gray }

// Dims implements plotter.GridXYZ.
func (g grayGrid) Dims() (c, r int) { return g.img.Bounds().Dx(), g.img.Bounds().Dy() }

// Z implements plotter.GridXYZ.
func (g grayGrid) Z(c, r int) float64 {
	b := g.img.Bounds()
	return float64(g.img.GrayAt(b.Min.X+c, b.Min.Y+r).Y)
}

// X implements plotter.GridXYZ.
func (grayGrid) X(c int) float64 { return float64(c) }

// Y implements plotter.GridXYZ.
func (grayGrid) Y(r int) float64 { return float64(r) }

// flipRows is a grid upside down: row r is row Rows-1-r of the grid under
// it, so that a grid whose row 0 is its top is drawn the right way up on
// a Y axis that rises.
type flipRows struct{ plotter.GridXYZ }

// Z implements plotter.GridXYZ.
func (g flipRows) Z(c, r int) float64 {
	_, rows := g.Dims()
	return g.GridXYZ.Z(c, rows-1-r)
}

// drawHeat draws g (row 0 at the top) into r, coloured over [lo, hi] with
// colors, as gonum's heat map in its rasterized form: one image, which
// pixelCanvas enlarges to r's figure pixels. Picture grids draw many
// pictures, and one path per pixel (the heat map's vector form) would
// make the SVG of a grid of 20 pictures 15,680 paths.
func drawHeat(c draw.Canvas, r vg.Rectangle, g plotter.GridXYZ, colors []color.Color, lo, hi float64) {
	h := heatMap(flipRows{g}, colors, lo, hi)
	h.Rasterized = true
	p := plot.New() // the grid's data range, mapped onto r
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = h.DataRange()
	h.Plot(sub(c, r), p)
}

// drawPicture draws img into r, its grey values coloured by colors (0 the
// first, 255 the last).
func drawPicture(c draw.Canvas, r vg.Rectangle, img *image.Gray, colors []color.Color) {
	drawHeat(c, r, grayGrid{img}, colors, 0, 255)
}

// pixelCanvas is the canvas figures are drawn on: it hands every image to
// the canvas under it enlarged, block by block, to the whole figure
// pixels of the image's rectangle. gonum's canvases do not draw a small
// image into a large rectangle true: vgimg scales it bilinearly, blurring
// a picture's pixels, and vgsvg writes it without
// preserveAspectRatio="none", so a browser shows a colour bar (an image
// one pixel wide) as a hairline.
type pixelCanvas struct{ vg.CanvasSizer }

// DrawImage implements vg.Canvas.
func (c pixelCanvas) DrawImage(r vg.Rectangle, img image.Image) {
	x0, x1 := math.Round(toPx(min(r.Min.X, r.Max.X))), math.Round(toPx(max(r.Min.X, r.Max.X)))
	y0, y1 := math.Round(toPx(min(r.Min.Y, r.Max.Y))), math.Round(toPx(max(r.Min.Y, r.Max.Y)))
	w, h := int(x1-x0), int(y1-y0)
	if w <= 0 || h <= 0 {
		return
	}
	snapped := vg.Rectangle{Min: vg.Point{X: px(x0), Y: px(y0)}, Max: vg.Point{X: px(x1), Y: px(y1)}}
	c.CanvasSizer.DrawImage(snapped, upscale(img, w, h))
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

// strokeFrame draws a thin frame just outside r.
func strokeFrame(c draw.Canvas, r vg.Rectangle, clr color.Color) {
	d := px(0.5)
	c.StrokeLines(draw.LineStyle{Color: clr, Width: px(1)}, []vg.Point{
		{X: r.Min.X - d, Y: r.Min.Y - d}, {X: r.Max.X + d, Y: r.Min.Y - d},
		{X: r.Max.X + d, Y: r.Max.Y + d}, {X: r.Min.X - d, Y: r.Max.Y + d},
		{X: r.Min.X - d, Y: r.Min.Y - d},
	})
}
