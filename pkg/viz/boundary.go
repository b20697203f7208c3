package viz

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LinearBoundary draws points of the plane in two classes, filled (class
// 1) or hollow (class 0), and a linear decision boundary: the line
// w1*x + w2*y + b = 0, with the side where w1*x + w2*y + b >= 0 shaded.
// It is the picture of what a threshold logic unit on two inputs (or any
// linear classifier of two features) computes: one straight line
// separates the points it answers 1 from those it answers 0.
//
// Both axes have the same scale, so the line's slope looks true, and span
// the points with a margin around them.
type LinearBoundary struct {
	// Title is drawn above the plot; empty for none.
	Title string
	// XLabel and YLabel label the axes; empty for none.
	XLabel, YLabel string
	// Points are the points to draw; there must be at least one.
	Points []ClassPoint
	// Boundary, when not nil, is shaded and its line drawn.
	Boundary *HalfPlane
	// Margin is the room around the points on every side, in the units of
	// the points; 0 means a quarter of their larger span (or 1 when they
	// all lie at one place).
	Margin float64
}

// ClassPoint is a point of a LinearBoundary figure.
type ClassPoint struct {
	// X and Y place the point.
	X, Y float64
	// Class is 1 (the point is drawn filled) or 0 (drawn hollow).
	Class int
	// Label is written under the point; empty for none.
	Label string
	// Marked draws a red ring around the point and its label in red, such
	// as for a point that the boundary puts on the wrong side.
	Marked bool
}

// HalfPlane is the part of the plane where the sum
// Weights[0]*x + Weights[1]*y + Bias is at least 0: one side of the line
// where the sum is 0, line included. With both weights 0 it has no line:
// it is the whole plane when Bias >= 0 and nothing otherwise.
type HalfPlane struct {
	Weights [2]float64
	Bias    float64
}

// Sum returns Weights[0]*x + Weights[1]*y + Bias.
func (h HalfPlane) Sum(x, y float64) float64 {
	return h.Weights[0]*x + h.Weights[1]*y + h.Bias
}

// Contains reports whether (x, y) is in the half-plane: whether its sum is
// at least 0.
func (h HalfPlane) Contains(x, y float64) bool { return h.Sum(x, y) >= 0 }

// Layout of a LinearBoundary figure, in figure pixels.
const (
	boundarySide   = 400.0 // the longer side of the data area
	boundaryRadius = 9.0   // of a point
	boundaryRing   = 2.5   // the width of the outline of a hollow point, of the line and of a mark
	boundaryMark   = 15.0  // the radius of the ring around a marked point
	boundaryLabel  = 5.0   // between a point (or its mark) and its label
)

// Colours of a LinearBoundary: classColor draws the points and the line,
// shadeColor (a light tint of it) fills the half-plane.
var (
	classColor color.Color = seriesColor(0)
	shadeColor color.Color = color.RGBA{R: 0xd6, G: 0xe6, B: 0xf4, A: 0xff}
)

// Figure checks the points and the boundary and returns their picture.
func (lb LinearBoundary) Figure() (*Figure, error) {
	fp, titleH, err := lb.layout()
	if err != nil {
		return nil, err
	}
	pw, ph := fp.size()
	tw, _ := textSize(textStyle(titleSize, textColor, draw.XCenter, draw.YTop), lb.Title)
	w := max(pw, math.Ceil(tw))
	return newFigure(margin+w+margin, margin+titleH+ph+margin, func(c draw.Canvas) {
		drawTitle(inset(c, margin), lb.Title)
		fp.draw(c, margin+(w-pw)/2, margin+titleH)
	}, fp.p)
}

// layout checks the figure and returns its plot, fitted to its data area,
// and the height of its title: the data area starts fp.left figure pixels
// right of the figure's margin (and of the centring when the title is
// wider than the plot) and margin + titleH + fp.top down.
func (lb LinearBoundary) layout() (fp fittedPlot, titleH float64, err error) {
	x0, x1, y0, y1, err := lb.extent()
	if err != nil {
		return fp, 0, err
	}
	p := newPlot("", lb.XLabel, lb.YLabel)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = x0, x1, y0, y1
	p.X.Padding, p.Y.Padding = 0, 0
	ticks := niceTicks{max: 8, whole: lb.whole()}
	p.X.Tick.Marker, p.Y.Tick.Marker = ticks, ticks
	if h := lb.Boundary; h != nil {
		poly, ends := h.clip(x0, x1, y0, y1)
		if len(poly) >= 3 {
			shade, err := plotter.NewPolygon(poly)
			if err != nil {
				return fp, 0, errorf("linear boundary: %v", err)
			}
			shade.Color, shade.LineStyle.Width = shadeColor, 0
			p.Add(shade)
		}
		p.Add(gridLines(true, true))
		if len(ends) == 2 {
			line, err := plotter.NewLine(ends)
			if err != nil {
				return fp, 0, errorf("linear boundary: %v", err)
			}
			line.Color, line.Width = classColor, px(boundaryRing)
			p.Add(line)
		}
	} else {
		p.Add(gridLines(true, true))
	}
	if err := addClassPoints(p, lb.Points); err != nil {
		return fp, 0, err
	}
	dw, dh := boundarySide, boundarySide
	if x1-x0 > y1-y0 {
		dh = math.Round(boundarySide * (y1 - y0) / (x1 - x0))
	} else {
		dw = math.Round(boundarySide * (x1 - x0) / (y1 - y0))
	}
	return fitPlot(p, dw, dh), titleHeight(lb.Title), nil
}

// extent checks the figure and returns the ranges of its axes: the
// points' with the margin around them, the shorter widened to a third of
// the longer at least.
func (lb LinearBoundary) extent() (x0, x1, y0, y1 float64, err error) {
	if len(lb.Points) == 0 {
		return 0, 0, 0, 0, errorf("linear boundary: no points to draw")
	}
	x0, x1, y0, y1 = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i, q := range lb.Points {
		if err := checkFinite(fmt.Sprintf("point %d", i), []float64{q.X, q.Y}); err != nil {
			return 0, 0, 0, 0, err
		}
		if q.Class != 0 && q.Class != 1 {
			return 0, 0, 0, 0, errorf("linear boundary: point %d is of class %d, want 0 or 1", i, q.Class)
		}
		x0, x1, y0, y1 = min(x0, q.X), max(x1, q.X), min(y0, q.Y), max(y1, q.Y)
	}
	if err := checkSpan("points' x", x0, x1); err != nil {
		return 0, 0, 0, 0, err
	}
	if err := checkSpan("points' y", y0, y1); err != nil {
		return 0, 0, 0, 0, err
	}
	if !(lb.Margin >= 0) || math.IsInf(lb.Margin, 0) {
		return 0, 0, 0, 0, errorf("linear boundary: margin %v, want a finite number >= 0", lb.Margin)
	}
	pad := lb.Margin
	if pad == 0 {
		pad = max(x1-x0, y1-y0) / 4
		if pad == 0 {
			pad = 1
		}
	}
	x0, x1, y0, y1 = x0-pad, x1+pad, y0-pad, y1+pad
	if err := checkSpan("axis x", x0, x1); err != nil {
		return 0, 0, 0, 0, err
	}
	if err := checkSpan("axis y", y0, y1); err != nil {
		return 0, 0, 0, 0, err
	}
	widen := func(lo, hi, span float64) (float64, float64) {
		if d := (span/3 - (hi - lo)) / 2; d > 0 {
			return lo - d, hi + d
		}
		return lo, hi
	}
	x0, x1 = widen(x0, x1, y1-y0)
	y0, y1 = widen(y0, y1, x1-x0)
	if x1-x0 <= 0 || y1-y0 <= 0 { // a margin too small for the numbers' precision
		return 0, 0, 0, 0, errorf("linear boundary: margin %v is lost beside points at %g, %g", lb.Margin, x0, y0)
	}
	if h := lb.Boundary; h != nil {
		if err := checkFinite("boundary weights", h.Weights[:]); err != nil {
			return 0, 0, 0, 0, err
		}
		if err := checkFinite("boundary bias", []float64{h.Bias}); err != nil {
			return 0, 0, 0, 0, err
		}
		for _, q := range [][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}} {
			if s := h.Sum(q[0], q[1]); math.IsNaN(s) || math.IsInf(s, 0) {
				return 0, 0, 0, 0, errorf("linear boundary: the sum of the boundary overflows at (%g, %g)", q[0], q[1])
			}
		}
	}
	return x0, x1, y0, y1, nil
}

