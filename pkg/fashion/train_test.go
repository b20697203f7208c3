package fashion

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/fashiontest"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/layers/regularizer"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
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
	wantLR := r.LearningRateAt(3*32 - 1)
	if math.Abs(last.LearningRate-wantLR) > 1e-12 {
		t.Errorf("learning rate %v, want %v after %d updates", last.LearningRate, wantLR, 3*32)
	}
	if m.History() != h || m.Recipe().Epochs != 3 {
		t.Error("the model does not keep its history and recipe")
	}
}

// TestFitMatchesGoMLXTrainer checks Fit against GoMLX's own training loop,
// train.Trainer over Batches, one step per execution (so StepsPerExecution
// changes speed only, not results), which visits the
// same batches: after an epoch both give the same variables (the model's
// and the optimizer's), and Fit's epoch loss is the mean over the images
// of the Trainer's batch losses (the last batch of 8 weighs 8 images, the
// others 32), for the article's SGD, GoMLX's Adam and GoMLX's regularized
// layers (regularization losses and a per-step update). Fit runs several
// steps per execution, in a loop in the graph or unrolled (TestStrategy).
func TestFitMatchesGoMLXTrainer(t *testing.T) {
	split := syntheticSplit(t, "train", 200, 5) // 6 batches of 32 and one of 8.
	for _, c := range []struct {
		name string
		fn   ModelFn
		o    optimizer.Interface
	}{
		{"article SGD", ArticleMLP, nil},
		{"GoMLX Adam", mlp(32), optimizer.Adam().Done()},
		{"regularized layers", regularizedMLP, nil},
	} {
		r := smallRecipe()
		r.Epochs, r.Patience, r.StepsPerExecution = 1, -1, 4
		if c.o != nil {
			r.Optimizer = c.o
		}
		fitted, err := New(testBackend(), c.fn, 1)
		if err != nil {
			t.Fatal(err)
		}
		h, err := fitted.Fit(split, nil, r)
		if err != nil {
			t.Fatal(err)
		}

		ref, err := New(testBackend(), c.fn, 1)
		if err != nil {
			t.Fatal(err)
		}
		trainer := train.NewTrainer(ref.backend, ref.store, ref.logits, loss.SparseCategoricalCrossEntropyLogits, r.Optimizer, nil, nil)
		batches, err := NewBatches(split, r.BatchSize, true, r.Seed)
		if err != nil {
			t.Fatal(err)
		}
		var lossSum float64
		for batch, err := range batches.Iter() {
			if err != nil {
				t.Fatal(err)
			}
			n := batch.Labels[0].Shape().Dimensions[0]
			metrics, err := trainer.TrainStep(batch)
			if err != nil {
				t.Fatal(err)
			}
			lossSum += float64(n) * float64(tensors.ToScalar[float32](metrics[0])) // The batch's mean loss.
		}
		if want := lossSum / float64(split.Len()); math.Abs(h.Epochs[0].Loss-want) > 1e-5*want {
			t.Errorf("%s: Fit's epoch loss %v; the Trainer's batch losses, weighed by their images, give %v", c.name, h.Epochs[0].Loss, want)
		}
		sameVariables(t, c.name, fitted.store, ref.store, 1e-5)
	}
}

// TestFitLossWeighsImages checks the training metrics of an epoch whose
// last batch is short (1,037 images in batches of 32: 32 full batches and
// one of 13): with a learning rate too small to change the weights, they
// are the mean loss and the accuracy over the images, Evaluate's (which
// TestEvaluateMatchesPredict checks against Predict).
func TestFitLossWeighsImages(t *testing.T) {
	split := syntheticSplit(t, "train", 1037, 12)
	m := newTestModel(t)
	r := smallRecipe()
	r.Epochs, r.Patience, r.Optimizer = 1, -1, SGD{LearningRate: 1e-30}
	h, err := m.Fit(split, nil, r)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Evaluate(split)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Epochs[0]; math.Abs(got.Loss-want.Loss) > 1e-5*want.Loss || got.Accuracy != want.Accuracy {
		t.Errorf("epoch loss %v, accuracy %v; over the images: %+v", got.Loss, got.Accuracy, want)
	}
}

// TestEvaluateMatchesPredict checks Evaluate against an oracle computed
// another way, from Predict's probabilities: the loss is the mean over the
// images of -log p[label], the accuracy the share of images whose most
// probable class is the label, on a split of 1,037 images (Evaluate's
// batches of 1,000 and a short one of 37), a third of them mislabelled so
// that the model is neither right everywhere nor random.
func TestEvaluateMatchesPredict(t *testing.T) {
	split := syntheticSplit(t, "test", 1037, 13)
	_, labels := split.Bytes() // shared: changing them changes split's labels
	for i := 0; i < len(labels); i += 3 {
		labels[i] = (labels[i] + 1) % fashionmnist.NumClasses
	}
	m := newTestModel(t)
	r := smallRecipe()
	r.Epochs, r.Patience = 1, -1
	if _, err := m.Fit(syntheticSplit(t, "train", 320, 14), nil, r); err != nil {
		t.Fatal(err)
	}
	got, err := m.Evaluate(split)
	if err != nil {
		t.Fatal(err)
	}
	probs, err := m.PredictSplit(split, 0, split.Len())
	if err != nil {
		t.Fatal(err)
	}
	var lossSum float64
	right := 0
	for i, row := range probs {
		label := split.Label(i)
		lossSum -= math.Log(float64(row[label]))
		if ArgMax(row) == label {
			right++
		}
	}
	want := Metrics{Loss: lossSum / float64(split.Len()), Accuracy: float64(right) / float64(split.Len())}
	if math.Abs(got.Loss-want.Loss) > 1e-5*want.Loss || got.Accuracy != want.Accuracy {
		t.Errorf("Evaluate %+v; from Predict %+v", got, want)
	}
	if want.Accuracy > 0.95 || want.Accuracy < 0.3 {
		t.Errorf("accuracy %v: the oracle needs a model that is neither random nor perfect", want.Accuracy)
	}
}

