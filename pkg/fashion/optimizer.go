package fashion

import (
	"errors"
	"fmt"
	"math"
	"slices"
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

var _ optimizer.Interface = SGD{}

// Validate checks the settings: numbers that are finite and small enough
// for the float32 arithmetic of the training graph (a decay of 1e39 is a
// finite float64 but overflows float32). The error lists every problem, on
// one line.
func (o SGD) Validate() error {
	var errs []string
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Sprintf(format, args...))
		}
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	check(finite(o.LearningRate) && o.LearningRate > 0 && o.LearningRate*o.stepScale() <= math.MaxFloat32,
		"learning rate must be a positive number below %.3g, got %v", math.MaxFloat32/o.stepScale(), o.LearningRate)
	check(finite(o.Decay) && o.Decay >= 0 && o.Decay <= math.MaxFloat32,
		"decay must be a number in [0, %.3g] (float32), got %v", math.MaxFloat32, o.Decay)
	check(finite(o.Momentum) && o.Momentum >= 0 && o.Momentum < 1, "momentum must be in [0, 1), got %v", o.Momentum)
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// sgdScope is where the optimizer keeps the velocities.
const sgdScope = "/" + optimizer.Scope + "/sgd"

// LearningRateAt returns the learning rate of update t (counting from 0),
// which Fit reports in the history (EpochLog.LearningRate).
func (o SGD) LearningRateAt(t int64) float64 {
	return o.LearningRate / (1 + o.Decay*float64(t))
}

// UpdateGraph builds one update of every trainable variable that the
// loss's graph uses: the gradients come from GoMLX's automatic
// differentiation (graph.Gradient), and each variable moves by Keras'
// rule (on the pure-Go backend, rearranged to wait less for the gradient).
// It implements optimizer.Interface,
// so GoMLX's train.Trainer can use it, and, like every graph-building
// function, panics on error.
//
// A graph may make several updates, one call per training step (Fit does,
// StepsPerExecution of them): each call takes the gradient of its own loss
// with respect to the variables as the previous call left them.
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
	// The gradient of s·lr_t·loss is s·lr_t·g, what the update subtracts:
	// scaling the loss, a scalar, costs nothing, where scaling each gradient
	// would be a pass over every parameter.
	st := o.stateGraph(scope, g, vars)
	scale := graph.ConvertDType(o.scaledRateGraph(scope, g, st.stepScale()), loss.DType())
	steps := graph.Gradient(graph.Mul(loss, scale), values...)
	st.update(steps)
}

// scaledRateGraph returns s·lr_t: the learning rate of this update times
// s (sgdState.stepScale), what the gradients are multiplied by before
// sgdState.update. It counts the update: t is GoMLX's global step, the
// number of updates made before this one.
func (o SGD) scaledRateGraph(scope *model.Scope, g *graph.Graph, s float64) *graph.Node {
	stepVar := optimizer.GetGlobalStepVar(scope)
	t := graph.ConvertDType(stepVar.NodeValue(g), dtypes.Float32)
	stepVar.SetNodeValue(graph.AddScalar(stepVar.NodeValue(g), 1))
	return graph.MulScalar(graph.Inverse(graph.AddScalar(graph.MulScalar(t, o.Decay), 1)), o.LearningRate*s)
}

// stepScale is s in the update that sgdState makes: 1 + Momentum with
// Nesterov's momentum, 1 without.
func (o SGD) stepScale() float64 {
	if o.Nesterov {
		return 1 + o.Momentum
	}
	return 1
}

// sgdState is the optimizer inside one training graph: the variables it
// updates and their velocities, carried from one update to the next when
// the graph makes several.
//
// The update is Keras' rewritten so that it waits as little as possible
// for the gradient. Keras' Nesterov update of a variable w with gradient g
// and momentum m is
//
//	v' = m·v - lr_t·g
//	w' = w + m·v' - lr_t·g  =  (w + m²·v) - (1+m)·lr_t·g
//
// so with G = s·lr_t·g and the velocity kept as ṽ = s·v, where s = 1+m,
//
//	w ← (w + c·ṽ) - G      ṽ ← m·ṽ - G      with c = m²/(1+m).
//
// Classic momentum (w' = w + v') is the same with s = 1 and c = m.
// (TestSGDMatchesKerasFormulas checks both against Keras' formulas.)
//
// The terms in parentheses, and m·ṽ, need only the values from before the
// step: the backend computes them while the step's forward and backward
// passes run. Once the gradient is known, each variable needs a single
// pass, a subtraction, where the plain order takes three in a row. On the
// pure-Go backend each such pass over the 543,860 parameters costs about as
// much as the matrix products of a small layer, and this order trains 1.28x
// faster on two cores (docs/performance.md). The factor s costs nothing:
// UpdateGraph folds it into the loss it differentiates.
//
// That order is graphRules.reorderedSGD, the pure-Go backend's. Elsewhere
// the update is Keras' order, v' = m·v - G, then w' = w + m·v' - G
// (Nesterov) or w' = w + v' (classic), with G = lr_t·g (s = 1).
//
// ṽ lives in the graph: the first update of a graph reads the velocity
// variables (Keras' v) and multiplies them by s; every update writes v =
// ṽ/s back, but only the last update's value is kept (the others are dead
// code, which the backends drop).
type sgdState struct {
	o          SGD
	vars       []*model.Variable
	velocities []*model.Variable // Keras' v, what is saved.
	scaled     []*graph.Node     // ṽ = s·v, as the graph goes (v in Keras' order).
	reordered  bool              // graphRules.reorderedSGD.
}

