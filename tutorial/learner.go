package tutorial

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// Chapter 8's exercises, where the learner writes the machine-learning
// code itself: the loss, the optimizer's update and the training loop.
// Each check runs the learner's code and compares it with an independent
// computation: GoMLX's stock loss, fashion.SGD, and m.Fit.

// tryRun calls f and turns a panic (how GoMLX reports a graph that does
// not build) into an error, for the checks that run a learner's code.
func tryRun(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return f()
}

// firstLine returns the first line of an error message, for a hint.
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// crossEntropyCase is a batch of logits and labels for CheckCrossEntropy.
type crossEntropyCase struct {
	logits, labels *tensors.Tensor
	batch          int
}

// crossEntropyCases returns batches of random logits in [-6, 6) and labels
// in 0..9, of two sizes, so that a hard-coded batch size shows.
func crossEntropyCases() []crossEntropyCase {
	rng := rand.New(rand.NewPCG(23, 1))
	var cases []crossEntropyCase
	for _, b := range []int{32, 5} {
		logits := make([]float32, b*fashionmnist.NumClasses)
		for i := range logits {
			logits[i] = float32(12*rng.Float64() - 6)
		}
		labels := make([]int32, b)
		for i := range labels {
			labels[i] = int32(rng.IntN(fashionmnist.NumClasses))
		}
		cases = append(cases, crossEntropyCase{
			logits: tensors.FromFlatDataAndDimensions(logits, b, fashionmnist.NumClasses),
			labels: tensors.FromFlatDataAndDimensions(labels, b, 1),
			batch:  b,
		})
	}
	return cases
}

// CheckCrossEntropy checks chapter 8's first exercise: crossEntropy must
// return the mean sparse categorical cross-entropy of a batch, a scalar,
// from logits float32 [B, 10] and labels int32 [B, 1]. It runs the
// learner's graph and GoMLX's stock loss
// (loss.SparseCategoricalCrossEntropyLogits) on random batches of 32 and
// of 5 and compares them, and names the usual slips: a sum instead of a
// mean, a lost minus sign, the logit of the label without the softmax.
func CheckCrossEntropy(crossEntropy func(logits, labels *graph.Node) *graph.Node) bool {
	hint := "For each image, -log softmax(logits)[label], then the mean over the batch: graph.LogSoftmax(logits), " +
		"graph.OneHot(graph.Reshape(labels, -1), 10, dtypes.Float32) to pick the label's column, graph.ReduceSum over axis 1, graph.ReduceAllMean."
	stock := func(logits, labels *graph.Node) *graph.Node {
		return loss.SparseCategoricalCrossEntropyLogits([]*graph.Node{labels}, []*graph.Node{logits})
	}
	// -logit[label], averaged: the loss without the softmax's normaliser.
	rawLogit := func(logits, labels *graph.Node) *graph.Node {
		oneHot := graph.OneHot(graph.Reshape(labels, -1), fashionmnist.NumClasses, logits.DType())
		return graph.Neg(graph.ReduceAllMean(graph.ReduceSum(graph.Mul(logits, oneHot), 1)))
	}
	for _, c := range crossEntropyCases() {
		var got, want, raw float64
		err := tryRun(func() error {
			out, err := graph.NewExec(backend(), func(logits, labels *graph.Node) []*graph.Node {
				mine := crossEntropy(logits, labels)
				if mine == nil {
					panic("your function returns nil")
				}
				if !mine.Shape().IsScalar() {
					panic(fmt.Sprintf("your function returns shape %s for a batch of %d; want a scalar, the mean over the batch",
						mine.Shape(), c.batch))
				}
				return []*graph.Node{graph.ConvertDType(mine, dtypes.Float64), graph.ConvertDType(stock(logits, labels), dtypes.Float64),
					graph.ConvertDType(rawLogit(logits, labels), dtypes.Float64)}
			})
			if err != nil {
				return err
			}
			outs, err := out.Call(c.logits, c.labels)
			if err != nil {
				return err
			}
			got, want, raw = tensors.ToScalar[float64](outs[0]), tensors.ToScalar[float64](outs[1]), tensors.ToScalar[float64](outs[2])
			return nil
		})
		if err != nil {
			return verdict(false, "", "Your graph does not run: "+firstLine(err))
		}
		near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-4*math.Max(1, math.Abs(b)) }
		switch {
		case near(got, want):
			continue
		case near(got, want*float64(c.batch)):
			return verdict(false, "", fmt.Sprintf("For a batch of %d you return %.4f, the sum over the images; the loss is their mean, %.4f.",
				c.batch, got, want))
		case near(got, -want):
			return verdict(false, "", fmt.Sprintf("You return %.4f, the loss is %.4f: the sign is lost (the loss is -log p, and log p < 0).", got, want))
		case near(got, raw):
			return verdict(false, "", fmt.Sprintf("You return %.4f, the logit of the label, not its log-probability: subtract the log of the sum of exp(logits), or use graph.LogSoftmax. %s", got, hint))
		default:
			return verdict(false, "", fmt.Sprintf("For a batch of %d random logits you return %.4f; GoMLX's loss gives %.4f. %s", c.batch, got, want, hint))
		}
	}
	return verdict(true, "Your graph gives GoMLX's loss.SparseCategoricalCrossEntropyLogits on batches of 32 and of 5 (to 1e-4).", "")
}

