package fashion

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// whileTrains caches trainsInWhile's answer per backend.
var whileTrains sync.Map // compute.Backend -> bool

// trainsInWhile reports whether backend can run Fit's loop in the graph:
// closures, graph.While, and a gradient inside the While's body. It finds
// out once per backend, by running the smallest such loop
// (gradientInWhile): the pure-Go backend of compute v0.1.2 has While and
// computes gradients, but fails at the gradient inside a While's body (it
// compiles the closures before its optimisation passes change them,
// docs/performance.md, "The loop in the graph"), and then Fit unrolls its
// updates instead.
func trainsInWhile(backend compute.Backend) bool {
	if !backend.Capabilities().Functions {
		return false
	}
	if ok, found := whileTrains.Load(backend); found {
		return ok.(bool)
	}
	ok := gradientInWhile(backend) == nil
	whileTrains.Store(backend, ok)
	return ok
}

// gradientInWhile runs three steps of gradient descent on Σx² inside a
// graph.While, x ← x − 0.1·∂(Σx²)/∂x = 0.8·x from x = [1, 2, 3], and
// returns an error unless it gives 0.8³·x.
func gradientInWhile(backend compute.Backend) (err error) {
	exec, err := graph.NewExec(backend, func(x *graph.Node) *graph.Node {
		g := x.Graph()
		state := func(g *graph.Graph) (i, x *graph.Node) {
			return graph.Parameter(g, "i", shapes.Make(dtypes.Int32)), graph.Parameter(g, "x", shapes.Make(dtypes.Float32, 3))
		}
		cond := graph.NewClosure(g, func(g *graph.Graph) []*graph.Node {
			i, _ := state(g)
			return []*graph.Node{graph.LessThan(i, graph.Const(g, int32(3)))}
		})
		body := graph.NewClosure(g, func(g *graph.Graph) []*graph.Node {
			i, x := state(g)
			grad := graph.Gradient(graph.ReduceAllSum(graph.Square(x)), x)[0]
			return []*graph.Node{graph.AddScalar(i, 1), graph.Sub(x, graph.MulScalar(grad, 0.1))}
		})
		return graph.While(cond, body, graph.Const(g, int32(0)), x)[1]
	})
	if err != nil {
		return err
	}
	defer exec.Finalize()
	out, err := exec.Exec([]float32{1, 2, 3})
	if err != nil {
		return err
	}
	got := tensors.MustCopyFlatData[float32](out[0])
	for i, x := range []float32{1, 2, 3} {
		if want := 0.512 * x; math.Abs(float64(got[i]-want)) > 1e-5 {
			return fmt.Errorf("gradient descent in a While: got %v, want 0.512·[1 2 3]", got)
		}
	}
	return nil
}

// loopState returns the variables a training loop carries from one step
// to the next, each read into g in the main function (so that their graph
// parameters are the execution's inputs): every variable of the store,
// after declaring those a step creates on first use (the optimizer's
// state, GoMLX's random state), which the loop's body cannot create (the
// graph parameter of a variable created there would belong to the
// closure). To declare them, one step on a batch of b images is built in
// a graph that never runs.
func (t *trainer) loopState(scope *model.Scope, g *graph.Graph, b int) []*model.Variable {
	store := scope.Store()
	declare := graph.NewGraph(g.Backend(), "declare the variables of a training step")
	defer declare.Finalize()
	model.SetStore(declare, store)
	store.SetTraining(declare, true)
	t.trainStep(scope,
		graph.Parameter(declare, "images", shapes.Make(dtypes.Float32, b, fashionmnist.ImageSize, fashionmnist.ImageSize)),
		graph.Parameter(declare, "labels", shapes.Make(dtypes.Int32, b, 1)))
	var state []*model.Variable
	for v := range store.IterVariables() {
		v.NodeValue(g)
		state = append(state, v)
	}
	return state
}

// loopGraph builds one execution of the training: a step (trainStep) on
// each of the first count rows of indices [K, B], a batch of the training
// split each, in a graph.While. It returns the steps' summed loss and
// correct count, float64 (float32 sums of a thousand batches would lose
// digits).
//
// The loop's state is the step's number, the two sums, the loop's inputs
// and the variables of loopState. The body's closure gets each variable as
// a parameter and gives it to the model and the optimizer with
// Variable.SetNodeValue, so that they build their usual graph inside the
// closure (graph.Gradient included); the body returns what they left in
// the variables. After the loop, each variable's value in the graph is the
// loop's result, which model.Exec writes back to the variable, as for any
// graph that updates variables.
//
// The inputs (the training split, the indices, count) travel in the state
// unchanged rather than being captured from the main function: XLA's
// backend (go-xla v0.4.1) does not capture values in closures. For the
// same reason the state starts from constants that are not GoMLX's cached
// scalars, which a closure could otherwise be handed.
func (t *trainer) loopGraph(scope *model.Scope, pixels, labels, indices, count *graph.Node) (lossSum, correct *graph.Node) {
	g := indices.Graph()
	scope.Store().SetTraining(g, true) // Some layers (dropout) behave differently in training.
	b := indices.Shape().Dimensions[1]
	vars := t.loopState(scope, g, b)
	const step, loss, hits, pixelsAt, labelsAt, indicesAt, countAt, varsAt = 0, 1, 2, 3, 4, 5, 6, 7
	initial := []*graph.Node{graph.Const(g, int32(0)), graph.Const(g, 0.0), graph.Const(g, 0.0), pixels, labels, indices, count}
	for _, v := range vars {
		initial = append(initial, v.NodeValue(g))
	}
	// parameters declares the loop's state in a closure, in initial's order.
	parameters := func(g *graph.Graph) []*graph.Node {
		ps := make([]*graph.Node, len(initial))
		for i, x := range initial {
			ps[i] = graph.Parameter(g, fmt.Sprintf("state_%d", i), x.Shape())
		}
		return ps
	}
	cond := graph.NewClosure(g, func(g *graph.Graph) []*graph.Node {
		ps := parameters(g)
		return []*graph.Node{graph.LessThan(ps[step], ps[countAt])}
	})
	body := graph.NewClosure(g, func(g *graph.Graph) []*graph.Node {
		ps := parameters(g)
		for i, v := range vars {
			v.SetNodeValue(ps[varsAt+i])
		}
		// A Gather of one row: the Go backend has no DynamicSlice.
		idx := graph.Reshape(graph.Gather(ps[indicesAt], graph.Reshape(ps[step], 1)), b, 1)
		images, batchLabels := gatherBatch(ps[pixelsAt], ps[labelsAt], idx)
		l, c := t.trainStep(scope, images, batchLabels)
		next := slices.Clone(ps[:varsAt])
		next[step] = graph.Add(ps[step], graph.OnesLike(ps[step]))
		next[loss] = graph.Add(ps[loss], graph.ConvertDType(l, dtypes.Float64))
		next[hits] = graph.Add(ps[hits], graph.ConvertDType(c, dtypes.Float64))
		for _, v := range vars {
			next = append(next, v.NodeValue(g))
		}
		return next
	})
	final := graph.While(cond, body, initial...)
	for i, v := range vars {
		v.SetNodeValue(final[varsAt+i])
	}
	return final[loss], final[hits]
}
