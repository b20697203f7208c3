package fashion

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/fashiontest"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// syntheticSplit returns n images a small network can learn quickly.
var syntheticSplit = fashiontest.SyntheticSplit

// smallRecipe trains briefly with a larger learning rate.
func smallRecipe() Recipe {
	r := ArticleRecipe()
	r.Epochs = 3
	withSGD(&r, func(o *SGD) { o.LearningRate = 0.05 })
	return r
}

// stopAfter is a callback that stops training after a given epoch and
// counts the calls it sees.
type stopAfter struct {
	epoch, seen, steps int
	began, ended       bool
}

func (s *stopAfter) OnTrainBegin(*Model, TrainInfo) error { s.began = true; return nil }
func (s *stopAfter) OnSteps(int, int, int, float64, float64) {
	s.steps++
}
func (s *stopAfter) OnTrainEnd(*Model, *History) error { s.ended = true; return nil }
func (s *stopAfter) OnEpochEnd(_ *Model, e EpochLog) error {
	s.seen++
	if e.Epoch == s.epoch {
		return ErrStopTraining
	}
	return nil
}

func TestFitLearns(t *testing.T) {
	train := syntheticSplit(t, "train", 1000, 1)
	validation := syntheticSplit(t, "validation", 300, 2)
	m := newTestModel(t)
	r := smallRecipe()
	h, err := m.Fit(train, validation, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epochs) != 3 || h.Epochs[2].Epoch != 3 {
		t.Fatalf("history %+v", h)
	}
	last := h.Last()
	if last.ValAccuracy < 0.9 || last.Accuracy < 0.8 || last.Loss >= h.Epochs[0].Loss {
		t.Errorf("did not learn: %+v", h.Epochs)
	}
	// 1000 images in batches of 32: 31 full batches and one of 8.
	wantLR := r.Optimizer.LearningRateAt(3*32 - 1)
	if math.Abs(last.LearningRate-wantLR) > 1e-12 {
		t.Errorf("learning rate %v, want %v after %d updates", last.LearningRate, wantLR, 3*32)
	}
	got, err := m.Evaluate(validation)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.Loss-last.ValLoss) > 1e-6 || got.Accuracy != last.ValAccuracy {
		t.Errorf("Evaluate %+v differs from the last epoch's validation %+v", got, last)
	}
	if m.History() != h || m.Recipe().Epochs != 3 {
		t.Error("the model does not keep its history and recipe")
	}
}

func TestStepsPerExecutionDoesNotChangeResults(t *testing.T) {
	train := syntheticSplit(t, "train", 200, 3)
	weights := func(k int) *LayerWeights {
		m := newTestModel(t)
		r := smallRecipe()
		r.Epochs, r.Patience, r.StepsPerExecution = 1, -1, k
		if _, err := m.Fit(train, nil, r); err != nil {
			t.Fatal(err)
		}
		lw, err := m.Weights("dense_3")
		if err != nil {
			t.Fatal(err)
		}
		return lw
	}
	a, b := weights(1), weights(5)
	for i := range a.Biases {
		if math.Abs(float64(a.Biases[i]-b.Biases[i])) > 1e-5 {
			t.Fatalf("bias %d: %v with 1 step per execution, %v with 5", i, a.Biases[i], b.Biases[i])
		}
	}
}

// TestFitMatchesTheOptimizer checks Fit's training graph (Dense's custom
// gradient, several updates per execution, the velocities carried from
// step to step in the graph) against the same network on GoMLX's generic
// matrix product (genericMLP), trained by SGD.UpdateGraph one update per
// execution, over the same batches.
func TestFitMatchesTheOptimizer(t *testing.T) {
	train := syntheticSplit(t, "train", 200, 5) // 6 batches of 32 and one of 8.
	r := smallRecipe()
	r.Epochs, r.Patience, r.StepsPerExecution = 1, -1, 4
	fitted := newTestModel(t)
	if _, err := fitted.Fit(train, nil, r); err != nil {
		t.Fatal(err)
	}

	ref := newTestModel(t)
	exec, err := model.NewExec(testBackend(), ref.store, func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
		meanLoss, _ := lossAndHits(Recipe{}.lossFn(), genericMLP(scope, images), labels)
		r.Optimizer.UpdateGraph(scope, images.Graph(), meanLoss)
		return meanLoss
	})
	if err != nil {
		t.Fatal(err)
	}
	order := fashionmnist.EpochOrder(train.Len(), r.Seed, 0)
	for from := 0; from < len(order); from += r.BatchSize {
		images, labels := gather(train, order[from:min(from+r.BatchSize, len(order))])
		if _, err := exec.Call(images, labels); err != nil {
			t.Fatal(err)
		}
	}

	for _, v := range ref.variables() {
		for _, path := range []string{v.Path(), sgdScope + v.Path()} {
			want, err := variableData(ref.store.GetVariable(path))
			if err != nil {
				t.Fatal(err)
			}
			got, err := variableData(fitted.store.GetVariable(path))
			if err != nil {
				t.Fatal(err)
			}
			var worst, largest float64
			for i := range want {
				worst = max(worst, math.Abs(float64(got[i]-want[i])))
				largest = max(largest, math.Abs(float64(want[i])))
			}
			if worst > 1e-5*largest {
				t.Errorf("%s differs by up to %.3g (largest value %.3g)", path, worst, largest)
			}
		}
	}
}

