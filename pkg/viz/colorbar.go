package viz

import (
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// colorBar is a vertical scale of colours from lo (bottom) to hi (top),
// with ticks, their values and a label on its right.
type colorBar struct {
	colors []color.Color
	lo, hi float64
	label  string
}

// Layout of a colour bar, in figure pixels.
const (
	colorBarGap   = 24.0 // between what the bar describes and the bar
	colorBarWidth = 18.0 // the coloured strip
	colorBarTick  = 5.0
	colorBarPad   = 4.0  // between a tick and its value
	colorBarLabel = 10.0 // between the values and the label
)

// ticks returns the labelled ticks of the bar.
func (cb colorBar) ticks() []plot.Tick {
	return niceTicks{max: 7}.Ticks(cb.lo, cb.hi)
}

func (colorBar) tickStyle() draw.TextStyle {
	return textStyle(tickSize, textColor, draw.XLeft, draw.YCenter)
}

func (colorBar) labelStyle() draw.TextStyle {
	sty := textStyle(labelSize, textColor, draw.XCenter, draw.YTop)
	sty.Rotation = math.Pi / 2
	return sty
}

// width returns the width of the bar with its ticks and label, gap
// excluded.
func (cb colorBar) width() float64 {
	var tw float64
	for _, t := range cb.ticks() {
		w, _ := textSize(cb.tickStyle(), t.Label)
		tw = max(tw, w)
	}
	w := colorBarWidth + colorBarTick + colorBarPad + tw
	if cb.label != "" {
		_, h := textSize(cb.labelStyle(), cb.label)
		w += colorBarLabel + h
	}
	return math.Ceil(w)
}

// draw draws the bar with its strip in r and its ticks and label right of
// r.
func (cb colorBar) draw(c draw.Canvas, r vg.Rectangle) {
	n := len(cb.colors)
	strip := image.NewRGBA(image.Rect(0, 0, 1, n))
	for i, clr := range cb.colors {
		strip.Set(0, n-1-i, clr)
	}
	drawPixels(c, r, strip)
	strokeFrame(c, r, frameColor)
	line := draw.LineStyle{Color: textColor, Width: px(1)}
	var tw vg.Length
	for _, t := range cb.ticks() {
		y := r.Min.Y + vg.Length((t.Value-cb.lo)/(cb.hi-cb.lo))*(r.Max.Y-r.Min.Y)
		c.StrokeLine2(line, r.Max.X, y, r.Max.X+px(colorBarTick), y)
		c.FillText(cb.tickStyle(), vg.Point{X: r.Max.X + px(colorBarTick+colorBarPad), Y: y}, t.Label)
		tw = max(tw, cb.tickStyle().Width(t.Label))
	}
	if cb.label != "" {
		x := r.Max.X + px(colorBarTick+colorBarPad+colorBarLabel) + tw
		c.FillText(cb.labelStyle(), vg.Point{X: x, Y: (r.Min.Y + r.Max.Y) / 2}, cb.label)
	}
}

// colorBarFigure returns a figure of a title over a fitted plot with a
// colour bar on its right, as tall as the plot's data area.
func colorBarFigure(title string, fp fittedPlot, cb colorBar) (*Figure, error) {
	pw, ph := fp.size()
	titleH := titleHeight(title)
	gap := max(fp.right, colorBarGap)
	width := margin + pw - fp.right + gap + cb.width() + margin
	height := margin + titleH + ph + margin
	return newFigure(width, height, func(c draw.Canvas) {
		drawTitle(inset(c, margin), title)
		fp.draw(c, margin, margin+titleH)
		cb.draw(c, box(c, margin+fp.left+fp.dataW+gap, margin+titleH+fp.top, colorBarWidth, fp.dataH))
	})
}
