package tutorial

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// Chapter 8's trainer, written by the learner: the training step (built as
// GoMLX's train.Trainer builds one), the batch loop, and the cell that puts
// them together with the loss and the optimizer's rule; then the
// comparison of that loop with m.Fit.

// StepBuilder is the shape of chapter 8's third exercise: it returns the
// training step of model function fn, minimising lossFn with optimizer
// opt.
type StepBuilder func(fn fashion.ModelFn, lossFn BatchLossFn, opt optimizer.Interface) TrainStep

// TrainEpoch is the shape of chapter 8's fourth exercise: one epoch of
// training, which runs the compiled training step exec (it takes a batch's
// images and labels, updates the weights and returns the batch's loss) on
// every batch of one epoch of batches, and returns the epoch's mean loss
// over its images.
type TrainEpoch func(exec *model.Exec, batches *fashion.Batches) float64

// stepCheck sizes CheckTrainStep's runs: a few batches of random images.
var stepCheck = struct{ batches, batch int }{3, 16}

// regularisedNet is the model CheckTrainStep trains: a small dense network
// that adds a penalty on its first layer's weights with
// train.AddRegularizationLoss, as GoMLX's layers do with a regulariser, so
// that a step that minimises only the batch's loss trains it otherwise.
func regularisedNet(scope *model.Scope, images *graph.Node) *graph.Node {
	x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
	hidden := scope.In("dense")
	x = activation.Relu(fashion.Dense(hidden, x, 16))
	w := hidden.GetVariable("weights").NodeValue(x.Graph())
	train.AddRegularizationLoss(graph.MulScalar(graph.ReduceAllSum(graph.Square(w)), 0.05))
	return fashion.Dense(scope.In("dense_1"), x, fashionmnist.NumClasses)
}

// stepCheckData returns the batches of CheckTrainStep: random images and
// labels, the same at every call.
func stepCheckData() (images, labels [][]float32, classes [][]int32) {
	rng := rand.New(rand.NewPCG(Seed, 8))
	for range stepCheck.batches {
		px := make([]float32, stepCheck.batch*fashionmnist.ImagePixels)
		for i := range px {
			px[i] = rng.Float32()
		}
		ls := make([]int32, stepCheck.batch)
		for i := range ls {
			ls[i] = int32(rng.IntN(fashionmnist.NumClasses))
		}
		images, classes = append(images, px), append(classes, ls)
	}
	return images, nil, classes
}

// stepRun is what a few training steps did: the losses they returned and
// the trainable variables after them.
type stepRun struct {
	losses  []float64
	weights map[string][]float32
}

// stepCheckOptimizer is the optimizer of CheckTrainStep's runs.
func stepCheckOptimizer() optimizer.Interface {
	return fashion.SGD{LearningRate: 0.1, Momentum: 0.9, Nesterov: true}
}

// runSteps trains a fresh regularisedNet (the tutorial's seed) with step
// for stepCheck.batches batches, or, when step is nil, with GoMLX's
// train.Trainer (the oracle), and returns what it did.
func runCheckSteps(step TrainStep) (stepRun, error) {
	m, err := fashion.New(backend(), regularisedNet, Seed)
	if err != nil {
		return stepRun{}, err
	}
	var run stepRun
	images, _, classes := stepCheckData()
	batch := func(i int) (*tensors.Tensor, *tensors.Tensor) {
		return tensors.FromFlatDataAndDimensions(slices.Clone(images[i]), stepCheck.batch, fashionmnist.ImageSize, fashionmnist.ImageSize),
			tensors.FromFlatDataAndDimensions(slices.Clone(classes[i]), stepCheck.batch, 1)
	}
	err = tryRun(func() error {
		if step == nil {
			gomlxLoss := func(labels, logits []*graph.Node) *graph.Node { return stockLoss(logits[0], labels[0]) }
			trainer := train.NewTrainer(m.Backend(), m.Store(), regularisedNet, gomlxLoss, stepCheckOptimizer(), nil, nil)
			for i := range stepCheck.batches {
				x, y := batch(i)
				metrics, err := trainer.TrainStep(train.Batch{Inputs: []*tensors.Tensor{x}, Labels: []*tensors.Tensor{y}})
				if err != nil {
					return err
				}
				run.losses = append(run.losses, scalarOf(metrics[0]))
			}
			return nil
		}
		exec, err := model.NewExec(m.Backend(), m.Store(), func(scope *model.Scope, images, labels *graph.Node) []*graph.Node {
			l := step(scope, images, labels)
			switch {
			case l == nil:
				panic("your step returns nil, not the loss")
			case !l.Shape().IsScalar():
				panic(fmt.Sprintf("your step returns shape %s: the loss is one number", l.Shape()))
			}
			// Every input and variable is an output's too: the pure-Go
			// backend fails on a graph that leaves one unused ("index out
			// of range" while executing), as a step that does nothing does.
			outs := []*graph.Node{graph.ConvertDType(l, dtypes.Float32), graph.ReduceAllSum(images), graph.ConvertDType(graph.ReduceAllSum(labels), dtypes.Float32)}
			for v := range scope.Store().IterVariables() {
				outs = append(outs, graph.ConvertDType(graph.ReduceAllSum(v.NodeValue(images.Graph())), dtypes.Float32))
			}
			return outs
		})
		if err != nil {
			return err
		}
		for i := range stepCheck.batches {
			x, y := batch(i)
			outs, err := exec.Call(x, y)
			if err != nil {
				return err
			}
			run.losses = append(run.losses, scalarOf(outs[0]))
		}
		return nil
	})
	if err != nil {
		return stepRun{}, err
	}
	run.weights = trainableValues(m)
	return run, nil
}