// NesterovUpdate is the shape of chapter 8's second exercise: one update of
// a variable w with velocity v, given its gradient g, the learning rate and
// the momentum; it returns the new w and the new v.
type NesterovUpdate func(w, v, g *graph.Node, learningRate, momentum float64) (newW, newV *graph.Node)

// nesterovCheckSteps is how many updates CheckNesterovUpdate compares: the
// velocity matters from the second on.
const nesterovCheckSteps = 4

// nesterovTestLoss is the loss the check minimises: sum(c·w) + sum(w²)/2,
// whose gradient c + w changes with w, so that an update must use the
// gradient at the current weights.
func nesterovTestLoss(w, c *graph.Node) *graph.Node {
	return graph.Add(graph.ReduceAllSum(graph.Mul(c, w)), graph.MulScalar(graph.ReduceAllSum(graph.Square(w)), 0.5))
}

// nesterovCheckValues are the small tensor the check updates and the
// constant c of nesterovTestLoss.
var nesterovCheckValues = struct{ w0, c []float32 }{
	w0: []float32{0.5, -1, 2, 0.25, -0.75, 1.5},
	c:  []float32{1, 0.5, -2, 3, -1, 0.25},
}

// sgdTrajectory returns w after each of nesterovCheckSteps updates by
// fashion.SGD, Keras' rule, with no decay.
func sgdTrajectory(o fashion.SGD) ([][]float32, error) {
	store := model.NewStore()
	w0 := tensors.FromFlatDataAndDimensions(nesterovCheckValues.w0, len(nesterovCheckValues.w0))
	c := tensors.FromFlatDataAndDimensions(nesterovCheckValues.c, len(nesterovCheckValues.c))
	w := store.RootScope().VariableWithValue("w", w0)
	exec, err := model.NewExec(backend(), store, func(scope *model.Scope, c *graph.Node) *graph.Node {
		l := nesterovTestLoss(w.NodeValue(c.Graph()), c)
		o.UpdateGraph(scope, c.Graph(), l)
		return w.NodeValue(c.Graph())
	})
	if err != nil {
		return nil, err
	}
	var out [][]float32
	for range nesterovCheckSteps {
		next, err := exec.Call1(c)
		if err != nil {
			return nil, err
		}
		out = append(out, tensors.MustCopyFlatData[float32](next))
	}
	return out, nil
}

