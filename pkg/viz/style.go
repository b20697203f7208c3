package viz

import (
	"math"

	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Text sizes, in points.
const (
	titleSize   = 15
	labelSize   = 12
	tickSize    = 10.5
	captionSize = 10.5
	legendSize  = 11
)

// Layout lengths, in figure pixels.
const (
	margin     = 16.0 // around a whole figure
	titleGap   = 10.0 // between a figure title and what is under it
	plotWidth  = 900.0
	plotHeight = 520.0
)

// Colours shared by the figures: plotutil's.
var (
	// rightColor marks a correct prediction, wrongColor a wrong one:
	// plotutil's dark green and red, which read as text on white.
	rightColor = plotutil.DarkColors[1]
	wrongColor = plotutil.DarkColors[0]

	textColor  color.Color = color.Black
	frameColor color.Color = color.Gray{Y: 0xa0}
	gridColor  color.Color = color.Gray{Y: 0xe0}
	mutedColor color.Color = color.Gray{Y: 0xb0}
)

// seriesColor returns the colour of the i-th series: plotutil's colours
// from its blue (blue, orange, purple, ...), so that the first two series
// (training and validation) are not the red and green of wrong and right.
func seriesColor(i int) color.Color { return plotutil.Color(i + 2) }

// px converts figure pixels to points.
func px(n float64) vg.Length { return vg.Length(n * 72 / DPI) }

// toPx converts points to figure pixels.
func toPx(l vg.Length) float64 { return l.Dots(DPI) }

// sans returns the sans-serif face of the given size in points.
func sans(size vg.Length) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
}

// textStyle returns a plain-text style of the given size, colour and
// alignment.
func textStyle(size vg.Length, clr color.Color, xa text.XAlignment, ya text.YAlignment) text.Style {
	return text.Style{
		Color:   clr,
		Font:    sans(size),
		XAlign:  xa,
		YAlign:  ya,
		Handler: plot.DefaultTextHandler,
	}
}

// textSize returns the width and height, in figure pixels, of txt (which
// may hold several lines) in style sty.
func textSize(sty text.Style, txt string) (w, h float64) {
	return toPx(sty.Width(txt)), toPx(sty.Height(txt))
}

// newPlot returns a plot with the house fonts and the given title and axis
// labels.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(labelSize + 1)
	p.Title.Padding = px(8)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(labelSize)
		a.Label.Padding = px(4)
		a.Tick.Label.Font = sans(tickSize)
	}
	p.Legend.TextStyle.Font = sans(legendSize)
	p.Legend.ThumbnailWidth = px(28)
	return p
}

// drawTitle writes title centred at the top of c and returns the part of c
// under it. An empty title takes no room. A gonum plot has a title of its
// own, but nothing in gonum titles several plots side by side (plot.Align
// has no title), so a figure's title is written here.
func drawTitle(c draw.Canvas, title string) draw.Canvas {
	if title == "" {
		return c
	}
	sty := textStyle(titleSize, textColor, draw.XCenter, draw.YTop)
	c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, title)
	c.Max.Y -= sty.Height(title) + px(titleGap)
	return c
}

// titleHeight returns the height drawTitle takes, in whole figure pixels.
func titleHeight(title string) float64 {
	if title == "" {
		return 0
	}
	_, h := textSize(textStyle(titleSize, textColor, draw.XCenter, draw.YTop), title)
	return math.Ceil(h + titleGap)
}

// box returns the rectangle w x h figure pixels whose top-left corner is x
// pixels right of c's left edge and y pixels down from c's top edge.
func box(c draw.Canvas, x, y, w, h float64) vg.Rectangle {
	return vg.Rectangle{
		Min: vg.Point{X: c.Min.X + px(x), Y: c.Max.Y - px(y+h)},
		Max: vg.Point{X: c.Min.X + px(x+w), Y: c.Max.Y - px(y)},
	}
}

// sub returns the part of c inside r.
func sub(c draw.Canvas, r vg.Rectangle) draw.Canvas {
	c.Rectangle = r
	return c
}

// inset returns c less m figure pixels on every side.
func inset(c draw.Canvas, m float64) draw.Canvas {
	return draw.Crop(c, px(m), -px(m), px(m), -px(m))
}
