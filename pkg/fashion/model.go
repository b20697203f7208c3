package fashion

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/nn"
)

// Architecture describes the multilayer perceptron: 28x28 images are
// flattened into 784 inputs, go through fully connected hidden layers with
// ReLU activations, and end in one output per class (softmax).
type Architecture struct {
	// Hidden holds the number of units of each hidden layer.
	Hidden []int `json:"hidden"`
	// Classes is the number of output units.
	Classes int `json:"classes"`
}

// ArticleArchitecture returns the article's network: 784-500-250-100-10.
func ArticleArchitecture() Architecture {
	return Architecture{Hidden: []int{500, 250, 100}, Classes: NumClasses}
}

// Validate checks that every layer has at least one unit.
func (a Architecture) Validate() error {
	if len(a.Hidden) == 0 {
		return errors.New("architecture: at least one hidden layer is needed")
	}
	for i, units := range a.Hidden {
		if units <= 0 {
			return fmt.Errorf("architecture: hidden layer %d has %d units", i, units)
		}
	}
	if a.Classes < 2 {
		return fmt.Errorf("architecture: %d classes, need at least 2", a.Classes)
	}
	return nil
}

// Layer describes one layer of the model, as a Keras summary lists it.
type Layer struct {
	// Name is Keras' name for it: flatten, dense, dense_1, ...
	Name string
	// Type is Flatten or Dense.
	Type string
	// Units is the width of the layer's output (784 for Flatten).
	Units int
	// Activation is "relu", "softmax" or "" (Flatten).
	Activation string
	// Params counts the layer's trainable numbers: weights and biases.
	Params int

	weights, biases *model.Variable // nil for Flatten.
}

// Model is the article's multilayer perceptron on a GoMLX backend: its
// variables live in a GoMLX model.Store, and its graphs run on the backend
// given to New.
type Model struct {
	arch    Architecture
	backend compute.Backend
	store   *model.Store
	layers  []*Layer

	classNames []string // One name per output unit.
	recipe     *Recipe  // How the model was trained; nil before Fit.
	history    *History // What its training measured; nil before Fit.

	predictExec *model.Exec // probabilities of float32 [B, 28, 28] images.
	evalExec    *model.Exec // summed loss and correct count of a batch.
}

// New builds the model on backend with fresh weights: Glorot-uniform
// weights (U[-limit, limit], limit = sqrt(6 / (fan_in + fan_out))) drawn
// from seed, and zero biases, as Keras initialises a Dense layer.
func New(backend compute.Backend, arch Architecture, seed uint64) (*Model, error) {
	if err := arch.Validate(); err != nil {
		return nil, err
	}
	m := &Model{arch: arch, backend: backend, store: model.NewStore(), classNames: ClassNames}
	if arch.Classes != len(ClassNames) {
		m.classNames = make([]string, arch.Classes)
		for i := range m.classNames {
			m.classNames[i] = fmt.Sprintf("class %d", i)
		}
	}
	m.layers = append(m.layers, &Layer{Name: "flatten", Type: "Flatten", Units: ImagePixels})
	rng := rand.New(rand.NewPCG(seed, 0x676c6f726f74)) // "glorot"
	fanIn := ImagePixels
	for i, units := range append(slices.Clone(arch.Hidden), arch.Classes) {
		name, act := "dense", "relu"
		if i > 0 {
			name = fmt.Sprintf("dense_%d", i)
		}
		if i == len(arch.Hidden) {
			act = "softmax"
		}
		l := &Layer{Name: name, Type: "Dense", Units: units, Activation: act, Params: fanIn*units + units}
		var err error
		l.weights, err = m.store.CreateVariable("/"+name+"/weights",
			tensors.FromFlatDataAndDimensions(GlorotUniform(rng, fanIn, units), fanIn, units))
		if err != nil {
			return nil, fmt.Errorf("creating the weights of %s: %w", name, err)
		}
		l.biases, err = m.store.CreateVariable("/"+name+"/biases",
			tensors.FromFlatDataAndDimensions(make([]float32, units), units))
		if err != nil {
			return nil, fmt.Errorf("creating the biases of %s: %w", name, err)
		}
		m.layers = append(m.layers, l)
		fanIn = units
	}
	return m, nil
}

// GlorotUniform draws fanIn*fanOut weights from U[-limit, limit] with
// limit = sqrt(6 / (fanIn + fanOut)), row-major [fanIn, fanOut].
func GlorotUniform(rng *rand.Rand, fanIn, fanOut int) []float32 {
	limit := GlorotLimit(fanIn, fanOut)
	w := make([]float32, fanIn*fanOut)
	for i := range w {
		w[i] = float32((2*rng.Float64() - 1) * limit)
	}
	return w
}

// GlorotLimit returns sqrt(6 / (fanIn + fanOut)), the bound of the
// Glorot-uniform distribution.
func GlorotLimit(fanIn, fanOut int) float64 {
	return math.Sqrt(6 / float64(fanIn+fanOut))
}

// Architecture returns the model's architecture.
func (m *Model) Architecture() Architecture { return m.arch }

// ClassNames returns the name of each output class.
func (m *Model) ClassNames() []string { return m.classNames }

// Recipe returns how the model was trained, or nil if it was not.
func (m *Model) Recipe() *Recipe { return m.recipe }

// History returns what the model's training measured, or nil if it was not
// trained.
func (m *Model) History() *History { return m.history }

// Backend returns the backend the model runs on.
func (m *Model) Backend() compute.Backend { return m.backend }

