package tutorial

import (
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// TestSameAccuracyEveryCount checks CheckAccuracy's comparison on every
// count of right answers from 8,500 to 9,000 of 10,000: the share computed
// either way passes, one image more or less does not. The == it replaces
// refused 1 - wrong/n for 46 of these counts.
func TestSameAccuracyEveryCount(t *testing.T) {
	const n = 10000
	unequal := 0
	for right := 8500; right <= 9000; right++ {
		byRight := float64(right) / n
		byWrong := 1 - float64(n-right)/n
		if byWrong != byRight {
			unequal++
		}
		for name, got := range map[string]float64{"right/n": byRight, "1 - wrong/n": byWrong} {
			if !sameAccuracy(got, right, n) {
				t.Errorf("%d of %d right: %s = %v refused", right, n, name, got)
			}
		}
		for _, off := range []int{-1, 1} {
			if sameAccuracy(float64(right+off)/n, right, n) {
				t.Errorf("%d of %d right: the accuracy of %d accepted", right, n, right+off)
			}
		}
	}
	if unequal != 46 {
		t.Errorf("1 - wrong/n differs from right/n in the last bit for %d counts, the doc comment says 46", unequal)
	}
}

// TestCheckSmallModelNeedsNonLinearity: the 784-300-100-10 network without
// ReLU has the right layers and parameters, and is refused.
func TestCheckSmallModelNeedsNonLinearity(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	linear := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		x = fashion.Dense(scope.In("dense"), x, 300)
		x = fashion.Dense(scope.In("dense_1"), x, 100)
		return fashion.Dense(scope.In("dense_2"), x, fashionmnist.NumClasses)
	}
	if CheckSmallModel(linear) || !strings.Contains(text.String(), "your network is linear") {
		t.Errorf("the network without ReLU: %s", text)
	}
	text.Reset()
	if !CheckSmallModel(smallMLP) || !strings.Contains(text.String(), "not linear in its input") {
		t.Errorf("the right network: %s", text)
	}
}

// TestChapter7TemplateBuilds: the template of chapter 7's exercise, with a
// learner's first hidden layer written in the scope "dense", builds (its
// output layer is named so that it does not collide) and is refused for
// its layers, not with a panic.
func TestChapter7TemplateBuilds(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	template := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, 784)
		// ← your hidden layers here
		return fashion.Dense(scope.In("dense_2"), x, 10)
	}
	firstLayer := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, 784)
		x = activation.Relu(fashion.Dense(scope.In("dense"), x, 300))
		return fashion.Dense(scope.In("dense_2"), x, 10)
	}
	for name, fn := range map[string]fashion.ModelFn{"template": template, "first layer": firstLayer} {
		text.Reset()
		if CheckSmallModel(fn) || !strings.Contains(text.String(), "Your model's dense layers are") {
			t.Errorf("%s: %s", name, text)
		}
	}
}

func TestCheckCrossEntropy(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	pick := func(x, labels *graph.Node) *graph.Node { // x[i, label_i], [B]
		return graph.ReduceSum(graph.Mul(x, graph.OneHot(graph.Reshape(labels, -1), fashionmnist.NumClasses, x.DType())), 1)
	}
	right := func(logits, labels *graph.Node) *graph.Node {
		return graph.Neg(graph.ReduceAllMean(pick(graph.LogSoftmax(logits), labels)))
	}
	softmaxLog := func(logits, labels *graph.Node) *graph.Node {
		return graph.Neg(graph.ReduceAllMean(pick(graph.Log(graph.Softmax(logits)), labels)))
	}
	for name, fn := range map[string]func(logits, labels *graph.Node) *graph.Node{"LogSoftmax": right, "Log(Softmax)": softmaxLog} {
		text.Reset()
		if !CheckCrossEntropy(fn) {
			t.Errorf("%s refused: %s", name, text)
		}
	}
	for name, c := range map[string]struct {
		fn   func(logits, labels *graph.Node) *graph.Node
		hint string
	}{
		"default": {func(logits, _ *graph.Node) *graph.Node { return graph.ScalarZero(logits.Graph(), dtypes.Float32) }, "GoMLX's loss gives"},
		"sum": {func(logits, labels *graph.Node) *graph.Node {
			return graph.Neg(graph.ReduceAllSum(pick(graph.LogSoftmax(logits), labels)))
		}, "the sum over the images"},
		"no minus": {func(logits, labels *graph.Node) *graph.Node {
			return graph.ReduceAllMean(pick(graph.LogSoftmax(logits), labels))
		}, "the sign is lost"},
		"no softmax": {func(logits, labels *graph.Node) *graph.Node {
			return graph.Neg(graph.ReduceAllMean(pick(logits, labels)))
		}, "not its log-probability"},
		"per image": {func(logits, labels *graph.Node) *graph.Node {
			return graph.Neg(pick(graph.LogSoftmax(logits), labels))
		}, "want a scalar"},
		"hard-coded 32": {func(logits, labels *graph.Node) *graph.Node {
			return graph.DivScalar(graph.Neg(graph.ReduceAllSum(pick(graph.LogSoftmax(logits), labels))), 32)
		}, "For a batch of 5"},
	} {
		text.Reset()
		if CheckCrossEntropy(c.fn) || !strings.Contains(text.String(), c.hint) {
			t.Errorf("%s: CheckCrossEntropy printed %q, want a refusal with %q", name, text, c.hint)
		}
	}
}

