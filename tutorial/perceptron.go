package tutorial

import (
	"fmt"
	"strings"
)

// Chapter 2: the perceptron and the multilayer perceptron.

// Step is the Heaviside step function of Rosenblatt's threshold logic unit:
// 1 when z >= 0, else 0.
func Step(z float64) int {
	if z >= 0 {
		return 1
	}
	return 0
}

// TLU is a threshold logic unit: the weighted sum of the inputs plus the
// bias, through the step function.
func TLU(weights []float64, bias float64, inputs []float64) int {
	z := bias
	for i, w := range weights {
		z += w * inputs[i]
	}
	return Step(z)
}

// ShowTruthTable prints what a two-input TLU answers for every input pair.
func ShowTruthTable(name string, weights []float64, bias float64) {
	if len(weights) != 2 {
		check(fmt.Errorf("a two-input unit needs 2 weights, got %d", len(weights)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: z = %g*x1 + %g*x2 + (%g)\n", name, weights[0], weights[1], bias)
	fmt.Fprintln(&b, "x1 x2 | output")
	for _, x := range [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
		fmt.Fprintf(&b, " %g  %g |   %d\n", x[0], x[1], TLU(weights, bias, x))
	}
	fmt.Fprint(stdout, b.String())
}

// CheckOR checks weights and a bias that make a TLU compute logical OR.
func CheckOR(weights []float64, bias float64) bool {
	ok := len(weights) == 2
	for _, x := range [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
		want := 0
		if x[0] == 1 || x[1] == 1 {
			want = 1
		}
		ok = ok && TLU(weights, bias, x) == want
	}
	return verdict(ok, "One unit draws one straight line between the inputs that give 0 and those that give 1.",
		"OR should answer 0 only for (0, 0): try weights that each push the sum above 0 on their own, and a bias a bit below 0.")
}
