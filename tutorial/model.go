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
	first := ""
	for _, l := range m.Layers() {
		if l.Type == "Dense" && first == "" {
			first = l.Name
		}
	}
	lw := Must(m.Weights(first))
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

// articleWidths are the units of the article's dense layers, in order:
// 784-500-250-100-10 without its input.
var articleWidths = []int{500, 250, 100, fashionmnist.NumClasses}

// denseLayer is one dense layer of a model, read from its variables.
type denseLayer struct {
	name    string
	weights [][]float32 // [inputs][units]
	biases  []float32
}

// denseLayers returns the dense layers of m (weights [inputs, units] and
// biases [units] in one scope), in the order the model function created
// them.
func denseLayers(m *fashion.Model) ([]denseLayer, error) {
	var out []denseLayer
	for _, l := range m.Layers() {
		if l.Type != "Dense" {
			continue
		}
		w, b := m.Store().GetVariable("/"+l.Name+"/weights"), m.Store().GetVariable("/"+l.Name+"/biases")
		if w == nil || b == nil {
			return nil, fmt.Errorf("the layer %s has no biases", l.Name)
		}
		wv, err := w.Value()
		if err != nil {
			return nil, err
		}
		bv, err := b.Value()
		if err != nil {
			return nil, err
		}
		flat := tensors.MustCopyFlatData[float32](wv)
		rows, cols := wv.Shape().Dimensions[0], wv.Shape().Dimensions[1]
		layer := denseLayer{name: l.Name, biases: tensors.MustCopyFlatData[float32](bv)}
		for r := range rows {
			layer.weights = append(layer.weights, flat[r*cols:(r+1)*cols])
		}
		out = append(out, layer)
	}
	return out, nil
}

// activations are the functions a network may put after a hidden layer,
// the article's ReLU and those a wrong network may put in its place.
var activations = map[string]func(float64) float64{
	"relu":    func(z float64) float64 { return math.Max(0, z) },
	"none":    func(z float64) float64 { return z },
	"sigmoid": func(z float64) float64 { return 1 / (1 + math.Exp(-z)) },
}

// forward computes, in Go, the logits of a dense network from its layers,
// for images (784 values each), with the activation act[i] after hidden
// layer i and out applied to the last layer's values ("none", "relu" or
// "softmax").
func forward(layers []denseLayer, images [][]float32, act []string, out string) [][]float64 {
	var logits [][]float64
	for _, img := range images {
		x := make([]float64, len(img))
		for i, p := range img {
			x[i] = float64(p)
		}
		for li, l := range layers {
			y := make([]float64, len(l.biases))
			for j := range y {
				y[j] = float64(l.biases[j])
			}
			for i, xi := range x {
				if xi == 0 {
					continue
				}
				for j, w := range l.weights[i] {
					y[j] += xi * float64(w)
				}
			}
			if li < len(layers)-1 {
				for j := range y {
					y[j] = activations[act[li]](y[j])
				}
			}
			x = y
		}
		switch out {
		case "relu":
			for j := range x {
				x[j] = math.Max(0, x[j])
			}
		case "softmax":
			largest, sum := slices.Max(x), 0.0
			for j := range x {
				x[j] = math.Exp(x[j] - largest)
				sum += x[j]
			}
			for j := range x {
				x[j] /= sum
			}
		}
		logits = append(logits, x)
	}
	return logits
}

// farthest returns the largest difference between a and b, relative to
// b's largest value.
func farthest(a [][]float32, b [][]float64) float64 {
	var diff, size float64
	for i := range b {
		for j := range b[i] {
			diff = math.Max(diff, math.Abs(float64(a[i][j])-b[i][j]))
			size = math.Max(size, math.Abs(b[i][j]))
		}
	}
	return diff / math.Max(size, 1e-6)
}

// modelCheckImages returns n random images, the same at every call.
func modelCheckImages(n int) [][]float32 {
	rng := rand.New(rand.NewPCG(Seed, 7))
	images := make([][]float32, n)
	for i := range images {
		images[i] = make([]float32, fashionmnist.ImagePixels)
		for j := range images[i] {
			images[i][j] = rng.Float32()
		}
	}
	return images
}

