package fashion

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/backend"
	"github.com/fashion-gomlx/fashion-gomlx/internal/fashiontest"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/layers/regularizer"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// TestStrategy checks the one choice of how Fit runs its steps: in a
// graph.While for every optimizer where the backend computes a gradient in
// a While's body (XLA), unrolled otherwise. The pure-Go backend of compute
// v0.1.2 fails at gradientInWhile, the smallest training loop in a While
// ("input 0 for node Mul not computed yet": Builder.Compile runs its
// optimisation pass over the closures after it compiled them;
// docs/performance.md has the fix); any other backend must pass it.
func TestStrategy(t *testing.T) {
	b := testBackend()
	err := gradientInWhile(b)
	switch {
	case isPureGo(b) && err != nil && !strings.Contains(err.Error(), "not computed yet"):
		t.Errorf("gradient in a While on the Go backend: %v; want the known failure or none", err)
	case !isPureGo(b) && err != nil:
		t.Errorf("gradient in a While on %s: %v", b.Name(), err)
	}
	m := newTestModel(t)
	r := ArticleRecipe()
	for _, o := range []optimizer.Interface{r.Optimizer, optimizer.Adam().Done(), optimizer.StochasticGradientDescent()} {
		r.Optimizer = o
		if inLoop, k := m.strategy(r); inLoop != (err == nil) || inLoop && k != r.StepsPerExecution || !inLoop && k != maxUnrolledSteps {
			t.Errorf("%s, %T: strategy in the loop %v, %d steps; the gradient in a While gives %v", b.Name(), o, inLoop, k, err)
		}
	}
	m.unrolled = true
	if inLoop, k := m.strategy(r); inLoop || k != maxUnrolledSteps {
		t.Errorf("strategy with unrolled set: in the loop %v, %d steps", inLoop, k)
	}
}

// loopBackend skips a test of the loop in the graph, saying why, where
// the test backend cannot run the loop (see TestStrategy); with
// FASHION_TEST_LOOP=1 (scripts/test.sh's run on XLA) it fails instead.
func loopBackend(t *testing.T) {
	t.Helper()
	if trainsInWhile(testBackend()) {
		return
	}
	if os.Getenv("FASHION_TEST_LOOP") == "1" {
		t.Fatalf("FASHION_TEST_LOOP=1, but %s cannot run the loop in the graph", testBackend().Name())
	}
	t.Skipf("%s cannot run the loop in the graph (TestStrategy); set %s to XLA's CPU plugin, as scripts/test.sh does",
		testBackend().Name(), fashiontest.BackendEnv)
}

// regularizedMLP is a 784-32-10 network of GoMLX's own layers.Dense, which
// add L2 and L1 regularization terms when the scope's parameters ask for
// them (regularizer.ParamL2, ParamL1); L1 also registers a per-step update
// (weights smaller than the amount are set to zero).
func regularizedMLP(scope *model.Scope, images *graph.Node) *graph.Node {
	scope.SetParam(regularizer.ParamL2, 0.01)
	scope.SetParam(regularizer.ParamL1, 1e-4)
	x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
	x = activation.Relu(layers.DenseWithBias(scope.In("hidden"), x, 32))
	return layers.DenseWithBias(scope.In("output"), x, fashionmnist.NumClasses)
}

// TestLoopMatchesUnrolled checks the training loop inside the graph
// (loopGraph, a graph.While) against the steps unrolled in the graph: the
// article's SGD; GoMLX's Adam, with GoMLX's regularized layers (a
// regularization loss and a per-step update) and dropout (the random
// state); GoMLX's SGD. The same seed gives the same per-epoch history, to
// float32 rounding, and the same variables, the optimizer's included. 232
// images make 7 full batches and one of 8; with 4 steps per execution the
// loop runs 4 steps, then 3 of 4 rows, then 1 (the short batch) of 4.
func TestLoopMatchesUnrolled(t *testing.T) {
	loopBackend(t)
	train := syntheticSplit(t, "train", 232, 5)
	regularizedDropout := func(scope *model.Scope, images *graph.Node) *graph.Node {
		return regularizedMLP(scope, layers.DropoutStatic(scope, images, 0.1))
	}
	for _, c := range []struct {
		name string
		fn   ModelFn
		o    optimizer.Interface
	}{
		{"article SGD", ArticleMLP, nil},
		{"GoMLX Adam, regularized layers, dropout", regularizedDropout, optimizer.Adam().Done()},
		{"GoMLX SGD", mlp(32), optimizer.StochasticGradientDescent()},
	} {
		r := smallRecipe()
		r.Epochs, r.Patience, r.StepsPerExecution = 2, -1, 4
		if c.o != nil {
			r.Optimizer = c.o
		}
		fit := func(unrolled bool) (*History, *Model) {
			m, err := New(testBackend(), c.fn, 1)
			if err != nil {
				t.Fatal(err)
			}
			m.unrolled = unrolled
			if inLoop, _ := m.strategy(r); inLoop == unrolled {
				t.Fatalf("%s, unrolled %v: strategy in the loop %v", c.name, unrolled, inLoop)
			}
			h, err := m.Fit(train, nil, r)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			return h, m
		}
		hl, ml := fit(false)
		hu, mu := fit(true)
		for i, l := range hl.Epochs {
			u := hu.Epochs[i]
			if math.Abs(l.Loss-u.Loss) > 1e-5*math.Abs(u.Loss) || l.Accuracy != u.Accuracy || l.LearningRate != u.LearningRate {
				t.Errorf("%s, epoch %d: %+v in the loop, %+v unrolled", c.name, l.Epoch, l, u)
			}
		}
		sameVariables(t, c.name, ml.store, mu.store, 1e-5)
	}
}