// TestRegularizationByHand checks that Fit minimises what a model function
// adds with train.AddRegularizationLoss, or GoMLX's layers add for it,
// against the update written out by hand. A one-layer network trains one
// step (one batch) with Nesterov's SGD, without and with an L2 term λ·ΣW²:
// the first step of Nesterov's SGD moves w by -(1+m)·lr·∂loss/∂w, so the
// L2 term's gradient 2λW₀ makes the two weights part by exactly
// (1+m)·lr·2λ·W₀, and the biases not at all; the epoch's loss with the
// term is larger by λ·ΣW₀². GoMLX's L1 regularizer (λ₁·Σ|W|, then weights
// smaller than λ₁ set to zero by its per-step update) gives
// W = u where |u| >= λ₁, else 0, with u = W_plain - (1+m)·lr·λ₁·sign(W₀).
func TestRegularizationByHand(t *testing.T) {
	const l2, l1 = 0.1, 0.002
	split := syntheticSplit(t, "train", 64, 15)
	r := smallRecipe()
	r.Epochs, r.Patience, r.BatchSize = 1, -1, split.Len() // One step.
	o := r.Optimizer.(SGD)
	stepScale := (1 + o.Momentum) * o.LearningRate
	linear := func(scope *model.Scope, images *graph.Node) *graph.Node {
		return Dense(scope.In("dense"), graph.Reshape(images, -1, fashionmnist.ImagePixels), fashionmnist.NumClasses)
	}
	byHand := func(scope *model.Scope, images *graph.Node) *graph.Node {
		if w := scope.Store().GetVariable("/dense/weights"); w != nil { // Not yet when New first builds the graph.
			train.AddRegularizationLoss(graph.MulScalar(graph.ReduceAllSum(graph.Square(w.NodeValue(images.Graph()))), l2))
		}
		return linear(scope, images)
	}
	stock := func(params map[string]any) ModelFn {
		return func(scope *model.Scope, images *graph.Node) *graph.Node {
			for k, v := range params {
				scope.SetParam(k, v)
			}
			return layers.DenseWithBias(scope, graph.Reshape(images, -1, fashionmnist.ImagePixels), fashionmnist.NumClasses)
		}
	}
	fit := func(fn ModelFn) (w0, w1 *LayerWeights, h *History) {
		m, err := New(testBackend(), fn, 1)
		if err != nil {
			t.Fatal(err)
		}
		if w0, err = m.Weights("dense"); err != nil {
			t.Fatal(err)
		}
		if h, err = m.Fit(split, nil, r); err != nil {
			t.Fatal(err)
		}
		if w1, err = m.Weights("dense"); err != nil {
			t.Fatal(err)
		}
		return w0, w1, h
	}
	for _, c := range []struct {
		name        string
		plain, l2fn ModelFn
	}{
		{"train.AddRegularizationLoss", linear, byHand},
		{"layers.Dense with regularizer.ParamL2", stock(nil), stock(map[string]any{regularizer.ParamL2: l2})},
	} {
		w0, plain, hPlain := fit(c.plain)
		_, reg, hReg := fit(c.l2fn)
		var sumSq float64
		for i, row := range w0.Weights {
			for j, w := range row {
				sumSq += float64(w) * float64(w)
				want := stepScale * 2 * l2 * float64(w)
				if got := float64(plain.Weights[i][j] - reg.Weights[i][j]); math.Abs(got-want) > 1e-3*math.Abs(want)+1e-7 {
					t.Fatalf("%s: weight [%d, %d] = %v without L2, %v with: they part by %v, want (1+m)·lr·2λ·w₀ = %v",
						c.name, i, j, plain.Weights[i][j], reg.Weights[i][j], got, want)
				}
			}
		}
		if !slices.Equal(plain.Biases, reg.Biases) {
			t.Errorf("%s: L2 on the weights changed the biases: %v, %v", c.name, plain.Biases, reg.Biases)
		}
		if got, want := hReg.Epochs[0].Loss-hPlain.Epochs[0].Loss, l2*sumSq; math.Abs(got-want) > 1e-4*want {
			t.Errorf("%s: the loss with L2 is larger by %v, want λ·ΣW₀² = %v", c.name, got, want)
		}
	}

	_, plain, _ := fit(stock(nil))
	w0, got, _ := fit(stock(map[string]any{regularizer.ParamL1: l1}))
	zeros := 0
	for i, row := range w0.Weights {
		for j, w := range row {
			u := float64(plain.Weights[i][j]) - stepScale*l1*math.Copysign(1, float64(w))
			want := u
			if math.Abs(u) < l1 {
				want, zeros = 0, zeros+1
			}
			atThreshold := math.Abs(math.Abs(u)-l1) < 1e-6 // Rounding decides there.
			if g := float64(got.Weights[i][j]); !atThreshold && (want == 0 && g != 0 || math.Abs(g-want) > 1e-6) {
				t.Fatalf("L1: weight [%d, %d] = %v, want %v", i, j, g, want)
			}
		}
	}
	if zeros == 0 {
		t.Error("L1: no weight below the amount: the per-step update is not checked")
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