// whole reports whether all the points lie on whole numbers, as the inputs
// of a logic gate do: the ticks then mark whole numbers only.
func (lb LinearBoundary) whole() bool {
	for _, q := range lb.Points {
		if q.X != math.Trunc(q.X) || q.Y != math.Trunc(q.Y) {
			return false
		}
	}
	return true
}

// clip returns the polygon of the rectangle [x0, x1] x [y0, y1] where the
// sum is at least 0 (Sutherland-Hodgman clipping of the rectangle by the
// line), and the two ends of the line inside the rectangle, or fewer when
// the line misses it (or only touches a corner) or the weights are 0.
// gonum's plotter.Polygon fills the polygon it is given and clips nothing,
// so the half-plane is cut to the axes here.
func (h HalfPlane) clip(x0, x1, y0, y1 float64) (poly, ends plotter.XYs) {
	rect := plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
	addEnd := func(q plotter.XY) {
		for _, e := range ends {
			if e == q {
				return
			}
		}
		ends = append(ends, q)
	}
	for i, a := range rect {
		b := rect[(i+1)%len(rect)]
		za, zb := h.Sum(a.X, a.Y), h.Sum(b.X, b.Y)
		if za >= 0 {
			poly = append(poly, a)
		}
		if za == 0 && h.Weights != [2]float64{} {
			addEnd(a)
		}
		if (za >= 0) != (zb >= 0) && za != 0 && zb != 0 {
			t := za / (za - zb)
			q := plotter.XY{X: a.X + t*(b.X-a.X), Y: a.Y + t*(b.Y-a.Y)}
			poly = append(poly, q)
			addEnd(q)
		}
	}
	if len(ends) != 2 {
		ends = nil
	}
	return poly, ends
}

