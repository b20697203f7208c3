package fashion

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/internal/num"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// ModelFn is a model, written the way GoMLX writes one: a function that
// builds the computation from a batch of images, float32 [B, 28, 28] with
// pixels scaled to [0, 1], to logits [B, classes], one score per class
// (the softmax of the logits gives the probabilities). It creates its
// variables in the scope it is given (scope.In("dense") for a layer named
// "dense"). ArticleMLP is one; New, Fit, Evaluate, Predict,
// savedmodel.Save and savedmodel.Load take any.
type ModelFn func(scope *model.Scope, images *graph.Node) (logits *graph.Node)

// ArticleMLP is the article's network, 784-500-250-100-10, as a model
// function. In Keras:
//
//	model = keras.Sequential([
//	    keras.layers.Flatten(input_shape=(28, 28)),
//	    keras.layers.Dense(500, activation='relu'),
//	    keras.layers.Dense(250, activation='relu'),
//	    keras.layers.Dense(100, activation='relu'),
//	    keras.layers.Dense(10, activation='softmax'),
//	])
//
// The last layer returns logits: the softmax is left to the loss, which is
// then computed stably, and to Predict.
func ArticleMLP(scope *model.Scope, images *graph.Node) *graph.Node {
	x := graph.Reshape(images, -1, fashionmnist.ImagePixels)      // Flatten: [B, 28, 28] -> [B, 784]
	x = activation.Relu(Dense(scope.In("dense"), x, 500))         // Dense(500, activation='relu')
	x = activation.Relu(Dense(scope.In("dense_1"), x, 250))       // Dense(250, activation='relu')
	x = activation.Relu(Dense(scope.In("dense_2"), x, 100))       // Dense(100, activation='relu')
	return Dense(scope.In("dense_3"), x, fashionmnist.NumClasses) // Dense(10), softmax in the loss
}

// Model is a model function with its variables, on a GoMLX backend: the
// variables live in a GoMLX model.Store, and the graphs the function builds
// run on the backend given to New.
type Model struct {
	fn      ModelFn
	backend compute.Backend
	store   *model.Store
	init    model.VariableInitializer // Glorot-uniform weights, zero biases.
	classes int                       // Width of the logits.

	classNames []string // One name per output unit.
	recipe     *Recipe  // How the model was trained; nil before Fit.
	history    *History // What its training measured; nil before Fit.

	predictExec *model.Exec // probabilities of float32 [B, 28, 28] images.
	evalExec    *model.Exec // summed loss and correct count of a batch.

	// unrolled makes Fit unroll its steps in the graph even where the
	// backend can loop (see strategy): the tests compare the two.
	unrolled bool
}

// New builds a model from a model function, on backend, with fresh
// weights drawn from seed. It builds the function's graph once, for one
// image, which creates its variables: dense and convolution weights
// Glorot-uniform, drawn on the host from seed (the same weights on every
// backend), and the other variables zero, as Keras initialises its layers,
// and tells how many classes it scores. The seed also seeds GoMLX's random
// state, which layers such as layers.Dropout draw from. A function that
// fails to build (a panic while building its graph), or whose output is not
// [B, classes] with at least 2 classes, is an error.
func New(backend compute.Backend, fn ModelFn, seed uint64) (*Model, error) {
	if fn == nil {
		return nil, errors.New("new model: no model function")
	}
	m := &Model{fn: fn, backend: backend, store: model.NewStore(), init: glorotUniform(seed)}
	m.store.RootScope().SetParam(model.ParamInitialSeed, int64(seed))
	exec, err := model.NewExec(backend, m.store, m.logits)
	if err != nil {
		return nil, fmt.Errorf("new model: %w", err)
	}
	defer exec.Finalize()
	out, err := exec.Call(tensors.FromShape(shapes.Make(dtypes.Float32, 1, fashionmnist.ImageSize, fashionmnist.ImageSize)))
	if err != nil {
		return nil, fmt.Errorf("new model: building the model function's graph: %w", err)
	}
	if dims := out[0].Shape().Dimensions; len(dims) != 2 || dims[0] != 1 || dims[1] < 2 || !out[0].DType().IsFloat() {
		return nil, fmt.Errorf("new model: the model function returns %s for 1 image; want float logits [1, classes], with at least 2 classes",
			out[0].Shape())
	}
	m.classes = out[0].Shape().Dimensions[1]
	m.classNames = make([]string, m.classes)
	for i := range m.classNames {
		if m.classes == fashionmnist.NumClasses {
			m.classNames[i] = fashionmnist.ClassNames[i]
		} else {
			m.classNames[i] = fmt.Sprintf("class %d", i)
		}
	}
	if m.NumParams() == 0 {
		return nil, errors.New("new model: the model function creates no trainable variable")
	}
	return m, nil
}

