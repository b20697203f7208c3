package fashion

import (
	"fmt"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// SGD is stochastic gradient descent with momentum, optionally Nesterov's,
// and Keras' time-based learning-rate decay: the optimizer of the article,
// written as a GoMLX optimizer (it implements optimizer.Interface; GoMLX's
// own SGD has neither momentum nor this decay).
//
// Each update t = 0, 1, 2, ... of a variable w with gradient g does, as
// Keras' SGD(lr, decay, momentum, nesterov):
//
//	lr_t     = LearningRate / (1 + Decay * t)
//	velocity = Momentum * velocity - lr_t * g
//	w        = w + Momentum * velocity - lr_t * g   (Nesterov)
//	w        = w + velocity                         (classic momentum)
//
// The update count t is GoMLX's global step, and each velocity is a
// variable of the model's store (under "/optimizers/sgd"), so that both are
// saved with the model and training can resume where it stopped.
type SGD struct {
	// LearningRate is the step size before decay (0.01 in the article).
	LearningRate float64 `json:"learning_rate"`
	// Decay is the time-based decay factor (1e-6 in the article).
	Decay float64 `json:"decay"`
	// Momentum is the velocity's decay factor (0.9 in the article).
	Momentum float64 `json:"momentum"`
	// Nesterov selects Nesterov's accelerated gradient (true in the article).
	Nesterov bool `json:"nesterov"`
}

// sgdScope is where the optimizer keeps the velocities.
const sgdScope = "/" + optimizer.Scope + "/sgd"

var _ optimizer.Interface = SGD{}

// LearningRateAt returns the learning rate of update t (counting from 0).
func (o SGD) LearningRateAt(t int64) float64 {
	return o.LearningRate / (1 + o.Decay*float64(t))
}

// UpdateGraph builds one update of every trainable variable of the scope
// used by the loss's graph. It implements optimizer.Interface and, like all
// graph-building functions, panics on error.
//
// Fit does not call it: its training graph computes the gradients itself
// (see gradientsGraph) and calls learningRateGraph and applyGraph, the two
// halves of this method.
func (o SGD) UpdateGraph(scope *model.Scope, g *graph.Graph, loss *graph.Node) {
	if !loss.Shape().IsScalar() {
		panic(fmt.Sprintf("SGD needs a scalar loss, got shape %s", loss.Shape()))
	}
	var vars []*model.Variable
	var values []*graph.Node
	for v := range scope.IterVariables() {
		if v.Trainable && v.InUseByGraph(g) {
			vars = append(vars, v)
			values = append(values, v.NodeValue(g))
		}
	}
	grads := graph.Gradient(loss, values...)
	lr := o.learningRateGraph(scope, g)
	steps := make([]*graph.Node, len(grads))
	for i, grad := range grads {
		steps[i] = graph.Mul(graph.ConvertDType(lr, grad.DType()), grad) // lr_t * g
	}
	o.applyGraph(scope, g, vars, steps)
}

// learningRateGraph returns lr_t, the learning rate of this update, and
// counts the update: t is GoMLX's global step, the number of updates made
// before this one.
func (o SGD) learningRateGraph(scope *model.Scope, g *graph.Graph) *graph.Node {
	stepVar := optimizer.GetGlobalStepVar(scope)
	t := graph.ConvertDType(stepVar.NodeValue(g), dtypes.Float32)
	stepVar.SetNodeValue(graph.AddScalar(stepVar.NodeValue(g), 1))
	return graph.MulScalar(graph.Inverse(graph.AddScalar(graph.MulScalar(t, o.Decay), 1)), o.LearningRate)
}

// applyGraph updates each variable vars[i] given steps[i] = lr_t * g, its
// gradient already multiplied by the learning rate.
//
// Each elementwise operation below is one pass over all the parameters
// (543,860 numbers), and on the pure-Go backend such a pass costs about as
// much as the matrix products of a small layer: Nesterov takes five, using
// lr_t * g as it comes rather than multiplying by the learning rate here.
func (o SGD) applyGraph(scope *model.Scope, g *graph.Graph, vars []*model.Variable, steps []*graph.Node) {
	store := scope.Store()
	for i, v := range vars {
		velocityVar := store.VariableWithShape(sgdScope+v.Path(), v.Shape(), initializer.Zero)
		velocityVar.SetTrainable(false)
		velocity := graph.Sub(graph.MulScalar(velocityVar.NodeValue(g), o.Momentum), steps[i])
		velocityVar.SetNodeValue(velocity)
		if o.Nesterov {
			// (w - lr_t*g) + m*velocity: the first term does not wait for
			// the velocity, so the backend can compute both at once.
			v.SetNodeValue(graph.Add(graph.Sub(v.NodeValue(g), steps[i]), graph.MulScalar(velocity, o.Momentum)))
		} else {
			v.SetNodeValue(graph.Add(v.NodeValue(g), velocity))
		}
	}
}

// Clear deletes the velocities, e.g. to keep only what prediction needs. It
// implements optimizer.Interface.
func (o SGD) Clear(scope *model.Scope) error {
	return scope.Store().DeleteVariablesInScope(sgdScope)
}

// isOptimizerVariable reports whether a variable path belongs to the
// optimizer's state rather than to the network.
func isOptimizerVariable(path string) bool {
	return strings.HasPrefix(path, "/"+optimizer.Scope+"/") || path == "/"+optimizer.GlobalStepVariableName
}