// scalarOf returns a float32 or float64 scalar tensor's value.
func scalarOf(x *tensors.Tensor) float64 {
	if x.DType() == dtypes.Float64 {
		return tensors.ToScalar[float64](x)
	}
	return float64(tensors.ToScalar[float32](x))
}

// trainableValues copies the values of a model's trainable variables.
func trainableValues(m *fashion.Model) map[string][]float32 {
	out := map[string][]float32{}
	for v := range m.Store().IterVariables() {
		if v.Trainable {
			out[v.Path()] = tensors.MustCopyFlatData[float32](Must(v.Value()))
		}
	}
	return out
}

// largestDiff returns the largest difference between two sets of
// variables (infinite when they do not have the same variables).
func largestDiff(a, b map[string][]float32) float64 {
	if !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
		return math.Inf(1)
	}
	var d float64
	for k, va := range a {
		for i := range va {
			d = math.Max(d, math.Abs(float64(va[i]-b[k][i])))
		}
	}
	return d
}

// stepMisses are the usual wrong steps, built from the answer with one
// thing changed, and what to say of each.
var stepMisses = []struct {
	why  string
	step StepBuilder
}{
	{"The regulariser the model adds (train.AddRegularizationLoss) is not in what your step minimises: optimise the total loss of the graph, as train.Trainer does.",
		func(fn fashion.ModelFn, lossFn BatchLossFn, opt optimizer.Interface) TrainStep {
			return func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
				l := lossFn(fn(scope, images), labels)
				opt.UpdateGraph(scope, images.Graph(), l)
				return l
			}
		}},
	{"The batch's loss counts twice in what your step minimises: it is recorded once (train.AddMainLoss), and train.TotalLoss already holds it.",
		func(fn fashion.ModelFn, lossFn BatchLossFn, opt optimizer.Interface) TrainStep {
			return func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
				g := images.Graph()
				l := lossFn(fn(scope, images), labels)
				train.AddMainLoss(l)
				total := graph.Add(train.TotalLoss(g), l)
				opt.UpdateGraph(scope, g, total)
				return total
			}
		}},
}

