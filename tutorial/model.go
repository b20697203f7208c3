package tutorial

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	backends "github.com/fashion-gomlx/fashion-gomlx/internal/backend" // "backend" is the function below
	"github.com/fashion-gomlx/fashion-gomlx/internal/num"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
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
	gap, err := nonLinearity(m)
	if err != nil {
		return verdict(false, "", "Your model does not run: "+firstLine(err))
	}
	if gap < minNonLinearity {
		return verdict(false, "", fmt.Sprintf("The layers and the %s parameters are right, but your network is linear: f(a+b) = f(a) + f(b) - f(0) "+
			"to %.1g, so its three layers compute no more than one would. Put activation.Relu on the output of each hidden layer.", num.Thousands(want), gap))
	}
	return verdict(true, fmt.Sprintf("784-300-100-10: 784×300 + 300 + 300×100 + 100 + 100×10 + 10 = %s parameters, "+
		"read from your model's variables, and the network is not linear in its input (f(a+b) differs from f(a) + f(b) - f(0) by %.2g of its size): "+
		"the non-linearity between the layers is there.", num.Thousands(want), gap), "")
}

// minNonLinearity is the least relative gap between f(a+b) and f(a) + f(b)
// - f(0) that shows a non-linear model: a linear (affine) one leaves only
// float32 rounding, about 1e-6.
const minNonLinearity = 1e-3

// nonLinearity returns how far a model's logits are from affine in its
// input: |f(a+b) - f(a) - f(b) + f(0)| over |f(a+b)|, largest over the
// logits, for two random images a and b. Layers with ReLU (or any other
// non-linear activation) between them give a gap of the order of 0.1;
// without an activation, dense layers compose to one affine map, and the
// gap is rounding.
func nonLinearity(m *fashion.Model) (float64, error) {
	rng := rand.New(rand.NewPCG(Seed, 7))
	a, b := make([]float32, fashionmnist.ImagePixels), make([]float32, fashionmnist.ImagePixels)
	for i := range a {
		a[i], b[i] = rng.Float32(), rng.Float32()
	}
	batch := make([]float32, 0, 4*fashionmnist.ImagePixels)
	batch = append(batch, a...)
	batch = append(batch, b...)
	for i := range a {
		batch = append(batch, a[i]+b[i])
	}
	batch = append(batch, make([]float32, fashionmnist.ImagePixels)...)
	var logits []float32
	err := tryRun(func() error {
		out, err := model.CallOnce(m.Backend(), m.Store(), func(scope *model.Scope, images *graph.Node) *graph.Node {
			return graph.ConvertDType(m.ModelFn()(scope, images), dtypes.Float32)
		}, tensors.FromFlatDataAndDimensions(batch, 4, fashionmnist.ImageSize, fashionmnist.ImageSize))
		if err != nil {
			return err
		}
		logits, err = tensors.CopyFlatData[float32](out)
		return err
	})
	if err != nil {
		return 0, err
	}
	k := len(logits) / 4
	var gap, size float64
	for j := range k {
		fa, fb, fab, f0 := float64(logits[j]), float64(logits[k+j]), float64(logits[2*k+j]), float64(logits[3*k+j])
		gap = max(gap, math.Abs(fab-fa-fb+f0))
		size = max(size, math.Abs(fab))
	}
	if size == 0 {
		return 0, fmt.Errorf("all logits are 0")
	}
	return gap / size, nil
}
