package viz

import (
	"image/color"
	"math"
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
	})
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
// so the names of a category axis do not run into each other.
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

// vLine is a plotter drawing a vertical line across the whole plot at X,
// shown in the legend as a short line.
type vLine struct {
	X     float64
	Style draw.LineStyle
}

// Plot implements plot.Plotter.
func (l vLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(l.X)
	c.StrokeLine2(l.Style, x, c.Min.Y, x, c.Max.Y)
}

// DataRange implements plot.DataRanger: the line asks for its X only.
func (l vLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	return l.X, l.X, math.Inf(1), math.Inf(-1)
}

// Thumbnail implements plot.Thumbnailer.
func (l vLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(l.Style, c.Min.X, y, c.Max.X, y)
}

// dashed returns a dashed line style of the given colour.
func dashed(clr color.Color) draw.LineStyle {
	return draw.LineStyle{Color: clr, Width: px(1.5), Dashes: []vg.Length{px(6), px(4)}}
}

// legendBackdrop is a plotter, added last, that lays a nearly opaque white
// box where the plot's legend will be drawn, so the legend stays readable
// over lines.
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
