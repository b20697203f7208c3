package viz

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// gatePoints returns the four inputs of a two-input gate, of class 1 where
// the gate given by its truth table (for 00, 01, 10, 11) answers 1.
func gatePoints(table [4]int) []ClassPoint {
	var ps []ClassPoint
	for i, x := range [][2]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
		ps = append(ps, ClassPoint{X: x[0], Y: x[1], Class: table[i]})
	}
	return ps
}

func TestHalfPlaneClip(t *testing.T) {
	// x + y - 1.5 >= 0 cuts the square [-0.5, 1.5]^2 along x + y = 1.5:
	// the triangle (0, 1.5), (1.5, 0), (1.5, 1.5).
	and := HalfPlane{Weights: [2]float64{1, 1}, Bias: -1.5}
	half, line := and.clip(-0.5, 1.5, -0.5, 1.5)
	if len(half) != 3 {
		t.Fatalf("half plane %v, want a triangle", half)
	}
	for _, q := range half {
		if and.Sum(q.X, q.Y) < -1e-12 {
			t.Errorf("half-plane corner %v has sum %g < 0", q, and.Sum(q.X, q.Y))
		}
	}
	if len(line) != 2 {
		t.Fatalf("boundary %v, want 2 points", line)
	}
	for _, q := range line {
		if d := q.X + q.Y - 1.5; d > 1e-12 || d < -1e-12 {
			t.Errorf("boundary point %v is not on the line", q)
		}
	}
	// Without weights the unit answers the same everywhere and has no line.
	if h, _ := (HalfPlane{Bias: -1}).clip(-0.5, 1.5, -0.5, 1.5); len(h) != 0 {
		t.Errorf("0 weights, bias -1: half plane %v, want none", h)
	}
	if h, l := (HalfPlane{Bias: 1}).clip(-0.5, 1.5, -0.5, 1.5); len(h) != 4 || len(l) != 0 {
		t.Errorf("0 weights, bias 1: half plane %v and line %v, want the whole square and no line", h, l)
	}
	// A line through a corner only, a line along an edge, a line missing
	// the square.
	if _, l := (HalfPlane{Weights: [2]float64{1, 1}, Bias: -3}).clip(-0.5, 1.5, -0.5, 1.5); len(l) != 0 {
		t.Errorf("line touching a corner: ends %v, want none", l)
	}
	if h, l := (HalfPlane{Weights: [2]float64{1, 0}, Bias: 0.5}).clip(-0.5, 1.5, -0.5, 1.5); len(h) != 4 || len(l) != 2 || l[0].X != -0.5 || l[1].X != -0.5 {
		t.Errorf("line along the left edge: half plane %v, ends %v", h, l)
	}
	if h, l := (HalfPlane{Weights: [2]float64{0, 1}, Bias: 5}).clip(-0.5, 1.5, -0.5, 1.5); len(h) != 4 || len(l) != 0 {
		t.Errorf("line above the square: half plane %v, ends %v", h, l)
	}
}

func TestLinearBoundaryRenders(t *testing.T) {
	and := gatePoints([4]int{0, 0, 0, 1})
	and[1].Label, and[1].Marked = "unit: 1 (wrong)", true
	for name, lb := range map[string]LinearBoundary{
		"points only":   {Title: "XOR: filled = 1, hollow = 0", XLabel: "x1", YLabel: "x2", Points: gatePoints([4]int{0, 1, 1, 0}), Margin: 0.5},
		"boundary":      {Title: "AND", Points: and, Boundary: &HalfPlane{Weights: [2]float64{1, 1}, Bias: -1.5}, Margin: 0.5},
		"zero weights":  {Points: and, Boundary: &HalfPlane{Bias: 1}},
		"one point":     {Points: []ClassPoint{{X: 3, Y: -2, Class: 1}}},
		"a row":         {Points: []ClassPoint{{X: 0, Y: 0}, {X: 10, Y: 0, Class: 1}}, Boundary: &HalfPlane{Weights: [2]float64{1, 0}, Bias: -5}},
		"fractions":     {Points: []ClassPoint{{X: 0.12, Y: 0.3}, {X: 0.5, Y: 0.91, Class: 1}}, Boundary: &HalfPlane{Weights: [2]float64{0.3, 1}, Bias: -0.7}},
		"missed square": {Points: and, Boundary: &HalfPlane{Weights: [2]float64{1, 1}, Bias: 100}},
		"wide title":    {Title: "a title much wider than the small plot under it, to be centred", Points: and},
	} {
		fig, err := lb.Figure()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkRenders(t, fig, 180, 1000, 180, 600)
	}
}

