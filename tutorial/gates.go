package tutorial

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Chapter 2: pictures of a threshold logic unit on two inputs.

// gates are the logic functions of two inputs the chapter talks about.
var gates = map[string]func(a, b bool) bool{
	"AND":  func(a, b bool) bool { return a && b },
	"OR":   func(a, b bool) bool { return a || b },
	"NAND": func(a, b bool) bool { return !(a && b) },
	"NOR":  func(a, b bool) bool { return !(a || b) },
	"XOR":  func(a, b bool) bool { return a != b },
}

// gateInputs are the four inputs of a two-input gate.
var gateInputs = [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}}

// gateWidth and gateHeight are the size of the gate figures, in pixels.
const gateWidth, gateHeight = 420, 380

// Colours of the gate figures.
var (
	gateOneColor  color.Color = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff} // an answer of 1
	gateHalfColor color.Color = color.RGBA{R: 0xd6, G: 0xe6, B: 0xf4, A: 0xff} // where the unit answers 1
	gateWrongRed  color.Color = color.RGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
)

// ShowGate shows the four inputs of a logic gate ("AND", "OR", "NAND",
// "NOR" or "XOR") as points of the plane, filled where the gate answers 1
// and hollow where it answers 0: a single TLU can compute the gate only if
// one straight line separates the filled points from the hollow ones.
func ShowGate(name string) {
	gate, ok := gates[strings.ToUpper(name)]
	if !ok {
		check(fmt.Errorf("no gate %q: try AND, OR, NAND, NOR or XOR", name))
	}
	p := gatePlot(strings.ToUpper(name) + ": filled = 1, hollow = 0")
	p.Add(plotter.NewGrid())
	gatePoints(p, gate, nil)
	out.image(gatePNG(p))
}

// ShowTLU shows what a two-input TLU computes: the line where its sum
// w1*x1 + w2*x2 + bias is 0, and the half of the plane (shaded) where it
// answers 1. When name is a gate ("AND", "OR", ...), the points show the
// gate's answers (filled = 1) and the inputs the unit gets wrong are
// marked in red.
func ShowTLU(name string, weights []float64, bias float64) {
	if len(weights) != 2 {
		check(fmt.Errorf("a two-input unit needs 2 weights, got %d", len(weights)))
	}
	gate := gates[strings.ToUpper(name)]
	p := gatePlot(fmt.Sprintf("%s unit: %s ≥ 0 (shaded)", name, formatSum(weights, bias)))
	if half := halfPlane(weights, bias); len(half) > 0 {
		poly, err := plotter.NewPolygon(half)
		check(err)
		poly.Color = gateHalfColor
		poly.LineStyle.Width = 0
		p.Add(poly)
	}
	if line := boundary(weights, bias); len(line) == 2 {
		l, err := plotter.NewLine(line)
		check(err)
		l.Color = gateOneColor
		l.Width = vg.Points(2)
		p.Add(l)
	}
	p.Add(plotter.NewGrid())
	if gate == nil {
		gate = func(a, b bool) bool { return TLU(weights, bias, []float64{b2f(a), b2f(b)}) == 1 }
	}
	gatePoints(p, gate, func(x []float64) int { return TLU(weights, bias, x) })
	out.image(gatePNG(p))
}

// gatePlot returns an empty plot of the square around the four inputs.
func gatePlot(title string) *plot.Plot {
	p := plot.New()
	sans := func(size vg.Length) font.Font {
		return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	}
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(13)
	p.X.Label.Text, p.Y.Label.Text = "x1", "x2"
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Min, a.Max = -0.5, 1.5
		a.Label.TextStyle.Font = sans(12)
		a.Tick.Label.Font = sans(10)
		a.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 1, Label: "1"}})
	}
	return p
}