func TestCheckNesterovUpdate(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	right := func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
		v = graph.Sub(graph.MulScalar(v, mu), graph.MulScalar(g, lr))
		return graph.Sub(graph.Add(w, graph.MulScalar(v, mu)), graph.MulScalar(g, lr)), v
	}
	if !CheckNesterovUpdate(right) {
		t.Errorf("the right update refused: %s", text)
	}
	for name, c := range map[string]struct {
		fn   NesterovUpdate
		hint string
	}{
		"default": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) { return w, v }, "Keras' rule"},
		"classic": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			v = graph.Sub(graph.MulScalar(v, mu), graph.MulScalar(g, lr))
			return graph.Add(w, v), v
		}, "classic momentum"},
		"plain": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			return graph.Sub(w, graph.MulScalar(g, lr)), v
		}, "plain gradient descent"},
		"old velocity": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			newV := graph.Sub(graph.MulScalar(v, mu), graph.MulScalar(g, lr))
			return graph.Sub(graph.Add(w, graph.MulScalar(v, mu)), graph.MulScalar(g, lr)), newV
		}, "classic momentum"}, // w + μ·v − η·g with the old v is w + v with the new one
		"velocity not returned": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			newV := graph.Sub(graph.MulScalar(v, mu), graph.MulScalar(g, lr))
			return graph.Sub(graph.Add(w, graph.MulScalar(newV, mu)), graph.MulScalar(g, lr)), v
		}, "return the new velocity"},
	} {
		text.Reset()
		if CheckNesterovUpdate(c.fn) || !strings.Contains(text.String(), c.hint) {
			t.Errorf("%s: CheckNesterovUpdate printed %q, want a refusal with %q", name, text, c.hint)
		}
	}
}

// trainEpochAnswer is the answer to chapter 8's third exercise, the batch
// loop as chapter 8 writes it: one call of the compiled step per batch, the
// epoch's loss the mean over its images.
func trainEpochAnswer(exec *model.Exec, batches *fashion.Batches) float64 {
	var sum float64
	var seen int
	for batch, err := range batches.Iter() {
		check(err)
		images, labels := batch.Inputs[0], batch.Labels[0]
		l := Must(exec.Call1(images, labels)) // ← the one thing to fill in
		size := labels.Shape().Dimensions[0]
		sum += float64(tensors.ToScalar[float32](l)) * float64(size)
		seen += size
	}
	return sum / float64(seen)
}

// trainEpochTemplate is the exercise as chapter 8 gives it: the step is
// not run.
func trainEpochTemplate(exec *model.Exec, batches *fashion.Batches) float64 {
	var sum float64
	var seen int
	for batch, err := range batches.Iter() {
		check(err)
		l := tensors.FromScalar(float32(0)) // ← the step on (batch.Inputs[0], batch.Labels[0])
		size := batch.Labels[0].Shape().Dimensions[0]
		sum += float64(tensors.ToScalar[float32](l)) * float64(size)
		seen += size
	}
	return sum / float64(seen)
}

