package tutorial

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
)

// trainEpochTemplate is the exercise as chapter 8 gives it: no step runs.
func trainEpochTemplate(exec *model.Exec, batches *fashion.Batches) float64 {
	var sum float64
	var seen int
	// ← your batch loop
	return sum / float64(max(seen, 1))
}

// batchLoop runs the step on every batch of an epoch and gives each
// batch's loss and size to add: the wrong loops below differ in add.
func batchLoop(exec *model.Exec, batches *fashion.Batches, add func(loss float64, size int)) {
	for batch, err := range batches.Iter() {
		NoError(err)
		l := Must(exec.Call1(batch.Inputs[0], batch.Labels[0]))
		add(float64(tensors.ToScalar[float32](l)), batch.Labels[0].Shape().Dimensions[0])
	}
}

func TestCheckTrainEpoch(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	d := realData(t)
	_, text := capture(t)
	byBatches := func(exec *model.Exec, batches *fashion.Batches) float64 { // the same mean, kept as a running mean
		mean, seen := 0.0, 0
		batchLoop(exec, batches, func(l float64, n int) {
			seen += n
			mean += (l - mean) * float64(n) / float64(seen)
		})
		return mean
	}
	for name, fn := range map[string]TrainEpoch{"answer": answerTrainEpoch, "running mean": byBatches} {
		expectCheck(t, text, name, true, "the epoch losses", func() bool { return CheckTrainEpoch(fn, d) })
	}
	unweighted := func(exec *model.Exec, batches *fashion.Batches) float64 {
		sum, n := 0.0, 0
		batchLoop(exec, batches, func(l float64, _ int) { sum += l; n++ })
		return sum / float64(n)
	}
	byBatchCount := func(exec *model.Exec, batches *fashion.Batches) float64 {
		sum, n := 0.0, 0
		batchLoop(exec, batches, func(l float64, size int) { sum += l * float64(size); n++ })
		return sum / float64(n)
	}
	last := func(exec *model.Exec, batches *fashion.Batches) float64 {
		var l float64
		batchLoop(exec, batches, func(loss float64, _ int) { l = loss })
		return l
	}
	sum := func(exec *model.Exec, batches *fashion.Batches) float64 {
		s := 0.0
		batchLoop(exec, batches, func(l float64, size int) { s += l * float64(size) })
		return s
	}
	noSeen := func(exec *model.Exec, batches *fashion.Batches) float64 {
		s, seen := 0.0, 0
		batchLoop(exec, batches, func(l float64, size int) { s += l * float64(size) })
		return s / float64(seen)
	}
	skipLast := func(exec *model.Exec, batches *fashion.Batches) float64 { // a batch of fewer than 32 left out
		s, seen := 0.0, 0
		for batch, err := range batches.Iter() {
			NoError(err)
			size := batch.Labels[0].Shape().Dimensions[0]
			if size < 32 {
				continue
			}
			l := Must(exec.Call1(batch.Inputs[0], batch.Labels[0]))
			s += float64(tensors.ToScalar[float32](l)) * float64(size)
			seen += size
		}
		return s / float64(seen)
	}
	twoPasses := func(exec *model.Exec, batches *fashion.Batches) float64 { // Iter called twice: two epochs per call
		answerTrainEpoch(exec, batches)
		return answerTrainEpoch(exec, batches)
	}
	firstBatchOnly := func(exec *model.Exec, batches *fashion.Batches) float64 { // the first batch, over and over
		var first [2]*tensors.Tensor
		s, n := 0.0, 0
		for batch := range batches.Iter() {
			if first[0] == nil {
				first = [2]*tensors.Tensor{batch.Inputs[0], batch.Labels[0]}
			}
			s += float64(tensors.ToScalar[float32](Must(exec.Call1(first[0], first[1]))))
			n++
		}
		return s / float64(n)
	}
	for name, c := range map[string]struct {
		fn   TrainEpoch
		want string
	}{
		"template":           {trainEpochTemplate, "An epoch's loss of 0"},
		"unweighted mean":    {unweighted, "the mean of the batches' losses, each counted once"},
		"by batch count":     {byBatchCount, "divided by the number of batches"},
		"last batch":         {last, "the last batch's loss alone"},
		"sum":                {sum, "the sum of the images' losses"},
		"seen never counted": {noSeen, "+Inf is a division by 0"},
		"last batch skipped": {skipLast, "The model did not learn as m.Fit's"},
		"two passes":         {twoPasses, "The model did not learn as m.Fit's"},
		"first batch only":   {firstBatchOnly, "The model did not learn as m.Fit's"},
	} {
		expectCheck(t, text, name, false, c.want, func() bool { return CheckTrainEpoch(c.fn, d) })
		noneContains(t, "CheckTrainEpoch", text.String(), "exec.Call1(images, labels)")
	}
}

