package tutorial

import (
	"fmt"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
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

// ShowGate shows the four inputs of a logic gate ("AND", "OR", "NAND",
// "NOR" or "XOR") as points of the plane, filled where the gate answers 1
// and hollow where it answers 0: a single TLU can compute the gate only if
// one straight line separates the filled points from the hollow ones.
func ShowGate(name string) {
	gate, ok := gates[strings.ToUpper(name)]
	if !ok {
		check(fmt.Errorf("no gate %q: try AND, OR, NAND, NOR or XOR", name))
	}
	Show(viz.LinearBoundary{
		Title:  strings.ToUpper(name) + ": filled = 1, hollow = 0",
		XLabel: "x1", YLabel: "x2",
		Points: gatePoints(gate, nil),
		Margin: 0.5,
	}.Figure())
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
	unit := func(x []float64) int { return TLU(weights, bias, x) }
	gate := gates[strings.ToUpper(name)]
	if gate == nil { // not a gate: the points show the unit's own answers
		gate = func(a, b bool) bool { return unit([]float64{b2f(a), b2f(b)}) == 1 }
	}
	Show(viz.LinearBoundary{
		Title:  fmt.Sprintf("%s unit: %s ≥ 0 (shaded)", name, formatSum(weights, bias)),
		XLabel: "x1", YLabel: "x2",
		Points:   gatePoints(gate, unit),
		Boundary: &viz.HalfPlane{Weights: [2]float64{weights[0], weights[1]}, Bias: bias},
		Margin:   0.5,
	}.Figure())
}

// gatePoints returns the four inputs as points, of class 1 where gate
// answers 1, each labelled with the unit's answer when unit is not nil
// (and marked when it differs from the gate's).
func gatePoints(gate func(a, b bool) bool, unit func(x []float64) int) []viz.ClassPoint {
	points := make([]viz.ClassPoint, len(gateInputs))
	for i, x := range gateInputs {
		want := gate(x[0] == 1, x[1] == 1)
		q := viz.ClassPoint{X: x[0], Y: x[1], Class: int(b2f(want))}
		if unit != nil {
			got := unit(x)
			q.Label = fmt.Sprintf("unit: %d", got)
			if q.Marked = (got == 1) != want; q.Marked {
				q.Label += " (wrong)"
			}
		}
		points[i] = q
	}
	return points
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