func TestFitCallbacks(t *testing.T) {
	train := syntheticSplit(t, "train", 100, 4)
	validation := syntheticSplit(t, "validation", 50, 5)
	m := newTestModel(t)
	cb := &stopAfter{epoch: 2}
	r := smallRecipe()
	r.Epochs, r.StepsPerExecution = 5, 2
	h, err := m.Fit(train, validation, r, cb)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epochs) != 2 || !h.StoppedEarly || cb.seen != 2 || !cb.began || !cb.ended {
		t.Fatalf("history %+v, callback %+v", h, cb)
	}
	// 100 images, batches of 32, 2 steps per execution: calls of 2, 1 and 1 steps.
	if cb.steps != 2*3 {
		t.Errorf("%d step reports, want 6", cb.steps)
	}

	failing := callbackFunc(func(*Model, EpochLog) error { return errors.New("disk full") })
	if _, err := m.Fit(train, validation, r, failing); err == nil || !errorsContain(err, "disk full") {
		t.Errorf("a failing callback gave %v", err)
	}
}

// callbackFunc adapts a function to Callback.
type callbackFunc func(*Model, EpochLog) error

func (f callbackFunc) OnEpochEnd(m *Model, e EpochLog) error { return f(m, e) }

func errorsContain(err error, s string) bool {
	return err != nil && strings.Contains(err.Error(), s)
}

func TestFitRestoresBestWeights(t *testing.T) {
	// Training on shuffled labels teaches noise: the validation loss gets
	// worse after the first epochs, so the best epoch is not the last.
	train := syntheticSplit(t, "train", 200, 6)
	rng := rand.New(rand.NewPCG(1, 2))
	_, labels := train.Bytes() // shared: shuffling them shuffles train's labels
	rng.Shuffle(train.Len(), func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
	validation := syntheticSplit(t, "validation", 100, 7)
	m := newTestModel(t)
	r := smallRecipe()
	r.Epochs, r.Patience, r.RestoreBestWeights = 8, -1, true
	h, err := m.Fit(train, validation, r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Evaluate(validation)
	if err != nil {
		t.Fatal(err)
	}
	if !h.RestoredBest || h.BestEpoch == h.Last().Epoch {
		t.Fatalf("best epoch %d of %d, restored %v: the test needs a run whose best epoch is not the last",
			h.BestEpoch, len(h.Epochs), h.RestoredBest)
	}
	if best := h.Epochs[h.BestEpoch-1]; math.Abs(got.Loss-best.ValLoss) > 1e-6 {
		t.Errorf("after restoring, validation loss %v; the best epoch had %v", got.Loss, best.ValLoss)
	}
}

func TestFitRejectsBadRecipes(t *testing.T) {
	train := syntheticSplit(t, "train", 10, 8)
	m := newTestModel(t)
	bad := []func(*Recipe){
		func(r *Recipe) { r.Epochs = -1 },
		func(r *Recipe) { r.BatchSize = 0 },
		func(r *Recipe) { withSGD(r, func(o *SGD) { o.LearningRate = math.NaN() }) },
		func(r *Recipe) { withSGD(r, func(o *SGD) { o.LearningRate = math.Inf(1) }) },
		func(r *Recipe) { withSGD(r, func(o *SGD) { o.Momentum = 1 }) },
		func(r *Recipe) { withSGD(r, func(o *SGD) { o.Decay = -1 }) },
		func(r *Recipe) { r.StepsPerExecution = 0 },
		func(r *Recipe) { r.Limit = 11 }, // More than the 10 images.
	}
	for i, change := range bad {
		r := ArticleRecipe()
		change(&r)
		if _, err := m.Fit(train, train, r); err == nil {
			t.Errorf("recipe %d accepted: %+v", i, r)
		}
	}
	if _, err := m.Fit(train, nil, ArticleRecipe()); err == nil {
		t.Error("early stopping without validation accepted")
	}
	if _, err := m.Fit(nil, train, ArticleRecipe()); err == nil {
		t.Error("no training split accepted")
	}
}

// dropoutMLP is a 784-64-10 network with dropout after its hidden layer.
func dropoutMLP(scope *model.Scope, images *graph.Node) *graph.Node {
	x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
	x = layers.DropoutStatic(scope, activation.Relu(Dense(scope.In("dense"), x, 64)), 0.5)
	return Dense(scope.In("dense_1"), x, fashionmnist.NumClasses)
}

// TestDropoutTrains checks that Fit trains with dropout on (training
// graphs only), and that the same seed repeats a run.
func TestDropoutTrains(t *testing.T) {
	train := syntheticSplit(t, "train", 200, 31)
	r := smallRecipe()
	r.Epochs, r.Patience = 2, -1
	fit := func(fn ModelFn) (*Model, *History) {
		m, err := New(testBackend(), fn, 1)
		if err != nil {
			t.Fatal(err)
		}
		h, err := m.Fit(train, nil, r)
		if err != nil {
			t.Fatal(err)
		}
		return m, h
	}
	m, h := fit(dropoutMLP)
	_, again := fit(dropoutMLP)
	if h.Epochs[1].Loss != again.Epochs[1].Loss {
		t.Errorf("the same seed gave losses %v and %v", h.Epochs[1].Loss, again.Epochs[1].Loss)
	}
	noDropout := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := activation.Relu(Dense(scope.In("dense"), graph.Reshape(images, -1, fashionmnist.ImagePixels), 64))
		return Dense(scope.In("dense_1"), x, fashionmnist.NumClasses)
	}
	if _, plain := fit(noDropout); plain.Epochs[0].Loss == h.Epochs[0].Loss {
		t.Error("dropout changed nothing in training")
	}
	a, err := m.Evaluate(train)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := m.Evaluate(train); a != b {
		t.Errorf("evaluation is random: %+v, then %+v (dropout must be off)", a, b)
	}
}