// CheckTrainStep checks chapter 8's third exercise: newTrainStep must build
// a training step as GoMLX's train.Trainer builds one: the batch's loss
// (train.AddMainLoss), the total loss of the graph (train.TotalLoss, the
// batch's loss plus the regularisers the model added), the optimizer's
// update from it, and the total loss returned. It trains a small network
// with a regulariser (regularisedNet) on a few random batches with the
// learner's step and with train.Trainer itself, from the same weights,
// and compares the losses returned and the weights after.
func CheckTrainStep(newTrainStep StepBuilder) bool {
	const name = "newTrainStep"
	want, err := runCheckSteps(nil)
	check(err)
	var step TrainStep
	if err := tryRun(func() error { step = newTrainStep(regularisedNet, stockLoss, stepCheckOptimizer()); return nil }); err != nil {
		return verdict(name, false, "", "newTrainStep stopped: "+firstLine(err))
	}
	if step == nil {
		return verdict(name, false, "", "newTrainStep returns nil: it returns the step, a function.")
	}
	got, err := runCheckSteps(step)
	if err != nil {
		return verdict(name, false, "", "Your step does not run: "+firstLine(err))
	}
	const tol = 1e-5
	initial, err := fashion.New(backend(), regularisedNet, Seed)
	check(err)
	weightsRight := largestDiff(got.weights, want.weights) <= tol
	lossesRight := sameLosses(got.losses, want.losses, tol)
	switch {
	case weightsRight && lossesRight:
		return verdict(name, true, fmt.Sprintf("On %d batches of a network with a regulariser, your step returns train.Trainer's losses %s and leaves the same weights.",
			stepCheck.batches, formatLosses(want.losses)), "")
	case largestDiff(got.weights, trainableValues(initial)) == 0:
		return verdict(name, false, "", "After your steps the weights are the ones they started from: the step builds no update of the weights.")
	case weightsRight:
		return verdict(name, false, "", fmt.Sprintf("The weights are trained right, but your step returns the losses %s where train.Trainer reports %s, the total loss it minimised.",
			formatLosses(got.losses), formatLosses(want.losses)))
	}
	for _, m := range stepMisses {
		if run, err := runCheckSteps(m.step(regularisedNet, stockLoss, stepCheckOptimizer())); err == nil && largestDiff(got.weights, run.weights) <= tol {
			return verdict(name, false, "", m.why)
		}
	}
	return verdict(name, false, "", fmt.Sprintf("After %d steps your weights differ from train.Trainer's by up to %.3g; your step returned %s, train.Trainer %s.",
		stepCheck.batches, largestDiff(got.weights, want.weights), formatLosses(got.losses), formatLosses(want.losses)))
}

// sameLosses reports whether two lists of losses agree within tol
// (relative, for losses above 1).
func sameLosses(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !(math.Abs(a[i]-b[i]) <= tol*math.Max(1, math.Abs(b[i]))) {
			return false
		}
	}
	return true
}

// epochCheck sizes CheckTrainEpoch's runs: two epochs of 1,000 images, 31
// batches of 32 and a last one of 8, so that a loop that does not weigh
// the last batch by its size shows.
var epochCheck = struct{ images, epochs int }{1000, 2}

// loopTolerance is how far apart (relative) the learner's loop and m.Fit
// may end: float32 sums in another order, over 64 updates.
const loopTolerance = 1e-3

// loopComparison trains two models from the tutorial's seed on the first
// epochCheck.images images of train: one with the learner's epoch
// function, running the answer's step (GoMLX's loss, the article's
// optimizer), and one with m.Fit, for epochCheck.epochs epochs in the same
// batch order; it returns each epoch's mean loss and the validation loss
// at the end, of both.
func loopComparison(trainEpoch TrainEpoch, trainSplit, validation *fashionmnist.Split) (mine, fit []float64, mineVal, fitVal float64, err error) {
	r := fashion.ArticleRecipe()
	r.Seed, r.Epochs, r.Limit, r.Patience = Seed, epochCheck.epochs, epochCheck.images, -1
	head, err := trainSplit.Head(min(epochCheck.images, trainSplit.Len()))
	if err != nil {
		return nil, nil, 0, 0, err
	}
	m, err := fashion.New(backend(), fashion.ArticleMLP, r.Seed)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	exec, err := model.NewExec(m.Backend(), m.Store(), answerNewTrainStep(fashion.ArticleMLP, stockLoss, r.Optimizer))
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
	ref, err := fitOracle(trainSplit, validation, r)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	return mine, ref.losses, vm.Loss, ref.valLoss, nil
}

// fitRun is what m.Fit gives in loopComparison: each epoch's loss, and
// the validation loss at the end.
type fitRun struct {
	losses  []float64
	valLoss float64
}

// fitRuns keeps loopComparison's m.Fit runs, by training and validation
// split: the same for every answer the check is run on, in a program.
var fitRuns sync.Map // fitKey -> fitRun

// fitKey names loopComparison's splits: the training split, and the
// validation split by name and size (CheckTrainEpoch makes it anew, the
// first images of the same split, at each call).
type fitKey struct {
	train      *fashionmnist.Split
	validation string
	n          int
}

