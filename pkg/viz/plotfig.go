package viz

import (
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// panelGap is the room between panels side by side, in figure pixels.
const panelGap = 40.0

// plotsFigure returns a figure of w x h figure pixels: a title over plots
// side by side, their data areas aligned and equally wide.
func plotsFigure(title string, w, h float64, plots ...*plot.Plot) (*Figure, error) {
	return newFigure(w, h, func(c draw.Canvas) {
		c = drawTitle(inset(c, margin), title)
		tiles := draw.Tiles{Rows: 1, Cols: len(plots), PadX: px(panelGap)}
		for i, pc := range plot.Align([][]*plot.Plot{plots}, tiles, c)[0] {
			plots[i].Draw(pc)
		}
	}, plots...)
}

// gridLines returns light grid lines across the plot at the major ticks
// of the axes asked for.
func gridLines(horizontal, vertical bool) *plotter.Grid {
	line := draw.LineStyle{Color: gridColor, Width: px(1)}
	g := &plotter.Grid{Horizontal: line, Vertical: line}
	if !horizontal {
		g.Horizontal.Color = nil
	}
	if !vertical {
		g.Vertical.Color = nil
	}
	return g
}

// wrapNames breaks names wider than w figure pixels (in tick label style)
// into two lines, at the space or after the slash nearest their middle,
// so the names of a category axis do not run into each other: gonum draws
// a tick label on one line however long it is.
func wrapNames(names []string, w float64) []string {
	sty := textStyle(tickSize, textColor, draw.XCenter, draw.YTop)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n
		if tw, _ := textSize(sty, n); tw <= w {
			continue
		}
		best := -1
		for j, r := range n {
			cut := -1
			switch r {
			case ' ':
				cut = j
			case '/':
				cut = j + 1
			}
			if cut > 0 && cut < len(n) && (best < 0 || abs(cut-len(n)/2) < abs(best-len(n)/2)) {
				best = cut
			}
		}
		if best > 0 {
			out[i] = strings.TrimRight(n[:best], " ") + "\n" + strings.TrimLeft(n[best:], " ")
		}
	}
	return out
}

func abs(n int) int { return max(n, -n) }

// vLine returns gonum's line from (x, y0) to (x, y1) in the given style:
// a line across a plot whose Y axis spans [y0, y1].
func vLine(x, y0, y1 float64, style draw.LineStyle) *plotter.Line {
	return &plotter.Line{XYs: plotter.XYs{{X: x, Y: y0}, {X: x, Y: y1}}, LineStyle: style}
}

// dashed returns a dashed line style of the given colour.
func dashed(clr color.Color) draw.LineStyle {
	return draw.LineStyle{Color: clr, Width: px(1.5), Dashes: []vg.Length{px(6), px(4)}}
}

// legendBackdrop is a plotter, added last, that lays a nearly opaque white
// box where the plot's legend will be drawn, so the legend stays readable
// over lines: gonum's plot.Legend draws its entries on whatever is under
// them and has no background of its own.
type legendBackdrop struct{}

// Plot implements plot.Plotter.
func (legendBackdrop) Plot(c draw.Canvas, p *plot.Plot) {
	l := &p.Legend
	size := l.Rectangle(c).Size() // its size is right, its place is not
	var r vg.Rectangle
	if l.Left {
		r.Min.X = c.Min.X + l.XOffs
		r.Max.X = r.Min.X + size.X
	} else {
		r.Max.X = c.Max.X + l.XOffs
		r.Min.X = r.Max.X - size.X
	}
	if l.Top {
		r.Max.Y = c.Max.Y + l.YOffs
		r.Min.Y = r.Max.Y - size.Y
	} else {
		r.Min.Y = c.Min.Y + l.YOffs
		r.Max.Y = r.Min.Y + size.Y
	}
	d := px(5)
	r.Min.X, r.Min.Y, r.Max.X, r.Max.Y = r.Min.X-d, r.Min.Y-d, r.Max.X+d, r.Max.Y+d
	c.SetColor(color.NRGBA{R: 255, G: 255, B: 255, A: 220})
	c.Fill(r.Path())
}
