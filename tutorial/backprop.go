package tutorial

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/tensors"
)

// Chapter 8: the gradients of graph.Gradient beside those by hand.

// CompareGradients shows, for each variable paths[i], the largest gradient
// auto[i] computed (by graph.Gradient) and the largest difference between
// auto[i] and hand[i] (by HandGradients). It returns the largest
// difference relative to the largest gradient, over all the variables.
func CompareGradients(paths []string, auto, hand []*tensors.Tensor) float64 {
	if len(auto) != len(paths) || len(hand) != len(paths) {
		check(fmt.Errorf("%d variables, %d gradients by graph.Gradient and %d by hand", len(paths), len(auto), len(hand)))
	}
	rows := [][]string{{"variable", "shape", "largest \\|gradient\\|", "largest difference"}}
	var worst float64
	for i, path := range paths {
		a, h := Must(tensors.CopyFlatData[float32](auto[i])), Must(tensors.CopyFlatData[float32](hand[i]))
		if len(a) != len(h) {
			check(fmt.Errorf("%s: %d values by graph.Gradient, %d by hand", path, len(a), len(h)))
		}
		var largest, diff float64
		for j := range a {
			largest = math.Max(largest, math.Abs(float64(a[j])))
			diff = math.Max(diff, math.Abs(float64(a[j]-h[j])))
		}
		if largest > 0 {
			worst = math.Max(worst, diff/largest)
		} else if diff > 0 {
			worst = math.Inf(1)
		}
		rows = append(rows, []string{path, auto[i].Shape().String(), fmt.Sprintf("%.3g", largest), fmt.Sprintf("%.3g", diff)})
	}
	note("%s", table(rows))
	fmt.Fprintf(stdout, "largest difference / largest gradient, over all variables: %.2g\n", worst)
	return worst
}