// fitOracle returns m.Fit's run of recipe r on the article's network,
// made once per program and splits.
func fitOracle(trainSplit, validation *fashionmnist.Split, r fashion.Recipe) (fitRun, error) {
	key := fitKey{trainSplit, validation.Name(), validation.Len()}
	if run, ok := fitRuns.Load(key); ok {
		return run.(fitRun), nil
	}
	ref, err := fashion.New(backend(), fashion.ArticleMLP, r.Seed)
	if err != nil {
		return fitRun{}, err
	}
	h, err := ref.Fit(trainSplit, nil, r)
	if err != nil {
		return fitRun{}, err
	}
	var run fitRun
	for _, e := range h.Epochs {
		run.losses = append(run.losses, e.Loss)
	}
	rm, err := ref.Evaluate(validation)
	if err != nil {
		return fitRun{}, err
	}
	run.valLoss = rm.Loss
	fitRuns.Store(key, run)
	return run, nil
}

// firstEpochBatches returns the loss and the size of each batch of a first
// epoch of the right loop, from the same start as loopComparison's: what
// CheckTrainEpoch computes the usual wrong means from.
func firstEpochBatches(trainSplit *fashionmnist.Split) (losses []float64, sizes []int, err error) {
	r := fashion.ArticleRecipe()
	head, err := trainSplit.Head(min(epochCheck.images, trainSplit.Len()))
	if err != nil {
		return nil, nil, err
	}
	m, err := fashion.New(backend(), fashion.ArticleMLP, Seed)
	if err != nil {
		return nil, nil, err
	}
	exec, err := model.NewExec(m.Backend(), m.Store(), answerNewTrainStep(fashion.ArticleMLP, stockLoss, r.Optimizer))
	if err != nil {
		return nil, nil, err
	}
	batches, err := fashion.NewBatches(head, r.BatchSize, true, Seed)
	if err != nil {
		return nil, nil, err
	}
	for batch, err := range batches.Iter() {
		if err != nil {
			return nil, nil, err
		}
		l, err := exec.Call1(batch.Inputs[0], batch.Labels[0])
		if err != nil {
			return nil, nil, err
		}
		losses, sizes = append(losses, scalarOf(l)), append(sizes, batch.Labels[0].Shape().Dimensions[0])
	}
	return losses, sizes, nil
}

// epochMisses returns the usual wrong "mean losses" of an epoch from its
// batches' losses and sizes, with what to say of each.
func epochMisses(losses []float64, sizes []int) []nearMiss {
	var sum, weighted, fullWeighted float64
	images, fullImages := 0, 0
	for i, l := range losses {
		sum += l
		weighted += l * float64(sizes[i])
		images += sizes[i]
		if i < len(losses)-1 {
			fullWeighted += l * float64(sizes[i])
			fullImages += sizes[i]
		}
	}
	n := float64(len(losses))
	return []nearMiss{
		{sum / n, "That is the mean of the batches' losses, each counted once; the last batch holds fewer images, so weigh each batch's loss by its size and divide by the images."},
		{weighted / n, "That is the losses weighed by the batches' sizes, divided by the number of batches; divide by the number of images."},
		{weighted, "That is the sum of the images' losses; the epoch's loss is their mean."},
		{sum, "That is the sum of the batches' losses; the epoch's loss is the mean over the images."},
		{losses[len(losses)-1], "That is the last batch's loss alone; the epoch's loss is the mean over all its images."},
		{losses[0], "That is the first batch's loss alone; the epoch's loss is the mean over all its images."},
		{fullWeighted / float64(fullImages), "That leaves out the last, smaller batch: it counts too."},
	}
}

