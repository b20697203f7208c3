package viz

import (
	"image"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Grayscale returns the 256 greys of image.Gray, from black (0) to white
// (255): the default palette of the picture figures.
func Grayscale() palette.Palette { return grays{} }

// Reverse returns the colours of p in reverse order. Reverse(Grayscale())
// draws 0 white and 255 black, like Matplotlib's "binary" colour map:
// dark garments on a white background.
func Reverse(p palette.Palette) palette.Palette {
	cs := slices.Clone(p.Colors())
	slices.Reverse(cs)
	return colorList(cs)
}

// colorList is a palette of given colours.
type colorList []color.Color

// Colors implements palette.Palette.
func (l colorList) Colors() []color.Color { return l }

// grays is the palette of Grayscale.
type grays struct{}

// Colors implements palette.Palette.
func (grays) Colors() []color.Color {
	cs := make([]color.Color, 256)
	for i := range cs {
		cs[i] = color.Gray{Y: uint8(i)}
	}
	return cs
}

// colorsOf returns the colours of pal, or the grey scale when pal is nil.
func colorsOf(pal palette.Palette) []color.Color {
	if pal == nil {
		pal = Grayscale()
	}
	return pal.Colors()
}

// checkPalette reports a palette without colours.
func checkPalette(pal palette.Palette) error {
	if pal != nil && len(pal.Colors()) == 0 {
		return errorf("palette has no colours")
	}
	return nil
}

// colorAt returns the colour of colors for v in [lo, hi]; values outside
// are clamped.
func colorAt(colors []color.Color, v, lo, hi float64) color.Color {
	t := (v - lo) / (hi - lo)
	t = math.Max(0, math.Min(1, t))
	return colors[int(math.Round(t*float64(len(colors)-1)))]
}

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
