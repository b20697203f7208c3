package viz

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// fittedPlot is a plot whose data area has an exact size in figure pixels,
// on whole pixels, so that pictures and matrix cells in it come out square
// and crisp. gonum sizes a plot from the outside (plot.Draw fills the
// canvas it is given, the data area being what the axes leave), so the
// room around a data area of a given size is measured here.
type fittedPlot struct {
	p            *plot.Plot
	dataW, dataH float64
	// room for title, axes and labels around the data area: exact, and
	// rounded up to whole pixels for the layout
	exact                    [4]float64
	left, right, bottom, top float64
}

// fitPlot measures the room p needs around a data area of w x h figure
// pixels. The room depends a little on the size (gonum/plot shrinks the
// data area so tick labels at its edges fit), so it is found by a few
// rounds of measuring.
func fitPlot(p *plot.Plot, w, h float64) fittedPlot {
	f := fittedPlot{p: p, dataW: w, dataH: h}
	cw, ch := w+200, h+200
	for range 10 {
		c := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: px(cw), Y: px(ch)}}}
		d := p.DataCanvas(c)
		f.exact = [4]float64{toPx(d.Min.X), cw - toPx(d.Max.X), toPx(d.Min.Y), ch - toPx(d.Max.Y)}
		dw, dh := cw-f.exact[0]-f.exact[1], ch-f.exact[2]-f.exact[3]
		if math.Abs(dw-w) < 1e-6 && math.Abs(dh-h) < 1e-6 {
			break
		}
		cw, ch = cw+w-dw, ch+h-dh
	}
	f.left, f.right, f.bottom, f.top = math.Ceil(f.exact[0]), math.Ceil(f.exact[1]), math.Ceil(f.exact[2]), math.Ceil(f.exact[3])
	return f
}

// size returns the width and height of the whole plot.
func (f fittedPlot) size() (w, h float64) {
	return f.left + f.dataW + f.right, f.top + f.dataH + f.bottom
}

// draw draws the plot with its top-left corner x, y figure pixels from the
// top-left corner of c; its data area starts left and top further.
func (f fittedPlot) draw(c draw.Canvas, x, y float64) {
	left, right, bottom, top := f.exact[0], f.exact[1], f.exact[2], f.exact[3]
	x, y = x+f.left-left, y+f.top-top
	f.p.Draw(sub(c, box(c, x, y, left+f.dataW+right, top+f.dataH+bottom)))
}