// gatePoints draws the four inputs, filled where gate answers 1, each
// labelled with the unit's answer when unit is not nil (in red when it
// differs from the gate's).
func gatePoints(p *plot.Plot, gate func(a, b bool) bool, unit func(x []float64) int) {
	for _, x := range gateInputs {
		want := gate(x[0] == 1, x[1] == 1)
		s, err := plotter.NewScatter(plotter.XYs{{X: x[0], Y: x[1]}})
		check(err)
		s.GlyphStyle = draw.GlyphStyle{Color: gateOneColor, Radius: vg.Points(7), Shape: draw.RingGlyph{}}
		if want {
			s.GlyphStyle.Shape = draw.CircleGlyph{}
		}
		p.Add(s)
		if unit == nil {
			continue
		}
		got := unit(x)
		lbl, err := plotter.NewLabels(plotter.XYLabels{
			XYs:    []plotter.XY{{X: x[0], Y: x[1]}},
			Labels: []string{fmt.Sprintf("  unit: %d", got)},
		})
		check(err)
		lbl.TextStyle[0].Font = font.Font{Typeface: "Liberation", Variant: "Sans", Size: 11}
		lbl.TextStyle[0].YAlign = draw.YCenter
		lbl.Offset = vg.Point{X: vg.Points(4)}
		if (got == 1) != want {
			lbl.TextStyle[0].Color = gateWrongRed
			lbl.Labels[0] += " (wrong)"
		}
		p.Add(lbl)
	}
}

// halfPlane returns the polygon of the plotted square where the unit's sum
// is at least 0 (Sutherland-Hodgman clipping of the square by one line).
func halfPlane(w []float64, bias float64) plotter.XYs {
	z := func(q plotter.XY) float64 { return w[0]*q.X + w[1]*q.Y + bias }
	square := plotter.XYs{{X: -0.5, Y: -0.5}, {X: 1.5, Y: -0.5}, {X: 1.5, Y: 1.5}, {X: -0.5, Y: 1.5}}
	var poly plotter.XYs
	for i, a := range square {
		b := square[(i+1)%len(square)]
		za, zb := z(a), z(b)
		if za >= 0 {
			poly = append(poly, a)
		}
		if (za >= 0) != (zb >= 0) {
			t := za / (za - zb)
			poly = append(poly, plotter.XY{X: a.X + t*(b.X-a.X), Y: a.Y + t*(b.Y-a.Y)})
		}
	}
	return poly
}

// boundary returns the two ends of the line w1*x1 + w2*x2 + bias = 0
// within the plotted square, or nothing when it does not cross it.
func boundary(w []float64, bias float64) plotter.XYs {
	half := halfPlane(w, bias)
	var line plotter.XYs
	for _, q := range half {
		if v := w[0]*q.X + w[1]*q.Y + bias; v > -1e-9 && v < 1e-9 && !containsXY(line, q) {
			line = append(line, q)
		}
	}
	return line
}

func containsXY(s plotter.XYs, q plotter.XY) bool {
	for _, p := range s {
		if p == q {
			return true
		}
	}
	return false
}

// formatSum writes the unit's weighted sum, such as "x1 + x2 − 1.5".
func formatSum(w []float64, bias float64) string {
	var b strings.Builder
	term := func(c float64, name string) {
		if c == 0 {
			return
		}
		switch {
		case b.Len() == 0 && c < 0:
			b.WriteString("−")
		case b.Len() > 0 && c < 0:
			b.WriteString(" − ")
		case b.Len() > 0:
			b.WriteString(" + ")
		}
		if c < 0 {
			c = -c
		}
		switch {
		case name == "":
			fmt.Fprintf(&b, "%g", c)
		case c == 1:
			b.WriteString(name)
		default:
			fmt.Fprintf(&b, "%g·%s", c, name)
		}
	}
	term(w[0], "x1")
	term(w[1], "x2")
	term(bias, "")
	if b.Len() == 0 {
		return "0"
	}
	return b.String()
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// gatePNG draws a gate figure as PNG.
func gatePNG(p *plot.Plot) []byte {
	c := vgimg.NewWith(vgimg.UseWH(gateWidth*72/96, gateHeight*72/96), vgimg.UseDPI(96), vgimg.UseBackgroundColor(color.White))
	m := vg.Points(10)
	p.Draw(draw.Crop(draw.New(c), m, -m, m, -m))
	var b bytes.Buffer
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(&b)
	check(err)
	return b.Bytes()
}
