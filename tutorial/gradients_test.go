package tutorial

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// TestHandGradientsEqualGraphGradient checks the hand-written
// backpropagation against GoMLX's automatic differentiation of the stock
// loss, for the article's model and a smaller one.
func TestHandGradientsEqualGraphGradient(t *testing.T) {
	small := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		x = activation.Relu(fashion.Dense(scope.In("dense"), x, 30))
		return fashion.Dense(scope.In("dense_1"), x, fashionmnist.NumClasses)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	pixels, classes := make([]uint8, 32*fashionmnist.ImagePixels), make([]uint8, 32)
	for i := range pixels {
		pixels[i] = uint8(rng.IntN(256))
	}
	for i := range classes {
		classes[i] = uint8(rng.IntN(fashionmnist.NumClasses))
	}
	batch, err := fashionmnist.NewSplit("batch", pixels, classes)
	if err != nil {
		t.Fatal(err)
	}
	stock := func(scope *model.Scope, images *graph.Node) *graph.Node { // GoMLX's dense layer: its variables one scope deeper
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		x = activation.Relu(layers.DenseWithBias(scope.In("dense"), x, 30))
		return layers.DenseWithBias(scope.In("dense_1"), x, fashionmnist.NumClasses)
	}
	for name, fn := range map[string]fashion.ModelFn{"article": fashion.ArticleMLP, "784-30-10": small, "layers.DenseWithBias": stock} {
		images, labels := fashion.Tensors(batch)
		m, err := fashion.New(backend(), fn, 3)
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		exec, err := model.NewExec(m.Backend(), m.Store(), func(scope *model.Scope, images, labels *graph.Node) []*graph.Node {
			g := images.Graph()
			meanLoss := loss.SparseCategoricalCrossEntropyLogits([]*graph.Node{labels}, []*graph.Node{fn(scope, images)})
			byHand := HandGradients(scope, images, labels)
			var values []*graph.Node
			for v := range scope.IterVariables() {
				paths = append(paths, v.Path())
				values = append(values, v.NodeValue(g))
			}
			var out []*graph.Node
			for i, auto := range graph.Gradient(meanLoss, values...) {
				out = append(out, byHand[paths[i]], auto)
			}
			return out
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Call(images, labels)
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) == 0 || len(out) != 2*len(paths) {
			t.Fatalf("%s: %d variables, %d outputs", name, len(paths), len(out))
		}
		for i, path := range paths {
			hand, auto := floats(t, out[2*i]), floats(t, out[2*i+1])
			var diff, largest float64
			for j := range auto {
				diff = math.Max(diff, math.Abs(float64(hand[j]-auto[j])))
				largest = math.Max(largest, math.Abs(float64(auto[j])))
			}
			if largest == 0 || diff > 1e-5*largest {
				t.Errorf("%s %s: the gradients differ by %.3g (largest %.3g)", name, path, diff, largest)
			}
		}
	}
}

// floats copies a float32 tensor's values.
func floats(t *testing.T, x *tensors.Tensor) []float32 {
	t.Helper()
	v, err := tensors.CopyFlatData[float32](x)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
