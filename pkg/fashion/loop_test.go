package fashion

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/backend"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
)

// TestGradientInWhile documents what the pure-Go backend lacks for Fit's
// loop in the graph: gradientInWhile, the smallest training loop in a
// graph.While, fails on compute v0.1.2's Go backend ("input 0 for node Mul
// not computed yet": Builder.Compile runs its optimisation pass,
// ImplicitBroadcastFusion, over every function, closures included, after
// the closures were compiled at their Return, so a closure runs with stale
// use counts; docs/performance.md has the fix). Fit then unrolls its
// updates. When the backend gets it right, Fit runs its loop there.
func TestGradientInWhile(t *testing.T) {
	m := newTestModel(t)
	err := gradientInWhile(m.backend)
	if err != nil && !strings.Contains(err.Error(), "not computed yet") {
		t.Errorf("gradient in a While on the Go backend: %v; want the known failure or none", err)
	}
	if got := m.loopInGraph(ArticleRecipe()); got != (err == nil) {
		t.Errorf("loopInGraph %v, but the gradient in a While gives %v", got, err)
	}
	if err != nil {
		t.Logf("the Go backend fails at a gradient inside a While (%v): Fit unrolls its updates there", err)
	}
	m.unrolled = true
	if m.loopInGraph(ArticleRecipe()) {
		t.Error("loopInGraph with unrolled set")
	}
}

// loopBackends returns the backends the loop in the graph is tested on: the
// Go backend where it can run the loop (see TestGradientInWhile), and the
// one $FASHION_TEST_BACKEND names (e.g. xla:/path/to/pjrt_c_api_cpu_plugin.so,
// not hermetic: the XLA plugin is not part of the module), where set.
func loopBackends(t *testing.T) []compute.Backend {
	var backends []compute.Backend
	if trainsInWhile(testBackend()) {
		backends = append(backends, testBackend())
	} else {
		t.Log("the Go backend cannot run the loop in the graph (TestGradientInWhile): not tested there")
	}
	if config := os.Getenv("FASHION_TEST_BACKEND"); config != "" {
		b, _, err := backend.NewBackend(config)
		if err != nil {
			t.Fatal(err)
		}
		backends = append(backends, b)
	}
	if len(backends) == 0 {
		t.Skip("no backend here runs the loop in the graph; set FASHION_TEST_BACKEND to an XLA plugin")
	}
	return backends
}

// TestLoopMatchesUnrolled checks the training loop inside the graph
// (loopGraph, a graph.While) against the updates unrolled in the graph
// (stepsGraph): the same seed gives the same per-epoch history, to float32
// rounding, and the same weights. 200 images make 6 full batches and one
// of 8; 4 steps per execution make the loop run twice an epoch, the second
// time short.
func TestLoopMatchesUnrolled(t *testing.T) {
	train := syntheticSplit(t, "train", 200, 5)
	validation := syntheticSplit(t, "validation", 100, 6)
	r := smallRecipe()
	r.Epochs, r.StepsPerExecution = 2, 4
	for _, b := range loopBackends(t) {
		fit := func(unrolled bool) (*History, *LayerWeights) {
			m, err := New(b, ArticleMLP, 1)
			if err != nil {
				t.Fatal(err)
			}
			m.unrolled = unrolled
			if got := m.loopInGraph(r); got == unrolled {
				t.Fatalf("%s, unrolled %v: loopInGraph %v", b.Name(), unrolled, got)
			}
			h, err := m.Fit(train, validation, r)
			if err != nil {
				t.Fatal(err)
			}
			lw, err := m.Weights("dense")
			if err != nil {
				t.Fatal(err)
			}
			return h, lw
		}
		hl, wl := fit(false)
		hu, wu := fit(true)
		if len(hl.Epochs) != len(hu.Epochs) {
			t.Fatalf("%s: %d epochs in the loop, %d unrolled", b.Name(), len(hl.Epochs), len(hu.Epochs))
		}
		for i, l := range hl.Epochs {
			u := hu.Epochs[i]
			for _, q := range []struct {
				name string
				l, u float64
			}{{"loss", l.Loss, u.Loss}, {"val_loss", l.ValLoss, u.ValLoss}} {
				if math.Abs(q.l-q.u) > 1e-5*math.Abs(q.u) {
					t.Errorf("%s, epoch %d %s: %v in the loop, %v unrolled", b.Name(), l.Epoch, q.name, q.l, q.u)
				}
			}
			if l.Accuracy != u.Accuracy || l.LearningRate != u.LearningRate {
				t.Errorf("%s, epoch %d: %+v in the loop, %+v unrolled", b.Name(), l.Epoch, l, u)
			}
		}
		for i, row := range wl.Weights {
			for j, w := range row {
				if d := math.Abs(float64(w - wu.Weights[i][j])); d > 1e-5 {
					t.Fatalf("%s, weight [%d, %d]: %v in the loop, %v unrolled", b.Name(), i, j, w, wu.Weights[i][j])
				}
			}
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
//	FASHION_TEST_FULL=1 FASHION_TEST_BACKEND=xla:$PWD/bench/.venv/pjrt/pjrt_c_api_cpu_plugin.so \
//	  go test ./pkg/fashion -run OnFashionMNIST -v -timeout 30m
func TestLoopMatchesUnrolledOnFashionMNIST(t *testing.T) {
	config := os.Getenv("FASHION_TEST_BACKEND")
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
