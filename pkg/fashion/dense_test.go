package fashion

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// randomTensor returns a float32 tensor of the given dimensions with values
// in [-1, 1).
func randomTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	values := make([]float32, n)
	for i := range values {
		values[i] = 2*rng.Float32() - 1
	}
	return tensors.FromFlatDataAndDimensions(values, dims...)
}

// maxRelativeDiff returns the largest |a-b| over the largest |b|.
func maxRelativeDiff(t *testing.T, a, b *tensors.Tensor) float64 {
	t.Helper()
	if !a.Shape().Equal(b.Shape()) {
		t.Fatalf("shapes %s and %s differ", a.Shape(), b.Shape())
	}
	av, err := tensors.CopyFlatData[float32](a)
	if err != nil {
		t.Fatal(err)
	}
	bv, err := tensors.CopyFlatData[float32](b)
	if err != nil {
		t.Fatal(err)
	}
	var diff, largest float64
	for i := range av {
		diff = max(diff, math.Abs(float64(av[i]-bv[i])))
		largest = max(largest, math.Abs(float64(bv[i])))
	}
	if largest == 0 {
		t.Fatal("all values are zero: the comparison would check nothing")
	}
	return diff / largest
}

// TestDenseProductGradient checks the product's custom gradient against
// GoMLX's generic one, for random shapes and values, in a loss that uses
// the product through a non-linearity and uses x a second time, directly,
// so that ∂x sums two paths.
func TestDenseProductGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	lossOf := func(y, x, r1, r2 *graph.Node) *graph.Node {
		return graph.Add(graph.ReduceAllSum(graph.Mul(graph.Tanh(y), r1)), graph.ReduceAllSum(graph.Mul(graph.Square(x), r2)))
	}
	exec, err := graph.NewExec(testBackend(), func(x, w, r1, r2 *graph.Node) []*graph.Node {
		custom, generic := denseProduct(x, w), graph.DotGeneral(x, []int{1}, nil, w, []int{0}, nil)
		gc := graph.Gradient(lossOf(custom, x, r1, r2), x, w)
		gg := graph.Gradient(lossOf(generic, x, r1, r2), x, w)
		return []*graph.Node{custom, generic, gc[0], gg[0], gc[1], gg[1]}
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 6 {
		b, k, n := 1+rng.IntN(40), 1+rng.IntN(70), 1+rng.IntN(30)
		out, err := exec.Call(randomTensor(rng, b, k), randomTensor(rng, k, n), randomTensor(rng, b, n), randomTensor(rng, b, k))
		if err != nil {
			t.Fatal(err)
		}
		for i, what := range []string{"x·w", "∂x", "∂w"} {
			if d := maxRelativeDiff(t, out[2*i], out[2*i+1]); d > 1e-5 {
				t.Errorf("[%d, %d]·[%d, %d]: %s differs from GoMLX's generic rule by %.3g of its largest value", b, k, k, n, what, d)
			}
		}
	}
}

// TestModelGradientMatchesGenericDense checks the whole article model's
// gradient, through Dense, ReLU and the loss, against the same network
// built on GoMLX's generic matrix product.
func TestModelGradientMatchesGenericDense(t *testing.T) {
	m := newTestModel(t)
	batch := syntheticSplit(t, "batch", 32, 11)
	images, labels := Tensors(batch)
	exec, err := model.NewExec(testBackend(), m.store, func(scope *model.Scope, images, labels *graph.Node) []*graph.Node {
		g := images.Graph()
		var values []*graph.Node
		for _, v := range m.variables() {
			values = append(values, v.NodeValue(g))
		}
		lossFn := Recipe{}.lossFn()
		customLoss := lossFn([]*graph.Node{labels}, []*graph.Node{ArticleMLP(scope.ResetVisited(), images)})
		genericLoss := lossFn([]*graph.Node{labels}, []*graph.Node{genericMLP(scope.ResetVisited(), images)})
		out := []*graph.Node{customLoss, genericLoss}
		generic := graph.Gradient(genericLoss, values...)
		for i, grad := range graph.Gradient(customLoss, values...) {
			out = append(out, grad, generic[i])
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
	if d := maxRelativeDiff(t, out[0], out[1]); d > 1e-6 {
		t.Fatalf("losses differ: %v and %v", out[0], out[1])
	}
	for i, v := range m.variables() {
		if d := maxRelativeDiff(t, out[2+2*i], out[3+2*i]); d > 1e-5 {
			t.Errorf("%s: gradients differ by %.3g of the largest value", v.Path(), d)
		}
	}
}

// genericMLP is ArticleMLP with GoMLX's generic matrix product: the same
// variables, the generic gradient.
func genericMLP(scope *model.Scope, images *graph.Node) *graph.Node {
	x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
	for i, units := range []int{500, 250, 100, fashionmnist.NumClasses} {
		s := scope.In("%s", layerName(i))
		w := s.GetVariable("weights").NodeValue(x.Graph())
		b := s.GetVariable("biases").NodeValue(x.Graph())
		if w.Shape().Dimensions[1] != units {
			panic("genericMLP: not the article's model")
		}
		x = graph.Add(graph.DotGeneral(x, []int{1}, nil, w, []int{0}, nil), graph.InsertAxes(b, 0))
		if i < 3 {
			x = activation.Relu(x)
		}
	}
	return x
}
