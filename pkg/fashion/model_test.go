package fashion

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/fashiontest"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// testBackend returns the backend the tests run on: the pure-Go one, or
// the one $FASHION_TEST_BACKEND names (fashiontest.Backend).
var testBackend = fashiontest.Backend

// newTestModel builds the article's model with seed 1.
func newTestModel(t testing.TB) *Model {
	t.Helper()
	m, err := New(testBackend(), ArticleMLP, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// mlp returns the model function of a multilayer perceptron with the given
// hidden layers and 10 classes, named as ArticleMLP names its layers: what a
// learner writes for another architecture.
func mlp(hidden ...int) ModelFn {
	return func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		for i, units := range hidden {
			x = activation.Relu(Dense(scope.In("%s", layerName(i)), x, units))
		}
		return Dense(scope.In("%s", layerName(len(hidden))), x, fashionmnist.NumClasses)
	}
}

// layerName is Keras' name of dense layer i: dense, dense_1, dense_2, ...
func layerName(i int) string {
	if i == 0 {
		return "dense"
	}
	return fmt.Sprintf("dense_%d", i)
}

func TestModelShapesAndParams(t *testing.T) {
	m := newTestModel(t)
	if got := m.NumParams(); got != 543_860 {
		t.Fatalf("NumParams = %d, want 543,860", got)
	}
	want := []struct {
		name, typ string
		units     int
		params    int
	}{
		{"flatten", "Flatten", 784, 0},
		{"dense", "Dense", 500, 392_500},
		{"dense_1", "Dense", 250, 125_250},
		{"dense_2", "Dense", 100, 25_100},
		{"dense_3", "Dense", 10, 1_010},
	}
	layers := m.Layers()
	if len(layers) != len(want) {
		t.Fatalf("%d layers, want %d", len(layers), len(want))
	}
	for i, w := range want {
		l := layers[i]
		if l.Name != w.name || l.Type != w.typ || l.Units != w.units || l.Params != w.params {
			t.Errorf("layer %d = %+v, want %+v", i, l, w)
		}
	}
	lw, err := m.Weights("dense")
	if err != nil {
		t.Fatal(err)
	}
	if len(lw.Weights) != 784 || len(lw.Weights[0]) != 500 || len(lw.Biases) != 500 {
		t.Fatalf("dense weights %dx%d, biases %d", len(lw.Weights), len(lw.Weights[0]), len(lw.Biases))
	}
	if _, err := m.Weights("dense_9"); err == nil || !strings.Contains(err.Error(), "dense_3") {
		t.Errorf("unknown layer: %v", err)
	}
}

func TestSummary(t *testing.T) {
	s := newTestModel(t).Summary()
	for _, want := range []string{
		"flatten (Flatten)            (None, 784)               0",
		"dense (Dense)                (None, 500)               392500",
		"dense_3 (Dense)              (None, 10)                1010",
		"Total params: 543,860", "Trainable params: 543,860", "Non-trainable params: 0",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

func TestGlorotInitialisation(t *testing.T) {
	m := newTestModel(t)
	fanIn := fashionmnist.ImagePixels
	for _, l := range m.Layers()[1:] {
		lw, err := m.Weights(l.Name)
		if err != nil {
			t.Fatal(err)
		}
		limit := GlorotLimit(fanIn, l.Units)
		var sum, sumSq float64
		n := 0
		for _, row := range lw.Weights {
			for _, w := range row {
				if math.Abs(float64(w)) > limit {
					t.Fatalf("%s: weight %v outside ±%v", l.Name, w, limit)
				}
				sum += float64(w)
				sumSq += float64(w) * float64(w)
				n++
			}
		}
		// U[-a, a] has mean 0 and variance a²/3.
		mean, variance := sum/float64(n), sumSq/float64(n)
		if math.Abs(mean) > limit/20 || math.Abs(variance-limit*limit/3) > limit*limit/3*0.2 {
			t.Errorf("%s: mean %v, variance %v; want about 0 and %v", l.Name, mean, variance, limit*limit/3)
		}
		for _, b := range lw.Biases {
			if b != 0 {
				t.Fatalf("%s: bias %v, want 0", l.Name, b)
			}
		}
		fanIn = l.Units
	}
	// Seed 1 gives the weights it gave before the model was a model
	// function (printed by commit 27ad4c6's fashion.New), so that runs
	// can be compared across versions.
	first, _ := m.Weights("dense")
	last, _ := m.Weights("dense_3")
	for _, c := range []struct {
		got, want float32
	}{{first.Weights[0][0], -0.066180557}, {first.Weights[0][1], 0.0266633593},
		{first.Weights[783][499], -0.0433958583}, {last.Weights[99][9], -0.190144688}} {
		if c.got != c.want {
			t.Errorf("weight %v, want %v", c.got, c.want)
		}
	}
	// The same seed gives the same weights; another seed others.
	a, _ := newTestModel(t).Weights("dense_2")
	b, _ := newTestModel(t).Weights("dense_2")
	other, _ := New(testBackend(), ArticleMLP, 2)
	c, _ := other.Weights("dense_2")
	if a.Weights[3][7] != b.Weights[3][7] || a.Weights[3][7] == c.Weights[3][7] {
		t.Error("weights do not follow the seed")
	}
}

func TestGlorotLimit(t *testing.T) {
	// sqrt(6 / (784 + 500)) = 0.068358..., sqrt(6 / (100 + 10)) = 0.233549...
	for _, c := range []struct {
		in, out int
		want    float64
	}{{784, 500, 0.0683586}, {500, 250, 0.0894427}, {100, 10, 0.2335497}} {
		if got := GlorotLimit(c.in, c.out); math.Abs(got-c.want) > 1e-7 {
			t.Errorf("GlorotLimit(%d, %d) = %.7f, want %.7f", c.in, c.out, got, c.want)
		}
	}
}

func TestOtherModelFunction(t *testing.T) {
	// 784-300-100-10: 784*300+300 + 300*100+100 + 100*10+10 = 266,610.
	m, err := New(testBackend(), mlp(300, 100), 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.NumParams(); got != 266_610 {
		t.Errorf("NumParams = %d, want 266,610", got)
	}
	if s := m.Summary(); !strings.Contains(s, "dense_1 (Dense)              (None, 100)               30100") ||
		!strings.Contains(s, "Total params: 266,610") {
		t.Errorf("summary:\n%s", s)
	}
	train := syntheticSplit(t, "train", 300, 21)
	r := smallRecipe()
	r.Epochs, r.Patience = 2, -1
	h, err := m.Fit(train, nil, r)
	if err != nil {
		t.Fatal(err)
	}
	if h.Epochs[1].Loss >= h.Epochs[0].Loss {
		t.Errorf("the loss did not go down: %+v", h.Epochs)
	}
}

func TestNewRejectsBadModelFunctions(t *testing.T) {
	for name, fn := range map[string]ModelFn{
		"nil": nil,
		"panics": func(scope *model.Scope, images *graph.Node) *graph.Node {
			return Dense(scope.In("dense"), graph.Reshape(images, -1, 700), 10) // 784 pixels are not 700.
		},
		"not [B, classes]": func(scope *model.Scope, images *graph.Node) *graph.Node {
			return Dense(scope.In("dense"), images, 10) // [B, 28, 10]
		},
		"one class": func(scope *model.Scope, images *graph.Node) *graph.Node {
			return Dense(scope.In("dense"), graph.Reshape(images, -1, fashionmnist.ImagePixels), 1)
		},
		"no variables": func(_ *model.Scope, images *graph.Node) *graph.Node {
			return graph.Reshape(images, -1, fashionmnist.ImagePixels)
		},
	} {
		if _, err := New(testBackend(), fn, 1); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}

func TestPredict(t *testing.T) {
	m := newTestModel(t)
	rng := rand.New(rand.NewPCG(3, 4))
	images := make([][]float32, 5)
	for i := range images {
		images[i] = make([]float32, fashionmnist.ImagePixels)
		for k := range images[i] {
			images[i][k] = rng.Float32()
		}
	}
	probs, err := m.Predict(images)
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) != 5 {
		t.Fatalf("%d rows", len(probs))
	}
	for i, row := range probs {
		sum := 0.0
		for _, p := range row {
			if p < 0 || p > 1 {
				t.Fatalf("row %d: probability %v", i, p)
			}
			sum += float64(p)
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Errorf("row %d sums to %v", i, sum)
		}
	}
	if _, err := m.Predict([][]float32{make([]float32, 10)}); err == nil {
		t.Error("Predict accepted a 10-pixel image")
	}
	if _, err := m.Predict(nil); err == nil {
		t.Error("Predict accepted no images")
	}
	if ArgMax([]float32{0.1, 0.7, 0.2}) != 1 {
		t.Error("ArgMax")
	}
}