// addClassPoints adds the points of a LinearBoundary to p as gonum
// scatters: a disc per point (filled in the class colour for class 1,
// white for class 0) in an outline of the class colour, a red ring around
// marked points, then the labels under them, over any point or line they
// cross.
func addClassPoints(p *plot.Plot, points []ClassPoint) error {
	xys := make(plotter.XYs, len(points))
	var marked plotter.XYs
	var labels, markedLabels plotter.XYLabels
	for i, q := range points {
		xys[i] = plotter.XY{X: q.X, Y: q.Y}
		if q.Marked {
			marked = append(marked, xys[i])
		}
		switch {
		case q.Label == "":
		case q.Marked:
			markedLabels.XYs, markedLabels.Labels = append(markedLabels.XYs, xys[i]), append(markedLabels.Labels, q.Label)
		default:
			labels.XYs, labels.Labels = append(labels.XYs, xys[i]), append(labels.Labels, q.Label)
		}
	}
	discs, err := plotter.NewScatter(xys)
	if err != nil {
		return errorf("linear boundary: %v", err)
	}
	discs.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		clr := color.Color(color.White)
		if points[i].Class == 1 {
			clr = classColor
		}
		return draw.GlyphStyle{Color: clr, Radius: px(boundaryRadius), Shape: draw.CircleGlyph{}}
	}
	outlines, err := plotter.NewScatter(xys)
	if err != nil {
		return errorf("linear boundary: %v", err)
	}
	outlines.GlyphStyle = draw.GlyphStyle{Color: classColor, Radius: px(boundaryRadius), Shape: thickRing{px(boundaryRing)}}
	p.Add(discs, outlines)
	if len(marked) > 0 {
		marks, err := plotter.NewScatter(marked)
		if err != nil {
			return errorf("linear boundary: %v", err)
		}
		marks.GlyphStyle = draw.GlyphStyle{Color: wrongColor, Radius: px(boundaryMark + boundaryRing/2), Shape: thickRing{px(boundaryRing)}}
		p.Add(marks)
	}
	for _, l := range []struct {
		labels plotter.XYLabels
		clr    color.Color
		below  float64
	}{{labels, textColor, boundaryRadius}, {markedLabels, wrongColor, boundaryMark + boundaryRing/2}} {
		if len(l.labels.XYs) == 0 {
			continue
		}
		written, err := plotter.NewLabels(l.labels)
		if err != nil {
			return errorf("linear boundary: %v", err)
		}
		sty := textStyle(legendSize, l.clr, draw.XCenter, draw.YTop)
		for i := range written.TextStyle {
			written.TextStyle[i] = sty
		}
		written.Offset = vg.Point{Y: -px(l.below + boundaryLabel)}
		p.Add(written)
	}
	return nil
}

// thickRing is a glyph: a circle whose outline, Width wide, lies inside
// the glyph's radius. gonum's draw.RingGlyph strokes 0.5 points whatever
// the glyph's size, too thin to see as the outline of a point or a mark.
type thickRing struct{ Width vg.Length }

// DrawGlyph implements draw.GlyphDrawer.
func (r thickRing) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: r.Width})
	rad := sty.Radius - r.Width/2
	var path vg.Path
	path.Move(vg.Point{X: pt.X + rad, Y: pt.Y})
	path.Arc(pt, rad, 0, 2*math.Pi)
	path.Close()
	c.Stroke(path)
}