// TestLearnerLoopMatchesFit is the test of chapter 8's claim that a loop of
// one compiled step per batch trains as m.Fit does: the same epoch losses
// and validation loss, for the same seed and steps, within float tolerance.
// It also checks CheckTrainingLoop's refusals.
func TestLearnerLoopMatchesFit(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	d := realData(t)
	_, text := capture(t)
	mine, fit, mineVal, fitVal, err := loopComparison(fashion.ArticleMLP, trainEpochAnswer, d.Train, d.Validation)
	if err != nil {
		t.Fatal(err)
	}
	for i := range fit {
		if d := mine[i] - fit[i]; d > 1e-4 || d < -1e-4 {
			t.Errorf("epoch %d: loop loss %.6f, Fit %.6f", i+1, mine[i], fit[i])
		}
	}
	if d := mineVal - fitVal; d > 1e-4 || d < -1e-4 || fitVal > 1.5 {
		t.Errorf("validation loss: loop %.6f, Fit %.6f (and it must have learnt: below 1.5)", mineVal, fitVal)
	}
	if !CheckTrainingLoop(fashion.ArticleMLP, trainEpochAnswer, d) {
		t.Errorf("the right loop refused: %s", text)
	}
	evalOnly := func(exec *model.Exec, batches *fashion.Batches) float64 { // the loss, no update
		m := Must(fashion.New(backend(), fashion.ArticleMLP, Seed))
		lossOnly := func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
			return NesterovStep(fashion.ArticleMLP, fashion.SGD{LearningRate: 1e-30})(scope, images, labels)
		}
		return trainEpochAnswer(Must(model.NewExec(m.Backend(), m.Store(), lossOnly)), batches)
	}
	firstOnly := func(exec *model.Exec, batches *fashion.Batches) float64 { // one batch, over and over
		var first [2]*tensors.Tensor
		var sum float64
		n := 0
		for batch := range batches.Iter() {
			if first[0] == nil {
				first = [2]*tensors.Tensor{batch.Inputs[0], batch.Labels[0]}
			}
			sum += float64(tensors.ToScalar[float32](Must(exec.Call1(first[0], first[1]))))
			n++
		}
		return sum / float64(n)
	}
	for name, c := range map[string]struct {
		fn   TrainEpoch
		hint string
	}{
		"default":     {trainEpochTemplate, "mean loss is 0"},
		"no update":   {evalOnly, "Your loop gives"},
		"first batch": {firstOnly, "Your loop gives"},
	} {
		text.Reset()
		if CheckTrainingLoop(fashion.ArticleMLP, c.fn, d) || !strings.Contains(text.String(), c.hint) {
			t.Errorf("%s: CheckTrainingLoop printed %q, want a refusal with %q", name, text, c.hint)
		}
	}
}

func TestShowOverfitting(t *testing.T) {
	rec, text := capture(t)
	// Early stopping (patience 3) keeps epoch 2 and stops after epoch 5;
	// epoch 6 then dips lower; the run ends at epoch 8.
	h := &fashion.History{BestEpoch: 6}
	for i, v := range []float64{0.9, 0.6, 0.65, 0.7, 0.6, 0.55, 0.8, 0.9} {
		h.Epochs = append(h.Epochs, fashion.EpochLog{Epoch: i + 1, Loss: 1 / float64(i+2), ValLoss: v, Accuracy: 0.5, ValAccuracy: 0.5})
	}
	ShowOverfitting(h, 3)
	expectImages(t, rec, 0, 1)
	for _, want := range []string{
		"would have ended the run after epoch 5: no validation loss below epoch 2's 0.6000 (marked) in 3 epochs",
		"the lowest validation loss of the whole run: 0.5500 after epoch 6",
		"after epoch 8: training loss 0.1111, validation loss 0.9000 (gap 0.7889); after epoch 2: 0.3333 and 0.6000 (gap 0.2667)",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("ShowOverfitting printed %q, want %q in it", text, want)
		}
	}
	ShowEpochLosses("loss", map[string][]float64{"mine": {1, 0.5}, "Fit": {1, 0.5}})
	expectImages(t, rec, 1, 1)
}
