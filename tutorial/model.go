package tutorial

import (
	"fmt"
	"math"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
	"github.com/gomlx/compute"
)

// Chapter 7: building the model.

// Seed is the seed of the tutorial's initial weights and shuffling.
const Seed = 1

// NewModel builds the article's network (784-500-250-100-10) with fresh
// Glorot-uniform weights, on the backend GoMLX picks here (ShowTools says
// which).
func NewModel() *fashion.Model {
	return Must(fashion.New(backend(), fashion.ArticleMLP, Seed))
}

// backend returns the backend GoMLX picks here.
func backend() compute.Backend {
	b, _, err := fashion.NewBackend("")
	check(err)
	return b
}

// ShowSummary prints the model's layers as Keras' model.summary() does.
func ShowSummary(m *fashion.Model) { fmt.Fprintln(stdout, m.Summary()) }

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
		fmt.Fprintf(&b, "  [%s ...]\n", formatFloats(row[:6]))
	}
	fmt.Fprintf(&b, "  ...\nbiases: shape (%d,)\n  [%s ...]\n", len(lw.Biases), formatFloats(lw.Biases[:6]))
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

// ReLU is the rectified linear unit: max(0, x).
func ReLU(x float64) float64 { return math.Max(0, x) }

// Softmax turns scores into probabilities: exp(x_i) / sum_j exp(x_j),
// computed stably by subtracting the largest score first.
func Softmax(scores []float64) []float64 {
	biggest := math.Inf(-1)
	for _, s := range scores {
		biggest = math.Max(biggest, s)
	}
	out := make([]float64, len(scores))
	sum := 0.0
	for i, s := range scores {
		out[i] = math.Exp(s - biggest)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// CheckParams checks the number of parameters of a dense layer.
func CheckParams(m *fashion.Model, layer string, n int) bool {
	for _, l := range m.Layers() {
		if l.Name == layer {
			return verdict(n == l.Params, fmt.Sprintf("%s has %d weights and biases.", layer, l.Params),
				"A dense layer has one weight per (input, unit) pair, plus one bias per unit.")
		}
	}
	return verdict(false, "", fmt.Sprintf("There is no layer %q: look at the summary's names.", layer))
}