// TestYourTrainerMatchesFit is the test of chapter 8's claim: the trainer
// the learner writes (their loss, their update rule as a RuleOptimizer,
// their step built as train.Trainer builds one, their batch loop) trains
// the article's network as m.Fit does, from the same seed on the same
// batches: the same epoch losses and validation loss, within float32
// rounding. GoMLX's own train.Trainer and train.Loop, given the same
// pieces, train it the same way too.
func TestYourTrainerMatchesFit(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	d := realData(t)
	capture(t)
	const images, epochs = 1000, 2
	head, err := d.Train.Head(images)
	if err != nil {
		t.Fatal(err)
	}
	opt := RuleOptimizer{Rule: answerNesterov, LearningRate: 0.01, Decay: 1e-6, Momentum: 0.9}
	m, err := fashion.New(Backend(), fashion.ArticleMLP, Seed)
	if err != nil {
		t.Fatal(err)
	}
	exec, err := model.NewExec(m.Backend(), m.Store(), answerNewTrainStep(fashion.ArticleMLP, answerCrossEntropy, opt))
	if err != nil {
		t.Fatal(err)
	}
	batches, err := fashion.NewBatches(head, 32, true, Seed)
	if err != nil {
		t.Fatal(err)
	}
	var mine []float64
	for range epochs {
		mine = append(mine, answerTrainEpoch(exec, batches))
	}
	mineVal, err := m.Evaluate(d.Validation)
	if err != nil {
		t.Fatal(err)
	}

	r := fashion.ArticleRecipe()
	r.Seed, r.Epochs, r.Limit, r.Patience = Seed, epochs, images, -1
	ref, err := fashion.New(Backend(), fashion.ArticleMLP, Seed)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ref.Fit(d.Train, d.Validation, r)
	if err != nil {
		t.Fatal(err)
	}
	// Float32 sums in another order (m.Fit's SGD, the rule's decay) drift
	// apart a little over 64 updates: 2e-4 of the loss here.
	near := func(a, b float64) bool { return math.Abs(a-b) <= loopTolerance*math.Max(1, math.Abs(b)) }
	for i, e := range h.Epochs {
		if !near(mine[i], e.Loss) {
			t.Errorf("epoch %d: your trainer's loss %.6f, m.Fit's %.6f", i+1, mine[i], e.Loss)
		}
	}
	if v := h.Last().ValLoss; !near(mineVal.Loss, v) || v > 1.2 {
		t.Errorf("validation loss: your trainer %.6f, m.Fit %.6f (and it must have learnt: below 1.2)", mineVal.Loss, v)
	}

	// GoMLX's own machinery, with the learner's pieces.
	gm, err := fashion.New(Backend(), fashion.ArticleMLP, Seed)
	if err != nil {
		t.Fatal(err)
	}
	lossFn := func(labels, logits []*graph.Node) *graph.Node { return answerCrossEntropy(logits[0], labels[0]) }
	trainer := train.NewTrainer(gm.Backend(), gm.Store(), fashion.ArticleMLP, lossFn, opt, nil, nil)
	gb, err := fashion.NewBatches(head, 32, true, Seed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := train.NewLoop(trainer).RunEpochs(gb, epochs); err != nil {
		t.Fatal(err)
	}
	gv, err := gm.Evaluate(d.Validation)
	if err != nil {
		t.Fatal(err)
	}
	if !near(gv.Loss, mineVal.Loss) {
		t.Errorf("validation loss: train.Loop with your pieces %.6f, your trainer %.6f", gv.Loss, mineVal.Loss)
	}
}

func TestYourPiecesAndLoopComparison(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	t.Chdir(t.TempDir())
	d := realData(t)
	_, text := capture(t)
	zero := func(logits, _ *graph.Node) *graph.Node { return graph.ScalarZero(logits.Graph(), logits.DType()) }
	same := func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) { return w, v }
	loss, rule, step, epoch := YourPieces(zero, answerNesterov, answerNewTrainStep, trainEpochTemplate, d)
	for _, want := range []string{"crossEntropy: ✗ not yet", "nesterov:     yours", "newTrainStep: yours", "trainEpoch:   ✗ not yet"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("YourPieces printed %q, want %q in it", text, want)
		}
	}
	if strings.Contains(text.String(), "Right") || strings.Contains(text.String(), "Not yet") {
		t.Errorf("YourPieces printed the checks' verdicts: %q", text)
	}
	text.Reset()
	if !quietly(func() bool { return CheckCrossEntropy(loss) }) || !quietly(func() bool { return CheckNesterovUpdate(rule) }) ||
		!quietly(func() bool { return CheckTrainStep(step) }) || !quietly(func() bool { return CheckTrainEpoch(epoch, d) }) {
		t.Error("a piece YourPieces returns does not pass its check")
	}
	_, _, _, _ = YourPieces(answerCrossEntropy, same, answerNewTrainStep, answerTrainEpoch, d)
	if !strings.Contains(text.String(), "nesterov:     ✗ not yet") || !strings.Contains(text.String(), "crossEntropy: yours") {
		t.Errorf("YourPieces printed %q", text)
	}

	// The comparison of the loop with m.Fit, through the file the loop leaves.
	m, err := fashion.New(Backend(), fashion.ArticleMLP, Seed)
	if err != nil {
		t.Fatal(err)
	}
	r := fashion.ArticleRecipe()
	r.Seed, r.Epochs, r.Limit, r.Patience = Seed, 1, 100, -1
	if _, err := m.Fit(d.Train, d.Validation, r); err != nil {
		t.Fatal(err)
	}
	text.Reset()
	CompareWithYourLoop(m, d)
	if !strings.Contains(text.String(), "Your loop has not run yet") {
		t.Errorf("no loop yet: %q", text)
	}
	e := m.History().Epochs[0]
	RememberYourLoop(100, []fashion.EpochLog{{Epoch: 1, Loss: e.Loss + 0.001, ValLoss: e.ValLoss - 0.002}})
	if _, err := os.Stat(filepath.Join("models", "your_loop.json")); err != nil {
		t.Fatal(err)
	}
	text.Reset()
	CompareWithYourLoop(m, d)
	if !strings.Contains(text.String(), "the largest difference: 0.0020") {
		t.Errorf("comparison: %q", text)
	}
	RememberYourLoop(200, nil)
	text.Reset()
	CompareWithYourLoop(m, d)
	if !strings.Contains(text.String(), "not the same run") {
		t.Errorf("another run: %q", text)
	}
}
