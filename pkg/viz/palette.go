package viz

import (
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot/palette"
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
// are clamped, and NaN takes the first colour.
func colorAt(colors []color.Color, v, lo, hi float64) color.Color {
	t := (v - lo) / (hi - lo)
	if math.IsNaN(t) {
		t = 0
	}
	t = math.Max(0, math.Min(1, t))
	return colors[int(math.Round(t*float64(len(colors)-1)))]
}

// blues returns 256 colours from white to dark blue.
func blues() []color.Color {
	from, to := [3]float64{255, 255, 255}, [3]float64{0x08, 0x30, 0x6b}
	cs := make([]color.Color, 256)
	for i := range cs {
		t := float64(i) / 255
		mix := func(k int) uint8 { return uint8(math.Round(from[k] + (to[k]-from[k])*t)) }
		cs[i] = color.RGBA{R: mix(0), G: mix(1), B: mix(2), A: 255}
	}
	return cs
}

// contrastText returns black or white, whichever reads better on bg.
func contrastText(bg color.Color) color.Color {
	r, g, b, _ := bg.RGBA()
	lum := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)) / 0xffff
	if lum < 0.55 {
		return color.White
	}
	return color.Black
}