// logits runs the model function in scope, with the model's initializer
// for any variable it creates. Each call gets a scope of its own, so that
// a graph may call the function several times (Fit's steps).
func (m *Model) logits(scope *model.Scope, images *graph.Node) *graph.Node {
	return m.fn(scope.ResetVisited().WithInitializer(m.init), images)
}

// ModelFn returns the model function the model was built from.
func (m *Model) ModelFn() ModelFn { return m.fn }

// Store returns the GoMLX store that holds the model's variables (and,
// after training, the optimizer's), for graphs of your own on the model:
// model.NewExec(m.Backend(), m.Store(), fn) runs fn with the model's
// variables in its scope, where calling the model function uses them.
func (m *Model) Store() *model.Store { return m.store }

// ClassNames returns the name of each output class (a copy).
func (m *Model) ClassNames() []string { return slices.Clone(m.classNames) }

// Recipe returns how the model was trained, or nil if it was not.
func (m *Model) Recipe() *Recipe { return m.recipe }

// History returns what the model's training measured, or nil if it was not
// trained.
func (m *Model) History() *History { return m.history }

// lossFn returns the loss the model is measured with: its recipe's.
func (m *Model) lossFn() loss.LossFn {
	if m.recipe == nil {
		return Recipe{}.lossFn()
	}
	return m.recipe.lossFn()
}

// Backend returns the backend the model runs on.
func (m *Model) Backend() compute.Backend { return m.backend }

// variables returns the model's own variables, in the order the model
// function created them: not the optimizer's state, the update count or
// the random state, which belong to training.
func (m *Model) variables() []*model.Variable {
	var vars []*model.Variable
	for v := range m.store.IterVariables() {
		if !IsTrainingState(v.Path()) {
			vars = append(vars, v)
		}
	}
	return vars
}

// NumParams returns the number of trainable parameters (543,860 for the
// article's network), counted from the model's variables.
func (m *Model) NumParams() int {
	n := 0
	for _, v := range m.variables() {
		if v.Trainable {
			n += v.Shape().Size()
		}
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
// ("dense", "dense_1", ...: the scope of its "weights" and "biases"
// variables), copied from the backend.
func (m *Model) Weights(layer string) (*LayerWeights, error) {
	weights := m.store.GetVariable("/" + layer + "/weights")
	biases := m.store.GetVariable("/" + layer + "/biases")
	if weights == nil || biases == nil || weights.Shape().Rank() != 2 {
		return nil, fmt.Errorf("no dense layer named %q (the model has %s)", layer, m.denseNames())
	}
	w, err := variableData(weights)
	if err != nil {
		return nil, err
	}
	b, err := variableData(biases)
	if err != nil {
		return nil, err
	}
	units := weights.Shape().Dimensions[1]
	rows := make([][]float32, len(w)/units)
	for i := range rows {
		rows[i] = w[i*units : (i+1)*units]
	}
	return &LayerWeights{Weights: rows, Biases: b}, nil
}

// denseNames lists the dense layers' names, for error messages.
func (m *Model) denseNames() string {
	var names []string
	for _, l := range m.Layers() {
		if l.Type == "Dense" {
			names = append(names, l.Name)
		}
	}
	return strings.Join(names, ", ")
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

// predictGraph returns class probabilities: the softmax of the logits.
func (m *Model) predictGraph(scope *model.Scope, images *graph.Node) *graph.Node {
	return graph.Softmax(m.logits(scope, images))
}

// Predict returns, for each image (28x28 pixels scaled to [0, 1], row-major,
// 784 values each), the probability of every class; each row sums to 1.
func (m *Model) Predict(images [][]float32) ([][]float32, error) {
	if len(images) == 0 {
		return nil, errors.New("predict: no images")
	}
	flat := make([]float32, 0, len(images)*fashionmnist.ImagePixels)
	for i, img := range images {
		if len(img) != fashionmnist.ImagePixels {
			return nil, fmt.Errorf("predict: image %d has %d pixels, want %d (28x28)", i, len(img), fashionmnist.ImagePixels)
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
	out, err := m.predictExec.Call(tensors.FromFlatDataAndDimensions(flat, len(images), fashionmnist.ImageSize, fashionmnist.ImageSize))
	if err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	probs, err := tensors.CopyFlatData[float32](out[0])
	if err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	rows := make([][]float32, len(images))
	for i := range rows {
		rows[i] = probs[i*m.classes : (i+1)*m.classes]
	}
	return rows, nil
}

// PredictSplit returns the class probabilities of images [from, to) of a split.
func (m *Model) PredictSplit(s *fashionmnist.Split, from, to int) ([][]float32, error) {
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
// row of probabilities (the first of equal values; a NaN never wins).
func ArgMax(row []float32) int { return num.ArgMax(row) }

// scaledImages converts uint8 pixels [B, 28, 28] to float32 in [0, 1], the
// input of a model function.
func scaledImages(pixels *graph.Node) *graph.Node {
	return graph.DivScalar(graph.ConvertDType(pixels, dtypes.Float32), 255)
}
