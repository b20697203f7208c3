package viz

import (
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// colorizeGray returns img drawn with colors, grey 0 taking the first colour
// and 255 the last.
func colorizeGray(img *image.Gray, colors []color.Color) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			g := img.GrayAt(b.Min.X+x, b.Min.Y+y).Y
			out.Set(x, y, colorAt(colors, float64(g), 0, 255))
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

// pixelPlotter is a plot.Plotter drawing an image over the data rectangle
// [xmin, xmax] x [ymin, ymax], its first row at the top of the plot
// (whichever way the Y axis runs).
type pixelPlotter struct {
	img                    image.Image
	xmin, xmax, ymin, ymax float64
}

// Plot implements plot.Plotter.
func (pp pixelPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	xa, xb := trX(pp.xmin), trX(pp.xmax)
	ya, yb := trY(pp.ymin), trY(pp.ymax)
	r := vg.Rectangle{
		Min: vg.Point{X: min(xa, xb), Y: min(ya, yb)},
		Max: vg.Point{X: max(xa, xb), Y: max(ya, yb)},
	}
	drawPixels(c, r, pp.img)
}

// DataRange implements plot.DataRanger.
func (pp pixelPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	return pp.xmin, pp.xmax, pp.ymin, pp.ymax
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
