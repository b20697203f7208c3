package viz

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// fittedPlot is a plot whose data area has an exact size in figure pixels,
// so that pictures and matrix cells in it come out square and crisp.
type fittedPlot struct {
	p                        *plot.Plot
	dataW, dataH             float64
	left, right, bottom, top float64 // room for title, axes and labels
}

// fitPlot measures the room p needs around a data area of w x h figure
// pixels.
func fitPlot(p *plot.Plot, w, h float64) fittedPlot {
	const big = 4000.0
	c := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: px(big), Y: px(big)}}}
	d := p.DataCanvas(c)
	return fittedPlot{
		p: p, dataW: w, dataH: h,
		left:   math.Ceil(toPx(d.Min.X)),
		right:  math.Ceil(big - toPx(d.Max.X)),
		bottom: math.Ceil(toPx(d.Min.Y)),
		top:    math.Ceil(big - toPx(d.Max.Y)),
	}
}

// size returns the width and height of the whole plot.
func (f fittedPlot) size() (w, h float64) {
	return f.left + f.dataW + f.right, f.top + f.dataH + f.bottom
}

// draw draws the plot with its top-left corner x, y figure pixels from the
// top-left corner of c.
func (f fittedPlot) draw(c draw.Canvas, x, y float64) {
	w, h := f.size()
	f.p.Draw(sub(c, box(c, x, y, w, h)))
}