// sameVariables checks that two stores hold the same variables, the float
// ones within tol of the largest value of each, the others equal. The
// variables of train.Trainer's metrics (under /metrics) are left out.
func sameVariables(t *testing.T, what string, got, want *model.Store, tol float64) {
	t.Helper()
	metrics := func(v *model.Variable) bool { return strings.HasPrefix(v.Path(), "/metrics/") }
	for g := range got.IterVariables() {
		if !metrics(g) && want.GetVariable(g.Path()) == nil {
			t.Errorf("%s: an extra variable %s", what, g.Path())
		}
	}
	for w := range want.IterVariables() {
		g := got.GetVariable(w.Path())
		if metrics(w) {
			continue
		} else if g == nil {
			t.Errorf("%s: no variable %s", what, w.Path())
			continue
		}
		gv, _ := g.Value()
		wv, _ := w.Value()
		if w.DType() != dtypes.Float32 {
			if fmt.Sprint(gv.Value()) != fmt.Sprint(wv.Value()) {
				t.Errorf("%s: %s is %v, want %v", what, w.Path(), gv, wv)
			}
			continue
		}
		gs, ws := tensors.MustCopyFlatData[float32](gv), tensors.MustCopyFlatData[float32](wv)
		var worst, largest float64
		for i := range ws {
			worst = max(worst, math.Abs(float64(gs[i]-ws[i])))
			largest = max(largest, math.Abs(float64(ws[i])))
		}
		if worst > tol*largest {
			t.Errorf("%s: %s differs by up to %.3g (largest value %.3g)", what, w.Path(), worst, largest)
		}
	}
}

// TestLoopMatchesUnrolledOnFashionMNIST trains the article's recipe on
// Fashion-MNIST, seeds 1 to 3, in the loop and unrolled, on the backend
// $FASHION_TEST_BACKEND names: the same early-stopping epoch and test
// accuracies within 0.002. Long (about a minute a run on XLA's CPU plugin)
// and not hermetic (the data set, the plugin): it runs only with
// FASHION_TEST_FULL=1 as well, e.g.
//
//	FASHION_TEST_FULL=1 FASHION_TEST_BACKEND=xla:$PWD/bench/.xla/pjrt_c_api_cpu_plugin.so \
//	  go test ./pkg/fashion -run OnFashionMNIST -v -timeout 30m
func TestLoopMatchesUnrolledOnFashionMNIST(t *testing.T) {
	config := os.Getenv(fashiontest.BackendEnv)
	if os.Getenv("FASHION_TEST_FULL") != "1" || config == "" {
		t.Skip("long: set FASHION_TEST_FULL=1 and FASHION_TEST_BACKEND to run it")
	}
	b, _, err := backend.NewBackend(config)
	if err != nil {
		t.Fatal(err)
	}
	data, err := fashionmnist.Load(fashionmnist.LoadOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 3; seed++ {
		type result struct {
			epochs int
			test   Metrics
		}
		fit := func(unrolled bool) result {
			m, err := New(b, ArticleMLP, seed)
			if err != nil {
				t.Fatal(err)
			}
			m.unrolled = unrolled
			r := ArticleRecipe()
			r.Seed = seed
			h, err := m.Fit(data.Train, data.Validation, r)
			if err != nil {
				t.Fatal(err)
			}
			test, err := m.Evaluate(data.Test)
			if err != nil {
				t.Fatal(err)
			}
			return result{len(h.Epochs), test}
		}
		loop, unrolled := fit(false), fit(true)
		t.Logf("seed %d: loop %d epochs, test %+v; unrolled %d epochs, test %+v", seed, loop.epochs, loop.test, unrolled.epochs, unrolled.test)
		if loop.epochs != unrolled.epochs || math.Abs(loop.test.Accuracy-unrolled.test.Accuracy) > 0.002 {
			t.Errorf("seed %d: the loop and the unrolled updates part", seed)
		}
	}
}
