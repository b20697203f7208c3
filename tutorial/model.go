package tutorial

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	backends "github.com/fashion-gomlx/fashion-gomlx/internal/backend" // "backend" is the function below
	"github.com/fashion-gomlx/fashion-gomlx/internal/num"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
	"github.com/gomlx/compute"
)

// Chapter 7: building the model.

// Seed is the seed of the tutorial's initial weights and shuffling.
const Seed = 1

// backend returns the backend GoMLX picks here.
func backend() compute.Backend {
	b, err := backendOnce()
	check(err)
	return b
}

// backendOnce makes one backend per program: tensors of one backend cannot
// go into another's graphs.
var backendOnce = sync.OnceValues(func() (compute.Backend, error) {
	b, _, err := backends.NewBackend("")
	return b, err
})

// ShowFirstLayer prints the shapes and the first values of the first hidden
// layer's weights and biases (as the article does with get_weights()), and
// shows how the weights spread within their Glorot limits.
func ShowFirstLayer(m *fashion.Model) {
	lw := Must(m.Weights("dense"))
	limit := fashion.GlorotLimit(len(lw.Weights), len(lw.Biases))
	var b strings.Builder
	fmt.Fprintf(&b, "weights: shape (%d, %d), Glorot limit sqrt(6 / (%d + %d)) = %.5f\n",
		len(lw.Weights), len(lw.Weights[0]), len(lw.Weights), len(lw.Biases), limit)
	for _, row := range lw.Weights[:3] {
		fmt.Fprintf(&b, "  [%s ...]\n", formatFloats(row[:min(6, len(row))]))
	}
	fmt.Fprintf(&b, "  ...\nbiases: shape (%d,)\n  [%s ...]\n", len(lw.Biases), formatFloats(lw.Biases[:min(6, len(lw.Biases))]))
	fmt.Fprint(stdout, b.String())
	Show(figures.WeightHistogram("dense", len(lw.Weights), len(lw.Biases),
		map[string]*fashion.LayerWeights{"initial": lw}, "initial"))
}

// formatFloats prints values with 5 decimals.
func formatFloats(values []float32) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprintf("%8.5f", v)
	}
	return strings.Join(parts, " ")
}

// smallWidths are the layer widths of chapter 7's exercise, 784-300-100-10
// without its input.
var smallWidths = []int{300, 100, fashionmnist.NumClasses}

// CheckSmallModel checks the exercise of chapter 7: fn must be the
// 784-300-100-10 network. It builds the model with fashion.New, reads the
// dense layers and the parameter count from the model's variables, and
// compares them with the count worked out here, layer by layer.
func CheckSmallModel(fn fashion.ModelFn) bool {
	m, err := fashion.New(backend(), fn, Seed)
	if err != nil {
		return verdict(false, "", "Your function does not build: "+strings.ReplaceAll(err.Error(), "\n", " "))
	}
	var widths []int
	var found []string
	for _, l := range m.Layers() {
		if l.Type == "Dense" {
			widths = append(widths, l.Units)
			found = append(found, fmt.Sprintf("%s (%d units)", l.Name, l.Units))
		}
	}
	want, in := 0, fashionmnist.ImagePixels
	for _, units := range smallWidths {
		want += in*units + units
		in = units
	}
	if !slices.Equal(widths, smallWidths) {
		return verdict(false, "", fmt.Sprintf("Your model's dense layers are %s; the exercise wants 300, 100 and 10 units, "+
			"each in a scope of its own (scope.In(\"dense\"), scope.In(\"dense_1\"), ...).", strings.Join(found, ", ")))
	}
	if m.NumParams() != want {
		return verdict(false, "", fmt.Sprintf("The layers are right but the model has %s parameters, not %s: does it create other variables, or a layer without biases?",
			num.Thousands(m.NumParams()), num.Thousands(want)))
	}
	return verdict(true, fmt.Sprintf("784-300-100-10: 784×300 + 300 + 300×100 + 100 + 100×10 + 10 = %s parameters, "+
		"read from your model's variables. (The check counts layers and parameters; it cannot see whether ReLU is between them.)",
		num.Thousands(want)), "")
}
