package tutorial

import (
	"errors"
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// RuleOptimizer makes a GoMLX optimizer (optimizer.Interface) of an update
// rule written with graph operations, chapter 8's nesterov: for every
// trainable variable w the loss's graph uses, UpdateGraph takes the
// gradient g of the loss (graph.Gradient), keeps a velocity v as a
// variable of the store, starting at zero, and lets the rule compute the
// new w and v. It also has LearningRateAt, which m.Fit reports in its
// history.
//
// Keras' time-based decay, η_t = η / (1 + decay·t) after t updates, is
// applied to the gradient: the rule gets η and g / (1 + decay·t), whose
// product is η_t·g, so that a rule written with a constant η decays as
// Keras' does. The update count t is GoMLX's global step, as for GoMLX's
// own optimizers.
//
// This is all the tutorial adds to the learner's rule; GoMLX's optimizers
// (optimizer.Adam(), ...) and fashion.SGD are built the same way.
type RuleOptimizer struct {
	// Rule updates one variable: the learner's nesterov.
	Rule UpdateRule `json:"-"`
	// LearningRate is η before decay (0.01 in the article).
	LearningRate float64 `json:"learning_rate"`
	// Decay is Keras' time-based decay (1e-6 in the article).
	Decay float64 `json:"decay"`
	// Momentum is μ, given to the rule (0.9 in the article).
	Momentum float64 `json:"momentum"`
}

// ruleScope is where RuleOptimizer keeps the velocities: under GoMLX's
// optimizers' scope, so that they count as training state, not model.
const ruleScope = "/" + optimizer.Scope + "/rule"

// UpdateGraph implements optimizer.Interface: one update of every
// trainable variable that the loss's graph uses. Like every graph-building
// function, it panics on error, with a message that names the variable
// when the rule returns nodes of another shape.
func (o RuleOptimizer) UpdateGraph(scope *model.Scope, g *graph.Graph, loss *graph.Node) {
	if o.Rule == nil {
		panic("RuleOptimizer: no update rule")
	}
	if !loss.Shape().IsScalar() {
		panic(fmt.Sprintf("RuleOptimizer needs a scalar loss, got shape %s", loss.Shape()))
	}
	var vars []*model.Variable
	var values []*graph.Node
	for v := range scope.IterVariables() {
		if v.Trainable && v.InUseByGraph(g) {
			vars, values = append(vars, v), append(values, v.NodeValue(g))
		}
	}
	step := optimizer.GetGlobalStepVar(scope)
	t := step.NodeValue(g)
	step.SetNodeValue(graph.AddScalar(t, 1))
	// 1 / (1 + decay·t): the decay, applied to the gradients.
	decayed := graph.Inverse(graph.AddScalar(graph.MulScalar(graph.ConvertDType(t, loss.DType()), o.Decay), 1))
	grads := graph.Gradient(loss, values...)
	for i, w := range vars {
		velocity := scope.Store().VariableWithShape(ruleScope+w.Path(), w.Shape(), initializer.Zero).SetTrainable(false)
		gradient := graph.Mul(grads[i], graph.ConvertDType(decayed, grads[i].DType()))
		newW, newV := o.Rule(values[i], velocity.NodeValue(g), gradient, o.LearningRate, o.Momentum)
		if newW == nil || newV == nil || !newW.Shape().Equal(w.Shape()) || !newV.Shape().Equal(w.Shape()) {
			panic(fmt.Sprintf("the update rule returns %s and %s for %s of shape %s: want the new w and the new v, each of w's shape",
				shapeOf(newW), shapeOf(newV), w.Path(), w.Shape()))
		}
		if !dependsOn(gradient, newW, newV) {
			// A rule that ignores the gradient (the exercise's template)
			// leaves the gradient's graph unused, which the pure-Go
			// backend fails to run (GoMLX v0.28.2): add it to the
			// velocity, times 0, so that it is used and changes nothing.
			newV = graph.Add(newV, graph.MulScalar(graph.ConvertDType(gradient, newV.DType()), 0))
		}
		w.SetNodeValue(newW)
		velocity.SetNodeValue(newV)
	}
}

// dependsOn reports whether any of nodes is x or is computed from it.
func dependsOn(x *graph.Node, nodes ...*graph.Node) bool {
	seen := map[*graph.Node]bool{}
	var visit func(n *graph.Node) bool
	visit = func(n *graph.Node) bool {
		if n == x {
			return true
		}
		if seen[n] {
			return false
		}
		seen[n] = true
		for _, in := range n.Inputs() {
			if visit(in) {
				return true
			}
		}
		return false
	}
	for _, n := range nodes {
		if visit(n) {
			return true
		}
	}
	return false
}

// shapeOf names a node's shape, or nil.
func shapeOf(x *graph.Node) string {
	if x == nil {
		return "nil"
	}
	return x.Shape().String()
}

// Clear implements optimizer.Interface: it deletes the velocities.
func (o RuleOptimizer) Clear(scope *model.Scope) error {
	return scope.Store().DeleteVariablesInScope(ruleScope)
}

// LearningRateAt returns the learning rate of update t (counting from 0),
// η / (1 + decay·t): what m.Fit reports in its history.
func (o RuleOptimizer) LearningRateAt(t int64) float64 {
	return o.LearningRate / (1 + o.Decay*float64(t))
}

// Validate reports settings that cannot train, for m.Fit's recipe check.
func (o RuleOptimizer) Validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case o.Rule == nil:
		return errors.New("RuleOptimizer: no update rule")
	case !finite(o.LearningRate) || o.LearningRate <= 0:
		return fmt.Errorf("RuleOptimizer: learning rate must be a positive number, got %v", o.LearningRate)
	case !finite(o.Decay) || o.Decay < 0:
		return fmt.Errorf("RuleOptimizer: decay must be a number >= 0, got %v", o.Decay)
	case !finite(o.Momentum) || o.Momentum < 0 || o.Momentum >= 1:
		return fmt.Errorf("RuleOptimizer: momentum must be in [0, 1), got %v", o.Momentum)
	}
	return nil
}