// TestLinearBoundaryShadesTheRightSide checks, near the corners of the
// data area, that the figure is shaded where the sum is at least 0 and
// white elsewhere, for lines in several directions.
func TestLinearBoundaryShadesTheRightSide(t *testing.T) {
	shade := color.RGBAModel.Convert(shadeColor)
	white := color.RGBAModel.Convert(color.White)
	for _, h := range []HalfPlane{
		{Weights: [2]float64{1, 1}, Bias: -1.5},   // AND: upper right
		{Weights: [2]float64{-1, -1}, Bias: 1.5},  // NAND: lower left
		{Weights: [2]float64{1, 0}, Bias: -0.75},  // right of x = 0.75
		{Weights: [2]float64{0, -2}, Bias: 0.5},   // below y = 0.25
		{Weights: [2]float64{-1, 1}, Bias: 0},     // above the diagonal
		{Weights: [2]float64{0, 0}, Bias: 0},      // everywhere
		{Weights: [2]float64{0, 0}, Bias: -0.001}, // nowhere
	} {
		lb := LinearBoundary{Title: "side", Points: gatePoints([4]int{0, 0, 0, 1}), Boundary: &h, Margin: 0.5}
		fig, err := lb.Figure()
		if err != nil {
			t.Fatal(err)
		}
		img := renderPNG(t, fig)
		fp, titleH, err := lb.layout()
		if err != nil {
			t.Fatal(err)
		}
		pw, _ := fp.size()
		left := margin + (fig.width.Dots(DPI)-2*margin-pw)/2 + fp.left
		top := margin + titleH + fp.top
		// pixel returns the figure pixel at (x, y) in data units, on the
		// data area [-0.5, 1.5]^2.
		pixel := func(x, y float64) (image.Point, color.Color) {
			px := int(left + (x+0.5)/2*fp.dataW)
			py := int(top + (1.5-y)/2*fp.dataH)
			return image.Point{X: px, Y: py}, color.RGBAModel.Convert(img.At(px, py))
		}
		for _, q := range [][2]float64{{-0.45, -0.45}, {1.45, -0.45}, {1.45, 1.45}, {-0.45, 1.45}, {0.5, -0.45}, {-0.45, 0.5}, {1.45, 0.5}, {0.5, 1.45}} {
			if math.Abs(h.Sum(q[0], q[1])) < 0.1 {
				continue // too near the line
			}
			want := white
			if h.Contains(q[0], q[1]) {
				want = shade
			}
			if at, got := pixel(q[0], q[1]); got != want {
				t.Errorf("%+v: at (%g, %g), figure pixel %v is %v, want %v", h, q[0], q[1], at, got, want)
			}
		}
	}
}

func TestLinearBoundaryBadInput(t *testing.T) {
	ps := gatePoints([4]int{0, 1, 1, 1})
	nan := func(i int, x float64) []ClassPoint {
		q := append([]ClassPoint(nil), ps...)
		q[i].Y = x
		return q
	}
	class := append([]ClassPoint(nil), ps...)
	class[2].Class = 2
	for name, lb := range map[string]LinearBoundary{
		"no points":       {},
		"NaN point":       {Points: nan(1, math.NaN())},
		"infinite point":  {Points: nan(3, math.Inf(-1))},
		"class 2":         {Points: class},
		"negative margin": {Points: ps, Margin: -1},
		"NaN margin":      {Points: ps, Margin: math.NaN()},
		"infinite margin": {Points: ps, Margin: math.Inf(1)},
		"huge span":       {Points: []ClassPoint{{X: -math.MaxFloat64}, {X: math.MaxFloat64}}},
		"NaN weight":      {Points: ps, Boundary: &HalfPlane{Weights: [2]float64{math.NaN(), 1}}},
		"infinite bias":   {Points: ps, Boundary: &HalfPlane{Weights: [2]float64{1, 1}, Bias: math.Inf(1)}},
		"overflowing sum": {Points: ps, Boundary: &HalfPlane{Weights: [2]float64{math.MaxFloat64, math.MaxFloat64}}},
	} {
		if _, err := lb.Figure(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
