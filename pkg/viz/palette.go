package viz

import (
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/palette/moreland"
)

// Grayscale returns the 256 greys of image.Gray, from black (0) to white
// (255): the default palette of the picture figures. It is written here
// because gonum has no such palette: brewer's "Greys" has at most 9 greys,
// and moreland's smooth maps do not land on image.Gray's 256 levels, so
// neither would draw a picture's pixels unchanged.
func Grayscale() palette.Palette { return grays{} }

// Reverse returns the colours of p in reverse order. Reverse(Grayscale())
// draws 0 white and 255 black, like Matplotlib's "binary" colour map:
// dark garments on a white background. (gonum's palette.Reverse reverses a
// ColorMap, not a Palette.)
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

// heatColor returns the colour plotter.HeatMap gives v over [lo, hi] with
// colors (the nearest of colours evenly spread from lo to hi), values
// outside taking the end colours as our heat maps' Underflow and Overflow
// do, and NaN the first colour. Labels on a heat map and pictures drawn
// beside one use it, so that they match its cells.
func heatColor(colors []color.Color, v, lo, hi float64) color.Color {
	switch {
	case v <= lo || math.IsNaN(v):
		return colors[0]
	case v >= hi:
		return colors[len(colors)-1]
	}
	ps := float64(len(colors)-1) / (hi - lo)
	return colors[int((v-lo)*ps+0.5)]
}

// blues returns 256 colours from white to dark blue, the colours of a
// confusion matrix: ColorBrewer's nine blues (palette/brewer) interpolated
// by moreland's luminance map, so that the shade of a cell grows evenly
// with its count rather than in nine steps.
func blues() []color.Color {
	p, err := brewer.GetPalette(brewer.TypeSequential, "Blues", 9)
	if err != nil {
		panic(err) // "Blues" has 3 to 9 colours
	}
	dark := slices.Clone(p.Colors())
	slices.Reverse(dark) // the luminance map wants the darkest first
	m, err := moreland.NewLuminance(dark)
	if err != nil {
		panic(err) // brewer's blues lighten steadily
	}
	m.SetMin(0)
	m.SetMax(1)
	return palette.Reverse(m).Palette(256).Colors()
}

// contrastText returns black or white, whichever reads better on bg (by
// the luma of ITU-R BT.601): gonum's labels take one colour, whatever lies
// under them.
func contrastText(bg color.Color) color.Color {
	r, g, b, _ := bg.RGBA()
	lum := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)) / 0xffff
	if lum < 0.55 {
		return color.White
	}
	return color.Black
}