// runModel returns a model's logits for images, from its own function.
func runModel(m *fashion.Model, images [][]float32) ([][]float32, error) {
	flat := slices.Concat(images...)
	var logits [][]float32
	outs, err := callGraph(m.Store(), func(scope *model.Scope, images *graph.Node) *graph.Node {
		return graph.ConvertDType(m.ModelFn()(scope, images), dtypes.Float32)
	}, tensors.FromFlatDataAndDimensions(flat, len(images), fashionmnist.ImageSize, fashionmnist.ImageSize))
	if err != nil {
		return nil, err
	}
	out := outs[0]
	if dims := out.Shape().Dimensions; len(dims) != 2 || dims[0] != len(images) {
		return nil, fmt.Errorf("for %d images your function returns shape %s; want [%d, 10], the logits of each image", len(images), out.Shape(), len(images))
	}
	values := tensors.MustCopyFlatData[float32](out)
	k := out.Shape().Dimensions[1]
	for i := range images {
		logits = append(logits, values[i*k:(i+1)*k])
	}
	return logits, nil
}

// CheckArticleModel checks chapter 7's exercise: fn must be the article's
// network, 784-500-250-100-10, with ReLU after each hidden layer and the
// logits out. It builds the model with fashion.New, reads its dense layers
// from the model's variables (any scope names: GoMLX's
// layers.DenseWithBias passes too), checks their sizes and how they
// connect, then runs fn on random images and compares its logits with
// those computed here, in Go, from the same weights. When they differ it
// recognises the usual wrong activations (none after a hidden layer,
// softmax or ReLU on the logits, the sigmoid), computed the same way.
func CheckArticleModel(fn fashion.ModelFn) bool {
	const name = "mlp"
	if fn == nil {
		return verdict(name, false, "", "There is no function: write mlp.")
	}
	m, err := fashion.New(backend(), fn, Seed)
	if err != nil {
		msg := firstLine(err)
		if strings.Contains(msg, "creates no trainable variable") {
			return verdict(name, false, "", "Your function creates no layer yet: write the article's dense layers.")
		}
		return verdict(name, false, "", "Your function does not build: "+msg)
	}
	layers, err := denseLayers(m)
	if err != nil {
		return verdict(name, false, "", "Your model's layers: "+err.Error())
	}
	var found []string
	var widths []int
	for _, l := range layers {
		widths = append(widths, len(l.biases))
		found = append(found, fmt.Sprintf("%s (%d units)", l.name, len(l.biases)))
	}
	if !slices.Equal(widths, articleWidths) {
		if len(layers) == 0 {
			return verdict(name, false, "", "Your model has no dense layer: write the article's, each with fashion.Dense in a scope of its own.")
		}
		return verdict(name, false, "", fmt.Sprintf("Your model's dense layers, in the order they are built: %s; the article's are 500, 250, 100 and 10 units, in this order, each in a scope of its own.",
			strings.Join(found, ", ")))
	}
	in := fashionmnist.ImagePixels
	for i, l := range layers {
		if len(l.weights) != in {
			if i == 0 {
				return verdict(name, false, "", fmt.Sprintf("The first layer, %s, reads %d values per image, not the 784 pixels: flatten the images first.", l.name, len(l.weights)))
			}
			return verdict(name, false, "", fmt.Sprintf("%s reads %d values, but %s before it gives %d: each layer reads the output of the one before.",
				l.name, len(l.weights), layers[i-1].name, in))
		}
		in = len(l.biases)
	}
	if want := 543860; m.NumParams() != want {
		return verdict(name, false, "", fmt.Sprintf("The four layers are right but the model has %s parameters, not %s: it creates other variables.",
			num.Thousands(m.NumParams()), num.Thousands(want)))
	}
	images := modelCheckImages(4)
	got, err := runModel(m, images)
	if err != nil {
		return verdict(name, false, "", "Your model does not run: "+firstLine(err))
	}
	const tol = 1e-4
	hidden := func(acts ...string) []string { return acts }
	var wrongNames []string
	for i, l := range layers {
		if want := []string{"dense", "dense_1", "dense_2", "dense_3"}[i]; l.name != want && !strings.HasPrefix(l.name, want+"/") {
			wrongNames = append(wrongNames, fmt.Sprintf("%s (want %s)", l.name, want))
		}
	}
	if len(wrongNames) > 0 {
		return verdict(name, false, "", fmt.Sprintf("Your layers' scopes are %s: the chapters that follow find the weights by the Keras names, each layer in scope.In(\"dense\"), scope.In(\"dense_1\"), and so on.",
			strings.Join(wrongNames, ", ")))
	}
	names := ""
	if layers[0].name != "dense" {
		names = " (Your layers keep their variables one scope deeper, as layers.DenseWithBias does: chapters 9 to 13 load the saved model with fashion.ArticleMLP, whose variables are not there; put your mlp in their modelFn.)"
	}
	if farthest(got, forward(layers, images, hidden("relu", "relu", "relu"), "none")) <= tol {
		return verdict(name, true, fmt.Sprintf("784-500-250-100-10 with ReLU between the layers, 543,860 parameters: for 4 random images your logits are what these layers compute, in Go, from the same weights.%s", names), "")
	}
	type variant struct {
		acts []string
		out  string
	}
	describe := func(v variant) string {
		var missing []string
		for i, a := range v.acts {
			if a == "none" {
				missing = append(missing, layers[i].name)
			}
		}
		var parts []string
		switch len(missing) {
		case 0:
		case 3:
			parts = append(parts, "There is no activation between the layers: stacked without one, dense layers compute no more than a single one would.")
		default:
			parts = append(parts, fmt.Sprintf("The hidden layer%s %s ha%s no activation: each hidden layer's output goes through ReLU.",
				plural(len(missing)), strings.Join(missing, " and "), map[bool]string{true: "s", false: "ve"}[len(missing) == 1]))
		}
		switch v.out {
		case "softmax":
			parts = append(parts, "Your function returns probabilities (softmax on the last layer): it returns the logits; the loss of chapter 8, and Predict, apply softmax themselves.")
		case "relu":
			parts = append(parts, "The output layer has ReLU: it cuts the negative scores to 0. The last layer returns its scores as they are.")
		}
		return strings.Join(parts, " ")
	}
	var variants []variant
	for mask := range 8 {
		acts := hidden("relu", "relu", "relu")
		for i := range acts {
			if mask&(1<<i) != 0 {
				acts[i] = "none"
			}
		}
		for _, out := range []string{"none", "relu", "softmax"} {
			variants = append(variants, variant{acts, out})
		}
	}
	for _, v := range variants[1:] {
		if farthest(got, forward(layers, images, v.acts, v.out)) <= tol {
			return verdict(name, false, "", describe(v))
		}
	}
	for _, out := range []string{"none", "relu", "softmax"} {
		if farthest(got, forward(layers, images, hidden("sigmoid", "sigmoid", "sigmoid"), out)) <= tol {
			why := "The hidden layers use the sigmoid; the article's use ReLU (activation.Relu)."
			if out != "none" {
				why += " " + describe(variant{hidden("relu", "relu", "relu"), out})
			}
			return verdict(name, false, "", why)
		}
	}
	return verdict(name, false, "", fmt.Sprintf("The layers are right, but for 4 random images your logits differ from what they compute with ReLU after each hidden layer (by up to %.2g of their size): does each layer read the one before, with ReLU in between, and the last give the logits?",
		farthest(got, forward(layers, images, hidden("relu", "relu", "relu"), "none"))))
}

// plural returns "s" for n other than 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// CheckedMLP returns fn when it passes chapter 7's check (CheckArticleModel,
// run silently), and otherwise fashion.ArticleMLP, the project's copy of
// the article's network, saying so in one line: the cells of chapter 7
// after its exercise build the learner's mlp once it is written, and the
// article's network until then.
func CheckedMLP(fn fashion.ModelFn) fashion.ModelFn {
	if quietly(func() bool { return CheckArticleModel(fn) }) {
		return fn
	}
	fmt.Fprintln(stdout, "(Your mlp does not pass the exercise's check yet: this cell builds fashion.ArticleMLP, the project's copy of the article's network.)")
	return fashion.ArticleMLP
}
