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

// CheckOR checks weights and a bias that make a TLU compute logical OR. A
// failure names each input the unit gets wrong, with the unit's sum there.
func CheckOR(weights []float64, bias float64) bool {
	const name = "or"
	if len(weights) != 2 {
		return verdict(name, false, "", fmt.Sprintf("A unit of two inputs has 2 weights; yours has %d.", len(weights)))
	}
	var wrongs []string
	for _, x := range gateInputs {
		want := 0
		if x[0] == 1 || x[1] == 1 {
			want = 1
		}
		if got := TLU(weights, bias, x); got != want {
			z := bias + weights[0]*x[0] + weights[1]*x[1]
			cmp := "≥ 0"
			if z < 0 {
				cmp = "< 0"
			}
			wrongs = append(wrongs, fmt.Sprintf("at (%g, %g) the sum is %g %s, so the unit answers %d where OR answers %d", x[0], x[1], z, cmp, got, want))
		}
	}
	if len(wrongs) == 0 {
		return verdict(name, true, "One unit draws one straight line between the inputs that give 0 and those that give 1.", "")
	}
	return verdict(name, false, "", "Your unit gets "+fmt.Sprint(len(wrongs))+" of the 4 inputs wrong: "+strings.Join(wrongs, "; ")+".")
}