// CheckTrainEpoch checks chapter 8's fourth exercise: trainEpoch must train
// one epoch, one compiled step per batch, and return the epoch's mean loss
// over its images. It trains the article's network from tutorial.Seed on
// 1,000 training images (31 batches of 32, one of 8) for two epochs with
// trainEpoch, and again with m.Fit (the same recipe, batch order and
// optimizer), and compares each epoch's mean loss and the validation loss
// at the end. When they differ it recognises the usual wrong means, from
// the batches' losses of a right loop.
func CheckTrainEpoch(trainEpoch TrainEpoch, d *fashionmnist.Data) bool {
	const name = "trainEpoch"
	validation, err := d.Validation.Head(min(1000, d.Validation.Len()))
	check(err)
	mine, fit, mineVal, fitVal, err := loopComparison(trainEpoch, d.Train, validation)
	if err != nil {
		return verdict(name, false, "", "Your loop does not run: "+firstLine(err))
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= loopTolerance*math.Max(1, math.Abs(b)) }
	report := fmt.Sprintf("Your loop gives the epoch losses %s (m.Fit: %s) and then the validation loss %.4f (m.Fit: %.4f).",
		formatLosses(mine), formatLosses(fit), mineVal, fitVal)
	if len(mine) == len(fit) && near(mine[0], fit[0]) && near(mine[1], fit[1]) && near(mineVal, fitVal) {
		return verdict(name, true, report[len("Your loop gives "):], "")
	}
	switch {
	case math.IsNaN(mine[0]) || math.IsInf(mine[0], 0):
		return verdict(name, false, "", report+fmt.Sprintf(" %g is a division by 0: the loop counted no images.", mine[0]))
	case mine[0] == 0:
		return verdict(name, false, "", report+" An epoch's loss of 0: the loop adds up no loss, or runs no step.")
	case near(mine[0], fit[0]) && near(mine[1], fit[1]):
		return verdict(name, false, "", report+" The epochs' losses are right, but the model did not end as m.Fit's.")
	case near(mine[0], fit[0]):
		return verdict(name, false, "", report+" The first epoch is right, the second is not: one call of your function must make one pass over batches.Iter(), which gives the next epoch's order at each call.")
	case near(mineVal, fitVal):
		// Trained right, reported wrong: which mean is it?
		losses, sizes, err := firstEpochBatches(d.Train)
		check(err)
		for _, m := range epochMisses(losses, sizes) {
			if near(mine[0], m.value) {
				return verdict(name, false, "", report+" The model learnt as m.Fit's, but the epoch's loss is not its mean: "+m.why)
			}
		}
		return verdict(name, false, "", report+" The model learnt as m.Fit's, but the epoch's loss is not the mean over its images.")
	}
	return verdict(name, false, "", report+" The model did not learn as m.Fit's: does the loop run the step once on each batch of the epoch?")
}