// Layers returns the model's layers, Flatten first.
func (m *Model) Layers() []Layer {
	out := make([]Layer, len(m.layers))
	for i, l := range m.layers {
		out[i] = *l
		out[i].weights, out[i].biases = nil, nil
	}
	return out
}

// NumParams returns the number of trainable parameters (543,860 for the
// article's network).
func (m *Model) NumParams() int {
	n := 0
	for _, l := range m.layers {
		n += l.Params
	}
	return n
}

// LayerWeights holds a dense layer's parameters as plain Go values.
type LayerWeights struct {
	// Weights is [inputs][units]: Weights[i][j] connects input i to unit j.
	Weights [][]float32
	// Biases has one value per unit.
	Biases []float32
}

// Weights returns the current weights and biases of the named dense layer
// ("dense", "dense_1", ...), copied from the backend.
func (m *Model) Weights(layer string) (*LayerWeights, error) {
	for _, l := range m.layers {
		if l.Name != layer || l.weights == nil {
			continue
		}
		w, err := variableData(l.weights)
		if err != nil {
			return nil, err
		}
		b, err := variableData(l.biases)
		if err != nil {
			return nil, err
		}
		units := l.Units
		rows := make([][]float32, len(w)/units)
		for i := range rows {
			rows[i] = w[i*units : (i+1)*units]
		}
		return &LayerWeights{Weights: rows, Biases: b}, nil
	}
	return nil, fmt.Errorf("no dense layer named %q (the model has %s)", layer, m.denseNames())
}

// denseNames lists the dense layers' names, for error messages.
func (m *Model) denseNames() string {
	var names []string
	for _, l := range m.layers[1:] {
		names = append(names, l.Name)
	}
	return fmt.Sprint(names)
}

// variableData copies a float32 variable's values to the host.
func variableData(v *model.Variable) ([]float32, error) {
	value, err := v.Value()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", v.Path(), err)
	}
	data, err := tensors.CopyFlatData[float32](value)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", v.Path(), err)
	}
	return data, nil
}

// logitsGraph builds the forward pass: images float32 [B, 28, 28] in [0, 1]
// to logits [B, classes]. The softmax of the last layer is left to the loss
// (numerically stable) and to prediction.
func (m *Model) logitsGraph(images *graph.Node) *graph.Node {
	_, logits := m.forwardGraph(graph.Reshape(images, -1, ImagePixels)) // Flatten.
	return logits
}

// forwardGraph runs the dense layers on flattened images [B, 784] and
// returns the logits and what each dense layer received: inputs[0] is the
// images, inputs[i] the ReLU output of layer i-1. Training keeps these
// inputs for the backward pass (see gradientsGraph).
func (m *Model) forwardGraph(x *graph.Node) (inputs []*graph.Node, logits *graph.Node) {
	g := x.Graph()
	for _, l := range m.layers[1:] {
		inputs = append(inputs, x)
		act := activation.TypeRelu
		if l.Activation == "softmax" {
			act = activation.TypeNone
		}
		x = nn.Dense(x, l.weights.NodeValue(g), l.biases.NodeValue(g), compute.DenseLayoutInputOutputs, act)
	}
	return inputs, x
}

// predictGraph returns class probabilities: the softmax of the logits.
func (m *Model) predictGraph(_ *model.Scope, images *graph.Node) *graph.Node {
	return graph.Softmax(m.logitsGraph(images))
}

// Predict returns, for each image (28x28 pixels scaled to [0, 1], row-major,
// 784 values each), the probability of every class; each row sums to 1.
func (m *Model) Predict(images [][]float32) ([][]float32, error) {
	if len(images) == 0 {
		return nil, errors.New("predict: no images")
	}
	flat := make([]float32, 0, len(images)*ImagePixels)
	for i, img := range images {
		if len(img) != ImagePixels {
			return nil, fmt.Errorf("predict: image %d has %d pixels, want %d (28x28)", i, len(img), ImagePixels)
		}
		flat = append(flat, img...)
	}
	if m.predictExec == nil {
		exec, err := model.NewExec(m.backend, m.store, m.predictGraph)
		if err != nil {
			return nil, fmt.Errorf("predict: %w", err)
		}
		m.predictExec = exec
	}
	out, err := m.predictExec.Call(tensors.FromFlatDataAndDimensions(flat, len(images), ImageSize, ImageSize))
	if err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	probs, err := tensors.CopyFlatData[float32](out[0])
	if err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	classes := m.arch.Classes
	rows := make([][]float32, len(images))
	for i := range rows {
		rows[i] = probs[i*classes : (i+1)*classes]
	}
	return rows, nil
}

// PredictSplit returns the class probabilities of images [from, to) of a split.
func (m *Model) PredictSplit(s *Split, from, to int) ([][]float32, error) {
	if from < 0 || to > s.Len() || from >= to {
		return nil, fmt.Errorf("predict: range [%d, %d) is outside the %d images of %q", from, to, s.Len(), s.Name())
	}
	images := make([][]float32, 0, to-from)
	for i := from; i < to; i++ {
		images = append(images, s.Scaled(i))
	}
	return m.Predict(images)
}

// ArgMax returns the index of the largest value: the predicted class of a
// row of probabilities.
func ArgMax(row []float32) int {
	best := 0
	for i, p := range row {
		if p > row[best] {
			best = i
		}
	}
	return best
}

// scaledPixels converts uint8 pixels [B, 784] to float32 in [0, 1], the
// flattened input of the first dense layer.
func scaledPixels(pixels *graph.Node) *graph.Node {
	return graph.DivScalar(graph.ConvertDType(pixels, dtypes.Float32), 255)
}
