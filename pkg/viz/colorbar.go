package viz

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// Layout of a colour bar, in figure pixels.
const (
	colorBarGap   = 24.0 // between what the bar describes and the bar's ticks
	colorBarWidth = 18.0 // the coloured strip
)

// paletteMap is the palette.ColorMap of a palette's colours over [min, max],
// each value taking the colour plotter.HeatMap gives it (heatColor).
// gonum's ColorBar takes a ColorMap while its HeatMap takes a Palette, and
// gonum has nothing that turns a palette into a map; without this a bar
// would not show the very colours of its heat map.
type paletteMap struct {
	colors   []color.Color
	min, max float64
	alpha    float64
}

// newPaletteMap returns the opaque map of colors over [lo, hi].
func newPaletteMap(colors []color.Color, lo, hi float64) *paletteMap {
	return &paletteMap{colors: colors, min: lo, max: hi, alpha: 1}
}

var _ palette.ColorMap = (*paletteMap)(nil)

// At implements palette.ColorMap.
func (m *paletteMap) At(v float64) (color.Color, error) {
	if !(v >= m.min && v <= m.max) {
		return nil, errorf("value %v outside the colour map's [%v, %v]", v, m.min, m.max)
	}
	clr := heatColor(m.colors, v, m.min, m.max)
	if m.alpha == 1 {
		return clr, nil
	}
	c := color.NRGBAModel.Convert(clr).(color.NRGBA)
	c.A = uint8(math.Round(float64(c.A) * m.alpha))
	return c, nil
}

// Min implements palette.ColorMap.
func (m *paletteMap) Min() float64 { return m.min }

// Max implements palette.ColorMap.
func (m *paletteMap) Max() float64 { return m.max }

// SetMin implements palette.ColorMap.
func (m *paletteMap) SetMin(v float64) { m.min = v }

// SetMax implements palette.ColorMap.
func (m *paletteMap) SetMax(v float64) { m.max = v }

// Alpha implements palette.ColorMap.
func (m *paletteMap) Alpha() float64 { return m.alpha }

// SetAlpha implements palette.ColorMap; like gonum's maps it panics when a
// is not in [0, 1].
func (m *paletteMap) SetAlpha(a float64) {
	if !(a >= 0 && a <= 1) {
		panic("viz: alpha not in [0, 1]")
	}
	m.alpha = a
}

// Palette implements palette.ColorMap: n colours evenly spaced from Min
// to Max.
func (m *paletteMap) Palette(n int) palette.Palette {
	cs := make(colorList, n)
	for i := range cs {
		v := m.min
		if n > 1 {
			v += (m.max - m.min) * float64(i) / float64(n-1)
		}
		cs[i], _ = m.At(v)
	}
	return cs
}

// colorBarFigure returns a figure of a title over a fitted plot with a
// gonum colour bar on its right, as tall as the plot's data area, showing
// colors over [lo, hi] with the given label and ticks.
func colorBarFigure(title string, fp fittedPlot, colors []color.Color, lo, hi float64, label string, ticks niceTicks) (*Figure, error) {
	bfp := fittedColorBar(colors, lo, hi, label, ticks, fp.dataH)

	// Placed by hand, not by plot.Align, whose tiles are all as wide: the
	// bar is narrow, and its data area must line up with the plot's.
	pw, ph := fp.size()
	bw, bh := bfp.size()
	titleH := titleHeight(title)
	barX := margin + fp.left + fp.dataW + max(fp.right, colorBarGap)
	barY := margin + titleH + fp.top - bfp.top
	width := max(margin+pw, barX+bw) + margin
	height := max(margin+titleH+ph, barY+bh) + margin
	return newFigure(width, height, func(c draw.Canvas) {
		drawTitle(inset(c, margin), title)
		fp.draw(c, margin, margin+titleH)
		bfp.draw(c, barX, barY)
	}, fp.p, bfp.p)
}

// fittedColorBar returns gonum's vertical colour bar of colors over
// [lo, hi], with the given label and ticks, in a plot of its own whose data
// area, the strip, is colorBarWidth x h figure pixels.
func fittedColorBar(colors []color.Color, lo, hi float64, label string, ticks niceTicks, h float64) fittedPlot {
	p := newPlot("", "", label)
	// One colour per figure pixel, so the bar's image is not scaled.
	p.Add(&plotter.ColorBar{ColorMap: newPaletteMap(colors, lo, hi), Vertical: true, Colors: int(h)})
	p.Add(dataFrame{})
	p.HideX()
	p.Y.Tick.Marker = ticks
	p.X.Padding, p.Y.Padding = 0, 0
	return fitPlot(p, colorBarWidth, h)
}

// dataFrame is a plotter framing the data area of its plot: gonum draws
// no box around a colour bar, whose lightest end would melt into the
// white page.
type dataFrame struct{}

// Plot implements plot.Plotter.
func (dataFrame) Plot(c draw.Canvas, _ *plot.Plot) { strokeFrame(c, c.Rectangle, frameColor) }