// formatLosses prints losses with 4 decimals.
func formatLosses(losses []float64) string {
	parts := make([]string, len(losses))
	for i, l := range losses {
		parts[i] = fmt.Sprintf("%.4f", l)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// quietly runs f with the tutorial's printed text thrown away.
func quietly(f func() bool) bool {
	old := stdout
	stdout = io.Discard
	defer func() { stdout = old }()
	return f()
}

// yours prints whether a learner's piece of chapter 8's trainer passes
// its exercise's check (run silently: the learner saw its verdict at the
// exercise) and returns whether it does.
func yours(name string, check func() bool) bool {
	ok := quietly(check)
	if ok {
		fmt.Fprintf(stdout, "%-13s yours (it passes its check)\n", name+":")
	} else {
		fmt.Fprintf(stdout, "%-13s ✗ not yet (its check fails): the tutorial's answer in its place\n", name+":")
	}
	return ok
}

// YourLoss returns crossEntropy when it passes its check, else the
// tutorial's answer, and says which.
func YourLoss(crossEntropy BatchLossFn) BatchLossFn {
	if yours("crossEntropy", func() bool { return CheckCrossEntropy(crossEntropy) }) {
		return crossEntropy
	}
	return answerCrossEntropy
}

// YourRule returns nesterov when it passes its check, else the tutorial's
// answer, and says which.
func YourRule(nesterov UpdateRule) UpdateRule {
	if yours("nesterov", func() bool { return CheckNesterovUpdate(nesterov) }) {
		return nesterov
	}
	return answerNesterov
}

// YourPieces returns the four pieces of chapter 8's trainer the learner
// wrote, each checked by its exercise's check (silently: the learner saw
// its verdict above), with, for any that does not pass it yet, the
// tutorial's answer in its place; it prints which pieces are the
// learner's.
func YourPieces(crossEntropy BatchLossFn, nesterov UpdateRule, newTrainStep StepBuilder, trainEpoch TrainEpoch, d *fashionmnist.Data) (BatchLossFn, UpdateRule, StepBuilder, TrainEpoch) {
	crossEntropy, nesterov = YourLoss(crossEntropy), YourRule(nesterov)
	if !yours("newTrainStep", func() bool { return CheckTrainStep(newTrainStep) }) {
		newTrainStep = answerNewTrainStep
	}
	if !yours("trainEpoch", func() bool { return CheckTrainEpoch(trainEpoch, d) }) {
		trainEpoch = answerTrainEpoch
	}
	return crossEntropy, nesterov, newTrainStep, trainEpoch
}

// LoopImages returns how many training images chapter 8's own loop trains
// on: all of them, or, when FASHION_QUICK=1, as many as the chapter's
// m.Fit run (so that the two compare).
func LoopImages(d *fashionmnist.Data) int {
	if Quick() {
		return min(quickImages, d.Train.Len())
	}
	return d.Train.Len()
}

// yourLoopFile is where chapter 8's loop leaves its epochs, for the
// comparison with m.Fit a few cells later (each cell is a program of its
// own).
var yourLoopFile = filepath.Join("models", "your_loop.json")

// yourLoop is what chapter 8's loop leaves in yourLoopFile.
type yourLoop struct {
	Images int                `json:"images"`
	Seed   uint64             `json:"seed"`
	Epochs []fashion.EpochLog `json:"epochs"`
}

// RememberYourLoop keeps the epochs of chapter 8's own loop, trained on
// images training images from tutorial.Seed, for CompareWithYourLoop.
func RememberYourLoop(images int, epochs []fashion.EpochLog) {
	data, err := json.MarshalIndent(yourLoop{Images: images, Seed: Seed, Epochs: epochs}, "", "  ")
	check(err)
	check(os.MkdirAll(filepath.Dir(yourLoopFile), 0o755))
	check(os.WriteFile(yourLoopFile, data, 0o644))
}

// YourLoop returns the epochs chapter 8's own loop left (RememberYourLoop),
// or nil when it has not run.
func YourLoop() []fashion.EpochLog {
	data, err := os.ReadFile(yourLoopFile)
	if err != nil {
		return nil
	}
	var loop yourLoop
	if json.Unmarshal(data, &loop) != nil {
		return nil
	}
	return loop.Epochs
}

// CompareWithYourLoop prints, for each epoch that chapter 8's own loop and
// m's training (m.Fit) both made, their training and validation losses
// side by side, and how far apart they are.
func CompareWithYourLoop(m *fashion.Model, d *fashionmnist.Data) {
	data, err := os.ReadFile(yourLoopFile)
	if err != nil {
		fmt.Fprintln(stdout, "Your loop has not run yet (the cell \"Train with your code\" above): nothing to compare.")
		return
	}
	var loop yourLoop
	check(json.Unmarshal(data, &loop))
	h, r := m.History(), m.Recipe()
	if h == nil || r == nil {
		check(fmt.Errorf("this model was not trained"))
	}
	if images := trainingImages(d, *r); loop.Images != images || loop.Seed != r.Seed {
		fmt.Fprintf(stdout, "Your loop trained on %d images from seed %d, m.Fit on %d from seed %d: not the same run, nothing to compare.\n",
			loop.Images, loop.Seed, images, r.Seed)
		return
	}
	worst := 0.0
	for i := range min(len(loop.Epochs), len(h.Epochs)) {
		a, b := loop.Epochs[i], h.Epochs[i]
		fmt.Fprintf(stdout, "epoch %d: your loop loss %.4f, val_loss %.4f; m.Fit loss %.4f, val_loss %.4f\n", b.Epoch, a.Loss, a.ValLoss, b.Loss, b.ValLoss)
		worst = math.Max(worst, math.Max(math.Abs(a.Loss-b.Loss), math.Abs(a.ValLoss-b.ValLoss)))
	}
	fmt.Fprintf(stdout, "the largest difference: %.4f\n", worst)
}

// CheckPastedMLP says which network chapter 8 trains: the learner's mlp,
// pasted from chapter 7, checked as chapter 7 checks it, or, when there is
// none (fn is nil), fashion.ArticleMLP.
func CheckPastedMLP(fn fashion.ModelFn) {
	if fn == nil {
		fmt.Fprintln(stdout, "No mlp pasted yet: this chapter trains fashion.ArticleMLP, the project's copy of the article's network.")
		return
	}
	CheckArticleModel(fn)
}

// OrArticleMLP returns fn, or fashion.ArticleMLP when fn is nil: the
// network a chapter trains when the learner has not pasted chapter 7's mlp
// in its first cell. It returns a plain function type, not a
// fashion.ModelFn, so that GoMLX's train.NewTrainer, which recognises
// model functions by their type, takes it too.
func OrArticleMLP(fn fashion.ModelFn) func(scope *model.Scope, images *graph.Node) *graph.Node {
	if fn == nil {
		return fashion.ArticleMLP
	}
	return fn
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
		Panels: viz.HistoryPanels(series), BestEpoch: kept.Epoch,
		BestLabel: fmt.Sprintf("early stopping's best (%d)", kept.Epoch)}.Figure())
}