// stepScale is s: 1 + Momentum in the reordered Nesterov update, else 1.
func (st *sgdState) stepScale() float64 {
	if st.reordered {
		return st.o.stepScale()
	}
	return 1
}

// sgdStateParam is the graph parameter that holds a graph's sgdState.
const sgdStateParam = "sgd_state"

// stateGraph returns the optimizer's state in graph g: the one the previous
// update of g left, or, at g's first update, the velocities of vars
// (created at zero on first use) read into g.
func (o SGD) stateGraph(scope *model.Scope, g *graph.Graph, vars []*model.Variable) *sgdState {
	root := scope.Store().RootScope()
	if value, _ := root.GetGraphParam(g, sgdStateParam); value != nil {
		st := value.(*sgdState)
		if st.o != o || !slices.Equal(st.vars, vars) {
			panic("SGD: a graph's updates must use the same optimizer settings and variables")
		}
		return st
	}
	st := &sgdState{o: o, vars: vars, reordered: rulesOf(scope, g).reorderedSGD}
	for _, v := range vars {
		velocity := o.velocity(scope, v)
		st.velocities = append(st.velocities, velocity)
		scaled := velocity.NodeValue(g)
		if s := st.stepScale(); s != 1 {
			scaled = graph.MulScalar(scaled, s)
		}
		st.scaled = append(st.scaled, scaled)
	}
	root.SetGraphParam(g, sgdStateParam, st)
	return st
}

// velocity returns the velocity variable of v, created at zero on first use.
func (o SGD) velocity(scope *model.Scope, v *model.Variable) *model.Variable {
	return scope.Store().VariableWithShape(sgdScope+v.Path(), v.Shape(), initializer.Zero).SetTrainable(false)
}

// update makes one update of each variable vars[i], given steps[i] =
// s·lr_t·g, its gradient times the learning rate and stepScale.
func (st *sgdState) update(steps []*graph.Node) {
	if !st.reordered {
		st.kerasUpdate(steps)
		return
	}
	m := st.o.Momentum
	c := m * m / (1 + m)
	if !st.o.Nesterov {
		c = m
	}
	for i, v := range st.vars {
		g := steps[i].Graph()
		v.SetNodeValue(graph.Sub(graph.Add(v.NodeValue(g), graph.MulScalar(st.scaled[i], c)), steps[i]))
		st.scaled[i] = graph.Sub(graph.MulScalar(st.scaled[i], m), steps[i])
		st.velocities[i].SetNodeValue(graph.MulScalar(st.scaled[i], 1/st.o.stepScale()))
	}
}

// kerasUpdate is update in Keras' order (s = 1, so steps[i] = lr_t·g).
func (st *sgdState) kerasUpdate(steps []*graph.Node) {
	m := st.o.Momentum
	for i, v := range st.vars {
		g := steps[i].Graph()
		velocity := graph.Sub(graph.MulScalar(st.scaled[i], m), steps[i])
		if st.o.Nesterov {
			v.SetNodeValue(graph.Sub(graph.Add(v.NodeValue(g), graph.MulScalar(velocity, m)), steps[i]))
		} else {
			v.SetNodeValue(graph.Add(v.NodeValue(g), velocity))
		}
		st.scaled[i] = velocity
		st.velocities[i].SetNodeValue(velocity)
	}
}

// Clear deletes the velocities, e.g. to keep only what prediction needs. It
// implements optimizer.Interface.
func (o SGD) Clear(scope *model.Scope) error {
	return scope.Store().DeleteVariablesInScope(sgdScope)
}

// IsTrainingState reports whether a variable path of a model's store
// belongs to the state of training rather than to the model: the state of
// GoMLX's optimizers (under /optimizers, where SGD keeps its velocities,
// and /AdamOptimizer, Adam's moments), GoMLX's update count (global step)
// and its random state.
func IsTrainingState(path string) bool {
	for _, scope := range []string{optimizer.Scope, optimizer.AdamDefaultScope} {
		if strings.HasPrefix(path, "/"+scope+"/") {
			return true
		}
	}
	return path == "/"+optimizer.GlobalStepVariableName || path == "/"+model.RNGStateVariableName
}
