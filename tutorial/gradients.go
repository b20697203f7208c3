package tutorial

import (
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// Chapter 8: what graph.Gradient computes, by hand.

// HandGradients computes, for one batch (images float32 [B, 28, 28],
// labels int32 [B, 1]), the gradient of the mean sparse categorical
// cross-entropy with respect to every weight and bias of a multilayer
// perceptron built like fashion.ArticleMLP (dense layers named dense,
// dense_1, ... in scope, ReLU between them), by backpropagation written
// out by hand. It returns them by variable path ("/dense/weights", ...),
// to compare with graph.Gradient's.
//
// The rules, for the last layer's logits z and then for each dense layer
// y = x·W + b going down, with δ the gradient of the loss at y:
//
//	δ = (softmax(z) - one_hot(labels)) / B      at the logits
//	∂W = xᵀ·δ      ∂b = Σ_batch δ      ∂x = δ·Wᵀ
//	δ of the layer below = ∂x where its ReLU was active (x > 0), 0 elsewhere
//
// Training does not use this: fashion.Model.Fit gets the same values from
// GoMLX's automatic differentiation.
func HandGradients(scope *model.Scope, images, labels *graph.Node) map[string]*graph.Node {
	g := images.Graph()
	type layer struct {
		path string
		x, w *graph.Node // what the layer receives, and its weights
	}
	var layers []layer
	x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
	// The dense layers, in the order the model function created them: a
	// scope with weights [inputs, units] and biases [units] (dense,
	// dense_1, ... for fashion.Dense; dense/dense, ... for GoMLX's
	// layers.DenseWithBias).
	for v := range scope.Store().IterVariables() {
		if v.Name() != "weights" || v.Shape().Rank() != 2 {
			continue
		}
		bVar := scope.Store().GetVariable(v.Scope() + "/biases")
		if bVar == nil {
			continue
		}
		if len(layers) > 0 {
			x = activation.Relu(x)
		}
		w := v.NodeValue(g)
		layers = append(layers, layer{path: v.Scope(), x: x, w: w})
		x = graph.Add(graph.DotProduct(x, w), graph.InsertAxes(bVar.NodeValue(g), 0))
	}
	if len(layers) == 0 {
		panic("HandGradients: the model has no dense layer")
	}
	logits := x
	batch := labels.Shape().Dimensions[0]
	oneHot := graph.OneHot(graph.Reshape(labels, batch), logits.Shape().Dimensions[1], logits.DType())
	delta := graph.DivScalar(graph.Sub(graph.Softmax(logits), oneHot), float64(batch))

	grads := map[string]*graph.Node{}
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		grads[l.path+"/weights"] = graph.DotProduct(graph.Transpose(l.x, 0, 1), delta) // xᵀ·δ
		grads[l.path+"/biases"] = graph.ReduceSum(delta, 0)                            // Σ δ
		if i > 0 {
			dx := graph.DotProduct(delta, graph.Transpose(l.w, 0, 1))          // δ·Wᵀ
			active := graph.GreaterThan(l.x, graph.ScalarZero(g, l.x.DType())) // x > 0: where the ReLU let x through
			delta = graph.Mul(dx, graph.ConvertDType(active, dx.DType()))
		}
	}
	return grads
}