// updateTrajectory returns w after each of nesterovCheckSteps updates by
// the learner's rule, from the same start, with the gradient of the same
// loss.
func updateTrajectory(update NesterovUpdate, lr, momentum float64) ([][]float32, error) {
	exec, err := graph.NewExec(backend(), func(w, v, c *graph.Node) []*graph.Node {
		l := nesterovTestLoss(w, c)
		g := graph.Gradient(l, w)[0]
		newW, newV := update(w, v, g, lr, momentum)
		if newW == nil || newV == nil {
			panic("your function returns nil")
		}
		if !newW.Shape().Equal(w.Shape()) || !newV.Shape().Equal(v.Shape()) {
			panic(fmt.Sprintf("your function returns shapes %s and %s for w and v of shape %s", newW.Shape(), newV.Shape(), w.Shape()))
		}
		// The loss is an output too: without it, an update that ignores g
		// (returning w and v as they are) fails on the pure-Go backend
		// ("index out of range" while executing).
		return []*graph.Node{graph.ConvertDType(newW, dtypes.Float32), graph.ConvertDType(newV, dtypes.Float32), l}
	})
	if err != nil {
		return nil, err
	}
	n := len(nesterovCheckValues.w0)
	w := tensors.FromFlatDataAndDimensions(nesterovCheckValues.w0, n)
	v := tensors.FromFlatDataAndDimensions(make([]float32, n), n)
	c := tensors.FromFlatDataAndDimensions(nesterovCheckValues.c, n)
	var out [][]float32
	for range nesterovCheckSteps {
		outs, err := exec.Call(w, v, c)
		if err != nil {
			return nil, err
		}
		w, v = outs[0], outs[1]
		out = append(out, tensors.MustCopyFlatData[float32](w))
	}
	return out, nil
}

// sameValues reports whether a and b agree to float32 rounding.
func sameValues(a, b [][]float32) bool {
	for i := range a {
		for j := range a[i] {
			if math.Abs(float64(a[i][j]-b[i][j])) > 1e-5*math.Max(1, math.Abs(float64(b[i][j]))) {
				return false
			}
		}
	}
	return true
}

// CheckNesterovUpdate checks chapter 8's second exercise: update must be
// Keras' SGD update with Nesterov momentum of one variable. It runs
// nesterovCheckSteps updates of a small tensor with the learner's rule and
// with fashion.SGD (learning rate 0.1, momentum 0.9, no decay), each
// taking the gradient of the same loss at its current weights, and
// compares the weights after every update. It recognises classic momentum
// and plain gradient descent, the usual near misses.
func CheckNesterovUpdate(update NesterovUpdate) bool {
	const lr, momentum = 0.1, 0.9
	want, err := sgdTrajectory(fashion.SGD{LearningRate: lr, Momentum: momentum, Nesterov: true})
	check(err)
	got, err := updateTrajectory(update, lr, momentum)
	if err != nil {
		return verdict(false, "", "Your update does not run: "+firstLine(err))
	}
	if sameValues(got, want) {
		return verdict(true, fmt.Sprintf("After each of %d updates of a 6-value tensor your w equals fashion.SGD's (Nesterov, η = %g, μ = %g) to float32 rounding.",
			nesterovCheckSteps, lr, momentum), "")
	}
	hint := "Keras' rule: v ← μ·v − η·g, then w ← w + μ·v − η·g with the new v (graph.MulScalar, graph.Sub, graph.Add)."
	classic, err := sgdTrajectory(fashion.SGD{LearningRate: lr, Momentum: momentum})
	check(err)
	plain, err := sgdTrajectory(fashion.SGD{LearningRate: lr})
	check(err)
	switch {
	case sameValues(got, classic):
		hint = "That is classic momentum (w ← w + v): Nesterov's looks ahead, w ← w + μ·v − η·g with the new v."
	case sameValues(got, plain):
		hint = "That is plain gradient descent: the velocity is not used. " + hint
	case sameValues(got[:1], want[:1]):
		hint = "Your first update is right, the later ones are not: return the new velocity as well, it is carried to the next update. " + hint
	}
	return verdict(false, "", fmt.Sprintf("After the first update w = %s, fashion.SGD gives %s. %s",
		formatFloats(got[0][:3]), formatFloats(want[0][:3]), hint))
}

// TrainEpoch is the shape of chapter 8's third exercise: one epoch of
// training, which runs the compiled training step exec (loss, gradient and
// update; it takes a batch's images and labels and returns the loss before
// the update) on every batch of one epoch of batches, and returns the
// epoch's mean loss over its images.
type TrainEpoch func(exec *model.Exec, batches *fashion.Batches) float64

// loopCheckImages and loopCheckEpochs size CheckTrainingLoop's runs: two
// epochs of 40 batches of 32, small enough to take seconds.
const loopCheckImages, loopCheckEpochs = 1280, 2

