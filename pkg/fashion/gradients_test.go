package fashion

import (
	"math"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// TestGradientsMatchAutodiff checks the backpropagation written out in
// gradientsGraph against GoMLX's automatic differentiation of the same
// loss, for every weight and bias, with the scale (the learning rate in
// training) applied.
func TestGradientsMatchAutodiff(t *testing.T) {
	m := newTestModel(t)
	batch := syntheticSplit(t, "batch", 32, 11)
	pixels, labels := batch.pixelTensors()
	const scale = 0.25
	exec, err := model.NewExec(testBackend(), m.store, func(_ *model.Scope, pixels, labels *graph.Node) []*graph.Node {
		g := pixels.Graph()
		meanLoss, correct, byHand := m.gradientsGraph(pixels, labels, graph.Scalar(g, dtypes.Float32, scale))
		autoLoss, autoCorrect := m.lossGraph(pixels, labels)
		var values []*graph.Node
		for _, v := range m.params() {
			values = append(values, v.NodeValue(g))
		}
		out := []*graph.Node{meanLoss, autoLoss, graph.ConvertDType(correct, meanLoss.DType()),
			graph.ConvertDType(autoCorrect, meanLoss.DType())}
		for i, auto := range graph.Gradient(autoLoss, values...) {
			out = append(out, byHand[i], graph.MulScalar(auto, scale))
		}
		return out
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Call(pixels, labels)
	if err != nil {
		t.Fatal(err)
	}
	flat := func(i int) []float32 {
		data, err := tensors.CopyFlatData[float32](out[i])
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	if l, a := flat(0)[0], flat(1)[0]; math.Abs(float64(l-a)) > 1e-6 || flat(2)[0] != flat(3)[0] {
		t.Fatalf("loss %v and correct %v by hand; %v and %v from lossGraph", l, flat(2)[0], a, flat(3)[0])
	}
	for i, v := range m.params() {
		byHand, auto := flat(4+2*i), flat(5+2*i)
		var maxDiff, maxAbs float64
		for j := range auto {
			maxDiff = math.Max(maxDiff, math.Abs(float64(byHand[j]-auto[j])))
			maxAbs = math.Max(maxAbs, math.Abs(float64(auto[j])))
		}
		if maxAbs == 0 || maxDiff > 1e-5*maxAbs {
			t.Errorf("%s: gradients differ by up to %g (largest value %g)", v.Path(), maxDiff, maxAbs)
		}
	}
}