// NesterovStep returns a training step for model function fn: the mean
// sparse categorical cross-entropy of a batch, and one update of every
// trainable variable by the optimizer o (the recipe's: fashion.SGD with
// Nesterov momentum). It returns the loss before
// the update, and is what m.Fit runs for each batch.
func NesterovStep(fn fashion.ModelFn, o optimizer.Interface) func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
	return func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
		l := loss.SparseCategoricalCrossEntropyLogits([]*graph.Node{labels}, []*graph.Node{fn(scope, images)})
		o.UpdateGraph(scope, images.Graph(), l)
		return l
	}
}

// loopComparison trains two models from the same seed on the first
// loopCheckImages images of train, one by the learner's epoch function and
// one by m.Fit, for loopCheckEpochs epochs in the same batch order, and
// returns each epoch's mean loss and the validation loss at the end, of
// both.
func loopComparison(fn fashion.ModelFn, trainEpoch TrainEpoch, train, validation *fashionmnist.Split) (mine, fit []float64, mineVal, fitVal float64, err error) {
	r := fashion.ArticleRecipe()
	r.Seed, r.Epochs, r.Limit, r.Patience = Seed, loopCheckEpochs, loopCheckImages, -1
	head, err := train.Head(min(loopCheckImages, train.Len()))
	if err != nil {
		return nil, nil, 0, 0, err
	}
	m, err := fashion.New(backend(), fn, r.Seed)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	exec, err := model.NewExec(m.Backend(), m.Store(), NesterovStep(fn, r.Optimizer))
	if err != nil {
		return nil, nil, 0, 0, err
	}
	batches, err := fashion.NewBatches(head, r.BatchSize, true, r.Seed)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	if err := tryRun(func() error {
		for range r.Epochs {
			mine = append(mine, trainEpoch(exec, batches))
		}
		return nil
	}); err != nil {
		return nil, nil, 0, 0, fmt.Errorf("your epoch function stopped: %w", err)
	}
	vm, err := m.Evaluate(validation)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	ref, err := fashion.New(backend(), fn, r.Seed)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	h, err := ref.Fit(train, nil, r)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	for _, e := range h.Epochs {
		fit = append(fit, e.Loss)
	}
	rm, err := ref.Evaluate(validation)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	return mine, fit, vm.Loss, rm.Loss, nil
}

// loopTolerance is how far apart (relative) the learner's loop and m.Fit
// may end: float32 sums in another order, over 80 updates.
const loopTolerance = 1e-3

// CheckTrainingLoop checks chapter 8's third exercise: trainEpoch must
// train one epoch, one compiled step per batch, and return the epoch's
// mean loss. It trains fn from tutorial.Seed on 1,280 training images for
// two epochs with trainEpoch, and again with m.Fit (the same recipe, batch
// order and optimizer), and compares each epoch's mean loss and the
// validation loss at the end.
func CheckTrainingLoop(fn fashion.ModelFn, trainEpoch TrainEpoch, d *fashionmnist.Data) bool {
	mine, fit, mineVal, fitVal, err := loopComparison(fn, trainEpoch, d.Train, d.Validation)
	if err != nil {
		return verdict(false, "", "Your loop does not run: "+firstLine(err))
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= loopTolerance*math.Max(1, math.Abs(b)) }
	report := fmt.Sprintf("epoch losses %s (m.Fit: %s), validation loss %.4f (m.Fit: %.4f)",
		formatLosses(mine), formatLosses(fit), mineVal, fitVal)
	if len(mine) == len(fit) && near(mine[0], fit[0]) && near(mine[1], fit[1]) && near(mineVal, fitVal) {
		return verdict(true, "Your loop trains as m.Fit does: "+report+".", "")
	}
	hint := "Run the step on each batch: l := tutorial.Must(exec.Call1(batch.Inputs[0], batch.Labels[0])), then add float64(tensors.ToScalar[float32](l)) times the batch's size to the sum."
	switch {
	case mine[0] == 0:
		hint = "The epoch's mean loss is 0: the loop runs no step, or does not add up its losses. " + hint
	case near(mine[0], fit[0]) && !near(mineVal, fitVal):
		hint = "The losses are right but the model did not learn as m.Fit's: does your loop run the training step, or only the loss? " + hint
	}
	return verdict(false, "", "Your loop gives "+report+". "+hint)
}

// formatLosses prints losses with 4 decimals.
func formatLosses(losses []float64) string {
	parts := make([]string, len(losses))
	for i, l := range losses {
		parts[i] = fmt.Sprintf("%.4f", l)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// ShowEpochLosses draws the mean loss of each epoch of one or more runs,
// one curve per run, named by the map's keys (in sorted order).
func ShowEpochLosses(title string, runs map[string][]float64) {
	panel := viz.Panel{Title: title, YLabel: "mean loss"}
	for _, name := range slices.Sorted(maps.Keys(runs)) {
		panel.Series = append(panel.Series, viz.Series{Name: name, Values: runs[name]})
	}
	Show(viz.TrainingCurves{Panels: []viz.Panel{panel}}.Figure())
}

// OverfitRecipe returns the recipe of chapter 8's over-fitting run: the
// article's, on the first 2,000 training images only (1,000 when
// FASHION_QUICK=1), for 40 epochs (15), with early stopping off, so that
// training goes on long after the validation loss has stopped falling.
func OverfitRecipe() fashion.Recipe {
	r := fashion.ArticleRecipe()
	r.Seed, r.Limit, r.Epochs, r.Patience = Seed, 2000, 40, -1
	if Quick() {
		r.Limit, r.Epochs = 1000, 15
		fmt.Fprintf(stdout, "%s=1: the over-fitting run trains %d epochs on %d images\n", QuickEnv, r.Epochs, r.Limit)
	}
	return r
}

// ShowOverfitting draws the curves of a run made without early stopping,
// and replays early stopping with the given patience over it: it marks the
// epoch that early stopping would have found best when it stopped, says
// after which epoch it would have stopped, and how the training and
// validation losses moved apart by the end of the run.
func ShowOverfitting(h *fashion.History, patience int) {
	if h == nil || len(h.Epochs) == 0 || h.BestEpoch == 0 {
		check(fmt.Errorf("no validated epochs to draw"))
	}
	// Early stopping as Fit applies it: a lower validation loss (by more
	// than nothing) is an improvement; patience epochs without one stop.
	stopAt, best, wait := 0, 0, 0
	for i, e := range h.Epochs {
		switch {
		case best == 0 || e.ValLoss < h.Epochs[best-1].ValLoss:
			best, wait = i+1, 0
		default:
			wait++
		}
		if wait >= patience {
			stopAt = i + 1
			break
		}
	}
	series := map[string][]float64{}
	for _, metric := range []string{"loss", "accuracy", "val_loss", "val_accuracy"} {
		series[metric] = Must(h.Metric(metric))
	}
	kept, lowest, last := h.Epochs[best-1], h.Epochs[h.BestEpoch-1], h.Last()
	var b strings.Builder
	if stopAt > 0 {
		fmt.Fprintf(&b, "early stopping with patience %d would have ended the run after epoch %d: no validation loss below epoch %d's %.4f (marked) in %d epochs\n",
			patience, stopAt, kept.Epoch, kept.ValLoss, patience)
	} else {
		fmt.Fprintf(&b, "early stopping with patience %d would not have stopped this run\n", patience)
	}
	if lowest.Epoch != kept.Epoch {
		fmt.Fprintf(&b, "the lowest validation loss of the whole run: %.4f after epoch %d\n", lowest.ValLoss, lowest.Epoch)
	}
	fmt.Fprintf(&b, "after epoch %d: training loss %.4f, validation loss %.4f (gap %.4f); after epoch %d: %.4f and %.4f (gap %.4f)\n",
		last.Epoch, last.Loss, last.ValLoss, last.ValLoss-last.Loss, kept.Epoch, kept.Loss, kept.ValLoss, kept.ValLoss-kept.Loss)
	fmt.Fprint(stdout, b.String())
	Show(viz.TrainingCurves{Title: fmt.Sprintf("Without early stopping, %d epochs", len(h.Epochs)),
		Panels: viz.HistoryPanels(series), BestEpoch: kept.Epoch}.Figure())
}
