package fashion

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/metric"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// evalBatchSize is how many images one evaluation step handles.
const evalBatchSize = 1000

// Metrics are a loss and an accuracy measured on some images.
type Metrics struct {
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
}

// Fit trains the model on train, measuring validation after each epoch, with
// the recipe's settings, and returns the history, as Keras' model.fit. Each
// epoch visits the training images in an order drawn from the recipe's seed
// and the epoch's number (the same as Batches), in batches of
// BatchSize; the model updates its weights after every batch, by the
// recipe's optimizer from GoMLX's gradient of the loss (see stepsGraph).
// Early stopping watches the validation loss (validation may be nil only
// when early stopping is off).
func (m *Model) Fit(trainSplit, validation *fashionmnist.Split, r Recipe, callbacks ...Callback) (*History, error) {
	return m.fit(trainSplit, validation, r, &History{}, nil, callbacks)
}

// fit trains from the state a history records: epochs already done are
// skipped, early stopping is replayed over them, and best holds the weights
// of the best epoch so far when the recipe restores them.
func (m *Model) fit(trainSplit, validation *fashionmnist.Split, r Recipe, history *History, best map[string]*tensors.Tensor,
	callbacks []Callback) (*History, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if validation == nil && r.Patience >= 0 {
		return nil, errors.New("fit: early stopping watches the validation loss: give a validation split or set a negative patience")
	}
	if trainSplit != nil && r.Limit > 0 {
		head, err := trainSplit.Head(r.Limit)
		if err != nil {
			return nil, fmt.Errorf("fit: limit %d: the training split has %d images", r.Limit, trainSplit.Len())
		}
		trainSplit = head
	}
	t, err := m.newTrainer(trainSplit, r)
	if err != nil {
		return nil, err
	}
	defer t.finish()
	m.recipe, m.history = &r, history
	if history.Run == nil {
		history.Run = newRunInfo(m.backend, trainSplit, validation)
	}
	stopper := &EarlyStopping{Patience: r.Patience, MinDelta: r.MinDelta}
	stop := history.StoppedEarly
	if validation != nil {
		for _, e := range history.Epochs {
			stop = stopper.update(e.Epoch, e.ValLoss)
		}
	}

	info := TrainInfo{Recipe: r, Samples: trainSplit.Len(), StepsPerEpoch: t.stepsPerEpoch(), FirstEpoch: len(history.Epochs) + 1}
	for _, c := range callbacks {
		if b, ok := c.(TrainBeginner); ok {
			if err := b.OnTrainBegin(m, info); err != nil {
				return nil, fmt.Errorf("fit: %w", err)
			}
		}
	}
	for epoch := info.FirstEpoch; epoch <= r.Epochs && !stop; epoch++ {
		start := time.Now()
		log, err := t.epoch(epoch, callbacks)
		if err != nil {
			return history, err
		}
		if validation != nil {
			vm, err := m.Evaluate(validation)
			if err != nil {
				return history, fmt.Errorf("fit: validation after epoch %d: %w", epoch, err)
			}
			log.ValLoss, log.ValAccuracy = vm.Loss, vm.Accuracy
		}
		if err := checkFiniteLoss(log, r); err != nil {
			return history, err
		}
		log.Seconds = time.Since(start).Seconds()
		history.Epochs = append(history.Epochs, log)

		if validation != nil {
			stop = errors.Is(stopper.OnEpochEnd(m, log), ErrStopTraining)
			history.BestEpoch = stopper.BestEpoch
			if stopper.BestEpoch == epoch && r.RestoreBestWeights {
				if best, err = m.snapshot(); err != nil {
					return history, fmt.Errorf("fit: %w", err)
				}
			}
		}
		for _, c := range callbacks {
			if err := c.OnEpochEnd(m, log); errors.Is(err, ErrStopTraining) {
				stop = true
			} else if err != nil {
				return history, fmt.Errorf("fit: after epoch %d: %w", epoch, err)
			}
		}
	}
	history.StoppedEarly = stop
	if r.RestoreBestWeights && best != nil && history.BestEpoch != history.Last().Epoch && !history.RestoredBest {
		if err := m.restore(best); err != nil {
			return history, fmt.Errorf("fit: restoring the best weights: %w", err)
		}
		history.RestoredBest = true
	}
	for _, c := range callbacks {
		if e, ok := c.(TrainEnder); ok {
			if err := e.OnTrainEnd(m, history); err != nil {
				return history, fmt.Errorf("fit: %w", err)
			}
		}
	}
	return history, nil
}

// trainer runs the epochs of one Fit call.
//
// The training split lives on the device: its images and labels are
// uploaded once, when the trainer is made. Each epoch, the order of its
// images (epochOrder) is uploaded once too, as one int32 tensor of the
// epoch's full batches [S, B], and each execution runs up to
// StepsPerExecution updates from it in a graph.While (loopGraph), its model
// variables, optimizer velocities and update count carried as the loop's
// state: with an epoch per execution, the host calls the backend twice an
// epoch (the full batches, then the last, smaller one). Where the loop
// cannot run (loopInGraph: a backend without While or without a gradient
// inside one, or an optimizer the loop cannot carry), the updates of an
// execution are unrolled in the graph instead (stepsGraph), at most
// maxUnrolledSteps of them, with each execution's batch indices sent from
// the host.
type trainer struct {
	m      *Model
	r      Recipe
	split  *fashionmnist.Split
	pixels *tensors.Tensor // the whole training split, 8 pixels a word: uint64 [N, 98] (see pixelWords), on the device.
	labels *tensors.Tensor // int32 [N, 1], on the device.
	loop   *model.Exec     // loopGraph; nil where the updates are unrolled.
	steps  *model.Exec     // stepsGraph: the last, smaller batch, and every batch where there is no loop.
}

// maxUnrolledSteps bounds the updates of one execution where they are
// unrolled in the graph (stepsGraph): past 8 the graph takes longer to
// compile and runs no faster (docs/performance.md).
const maxUnrolledSteps = 8

// newTrainer uploads the training data and prepares the training graphs.
func (m *Model) newTrainer(s *fashionmnist.Split, r Recipe) (*trainer, error) {
	if s == nil || s.Len() == 0 {
		return nil, errors.New("fit: no training images")
	}
	t := &trainer{m: m, r: r, split: s}
	t.pixels, t.labels = pixelWords(s), labelTensor(s)
	for _, x := range []*tensors.Tensor{t.pixels, t.labels} {
		if err := x.ToDevice(m.backend, 0); err != nil {
			return nil, fmt.Errorf("fit: uploading the training split: %w", err)
		}
	}
	var err error
	if t.steps, err = model.NewExec(m.backend, m.store, t.stepsGraph); err != nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	if m.loopInGraph(r) {
		if t.loop, err = model.NewExec(m.backend, m.store, t.loopGraph); err != nil {
			return nil, fmt.Errorf("fit: %w", err)
		}
	}
	return t, nil
}

// loopInGraph reports whether Fit runs the updates of recipe r in a
// graph.While: where the backend can (see trainsInWhile), with an
// optimizer whose state the loop can carry (loopOptimizer), unless the
// model has been told otherwise (unrolled, for tests that compare the two
// paths).
func (m *Model) loopInGraph(r Recipe) bool {
	_, ok := r.Optimizer.(loopOptimizer)
	return ok && !m.unrolled && trainsInWhile(m.backend)
}

// finish releases the trainer's graphs and device data.
func (t *trainer) finish() {
	for _, e := range []*model.Exec{t.loop, t.steps} {
		if e != nil {
			e.Finalize()
		}
	}
	t.pixels.FinalizeAll()
	t.labels.FinalizeAll()
}

// pixelBytesPerWord is how many pixels a word of pixelWords packs.
const pixelBytesPerWord = 8

// pixelWords returns the split's images with 8 pixels packed in each uint64
// word, [N, 98], in the machine's byte order. The pure-Go backend's Gather
// copies one element at a time: gathering a batch as words moves it 8 times
// faster, and graph.Bitcast turns the words back into the same bytes.
func pixelWords(s *fashionmnist.Split) *tensors.Tensor {
	pixels, _ := s.Bytes()
	words := make([]uint64, len(pixels)/pixelBytesPerWord)
	for i := range words {
		words[i] = binary.NativeEndian.Uint64(pixels[i*pixelBytesPerWord:])
	}
	return tensors.FromFlatDataAndDimensions(words, s.Len(), fashionmnist.ImagePixels/pixelBytesPerWord)
}

// gatherImages returns the images idx [B, 1] from the words of pixelWords,
// as a model function takes them: float32 [B, 28, 28] in [0, 1].
func gatherImages(words, idx *graph.Node) *graph.Node {
	pixels := graph.Bitcast(graph.Gather(words, idx), dtypes.Uint8) // [B, 98, 8]
	return scaledImages(graph.Reshape(pixels, idx.Shape().Dimensions[0], fashionmnist.ImageSize, fashionmnist.ImageSize))
}

// stepsPerEpoch counts the updates of an epoch, the last batch included.
func (t *trainer) stepsPerEpoch() int {
	return (t.split.Len() + t.r.BatchSize - 1) / t.r.BatchSize
}

// stepGraph builds one training step on the batch idx [B, 1], as GoMLX's
// train.Trainer builds one: it gathers the batch, runs the model function,
// computes the loss, and the optimizer (Recipe.Optimizer, an
// optimizer.Interface) updates the weights from the loss's gradient, which
// GoMLX's automatic differentiation computes. It returns the loss summed
// over the batch (its mean times B) and the number of correct predictions,
// both measured before the update, as Keras does.
func (t *trainer) stepGraph(scope *model.Scope, pixels, labels, idx *graph.Node) (lossSum, correct *graph.Node) {
	g := idx.Graph()
	meanLoss, hits := lossAndHits(t.r.lossFn(), t.m.logits(scope, gatherImages(pixels, idx)), graph.Gather(labels, idx))
	t.r.Optimizer.UpdateGraph(scope, g, meanLoss)
	return graph.MulScalar(meanLoss, float64(idx.Shape().Dimensions[0])), hits
}

// stepsGraph builds K training steps (stepGraph), one per row of indices
// [K, B], unrolled, and returns their summed loss and correct count.
//
// It differs from train.Trainer's step in two ways: the whole training
// split stays on the device and each step gathers its batch there (as
// pixel words, see pixelWords), and one execution runs K steps (Keras'
// steps_per_execution, Recipe.StepsPerExecution), so that the host waits
// for the backend once per K updates and the optimizer's state stays in
// the graph between them. train.Trainer runs one step per execution, on
// batches sent from the host; docs/performance.md ("The idiomatic GoMLX
// path") compares the two loops.
func (t *trainer) stepsGraph(scope *model.Scope, pixels, labels, indices *graph.Node) (lossSum, correct *graph.Node) {
	g := indices.Graph()
	scope.Store().SetTraining(g, true) // Some layers (dropout) behave differently in training.
	k, b := indices.Shape().Dimensions[0], indices.Shape().Dimensions[1]
	lossSum = graph.ScalarZero(g, dtypes.Float32)
	correct = graph.ScalarZero(g, dtypes.Float32)
	for step := range k {
		idx := graph.Reshape(graph.Slice(indices, graph.AxisElem(step)), b, 1)
		l, c := t.stepGraph(scope, pixels, labels, idx)
		lossSum, correct = graph.Add(lossSum, l), graph.Add(correct, c)
	}
	return lossSum, correct
}

// lossAndHits returns the mean loss of logits [B, classes] against int32
// labels [B, 1] (lossFn, a recipe's: GoMLX's sparse categorical
// cross-entropy by default), and how many are right (a float, for GoMLX's
// metric gives a mean).
func lossAndHits(lossFn loss.LossFn, logits, labels *graph.Node) (meanLoss, hits *graph.Node) {
	meanLoss = lossFn([]*graph.Node{labels}, []*graph.Node{logits})
	accuracy := metric.SparseCategoricalAccuracyGraph(nil, []*graph.Node{labels}, []*graph.Node{logits})
	return meanLoss, graph.MulScalar(graph.ConvertDType(accuracy, dtypes.Float32), float64(labels.Shape().Dimensions[0]))
}

// epochSums accumulates an epoch's training metrics and reports them to the
// callbacks that follow the steps.
type epochSums struct {
	epoch, done, total int
	lossSum            float64
	correct, seen      int
	callbacks          []Callback
}

// add counts an execution of steps updates over images images, from its
// outputs (the summed loss and the correct count).
func (e *epochSums) add(out []*tensors.Tensor, steps, images int) {
	e.lossSum += scalarFloat(out[0])
	e.correct += int(math.Round(scalarFloat(out[1])))
	e.seen += images
	e.done += steps
	for _, c := range e.callbacks {
		if o, ok := c.(StepObserver); ok {
			o.OnSteps(e.epoch, e.done, e.total, e.lossSum/float64(e.seen), float64(e.correct)/float64(e.seen))
		}
	}
}

// scalarFloat returns a float32 or float64 scalar tensor's value.
func scalarFloat(x *tensors.Tensor) float64 {
	if x.DType() == dtypes.Float64 {
		return tensors.ToScalar[float64](x)
	}
	return float64(tensors.ToScalar[float32](x))
}

// epoch runs one epoch of updates and returns its training metrics.
func (t *trainer) epoch(epoch int, callbacks []Callback) (EpochLog, error) {
	order := fashionmnist.EpochOrder(t.split.Len(), t.r.Seed, epoch-1)
	sums := &epochSums{epoch: epoch, total: t.stepsPerEpoch(), callbacks: callbacks}
	full := len(order) / t.r.BatchSize
	var err error
	if t.loop != nil {
		err = t.loopBatches(order[:full*t.r.BatchSize], sums)
	} else {
		err = t.unrolledBatches(order[:full*t.r.BatchSize], sums)
	}
	if err == nil && full*t.r.BatchSize < len(order) {
		// The last, smaller batch on its own.
		err = t.execSteps(order[full*t.r.BatchSize:], 1, sums)
	}
	if err != nil {
		return EpochLog{}, fmt.Errorf("fit: epoch %d, step %d: %w", epoch, sums.done+1, err)
	}
	updates := optimizer.GetGlobalStep(t.m.store)
	return EpochLog{
		Epoch:        epoch,
		Loss:         sums.lossSum / float64(sums.seen),
		Accuracy:     float64(sums.correct) / float64(sums.seen),
		LearningRate: t.r.Optimizer.LearningRateAt(updates - 1),
	}, nil
}

// unrolledBatches runs the full batches of an epoch, order, in executions
// of stepsGraph of up to StepsPerExecution (at most maxUnrolledSteps)
// updates.
func (t *trainer) unrolledBatches(order []int, sums *epochSums) error {
	b := t.r.BatchSize
	k := min(t.r.StepsPerExecution, maxUnrolledSteps)
	for done := 0; done*b < len(order); {
		steps := min(k, len(order)/b-done)
		if err := t.execSteps(order[done*b:(done+steps)*b], steps, sums); err != nil {
			return err
		}
		done += steps
	}
	return nil
}

// execSteps runs stepsGraph once: steps updates on the images order, in
// batches of len(order)/steps.
func (t *trainer) execSteps(order []int, steps int, sums *epochSums) error {
	out, err := t.steps.Call(t.pixels, t.labels, tensors.FromFlatDataAndDimensions(int32s(order), steps, len(order)/steps))
	if err != nil {
		return err
	}
	sums.add(out, steps, len(order))
	return nil
}

// int32s converts indices to int32, the type of the graphs' indices
// (Recipe.Validate keeps batch sizes in range; a split is far smaller).
func int32s(xs []int) []int32 {
	out := make([]int32, len(xs))
	for i, x := range xs {
		out[i] = int32(x)
	}
	return out
}

// evalGraph returns the summed loss and the correct count of a batch of
// uint8 pixels [B, 28, 28] and int32 labels [B, 1].
func (m *Model) evalGraph(scope *model.Scope, pixels, labels *graph.Node) (lossSum, correct *graph.Node) {
	meanLoss, correct := lossAndHits(m.lossFn(), m.logits(scope, scaledImages(pixels)), labels)
	return graph.MulScalar(meanLoss, float64(labels.Shape().Dimensions[0])), correct
}

// Evaluate measures the model's loss (its recipe's, the sparse categorical
// cross-entropy by default) and accuracy on a split, as Keras'
// model.evaluate.
func (m *Model) Evaluate(s *fashionmnist.Split) (Metrics, error) {
	if s == nil || s.Len() == 0 {
		return Metrics{}, errors.New("evaluate: no images")
	}
	if m.evalExec == nil {
		exec, err := model.NewExec(m.backend, m.store, m.evalGraph)
		if err != nil {
			return Metrics{}, fmt.Errorf("evaluate: %w", err)
		}
		m.evalExec = exec
	}
	var lossSum float64
	var correct int
	for from := 0; from < s.Len(); from += evalBatchSize {
		part, err := s.Slice(s.Name(), from, min(from+evalBatchSize, s.Len()))
		if err != nil {
			return Metrics{}, err
		}
		out, err := m.evalExec.Call(pixelTensor(part), labelTensor(part))
		if err != nil {
			return Metrics{}, fmt.Errorf("evaluate %s: %w", s.Name(), err)
		}
		lossSum += float64(tensors.ToScalar[float32](out[0]))
		correct += int(math.Round(float64(tensors.ToScalar[float32](out[1]))))
	}
	return Metrics{Loss: lossSum / float64(s.Len()), Accuracy: float64(correct) / float64(s.Len())}, nil
}

// snapshot copies the model's variables to the host.
func (m *Model) snapshot() (map[string]*tensors.Tensor, error) {
	saved := map[string]*tensors.Tensor{}
	for _, v := range m.variables() {
		value, err := v.Value()
		if err != nil {
			return nil, err
		}
		if saved[v.Path()], err = value.LocalClone(); err != nil {
			return nil, err
		}
	}
	return saved, nil
}

// restore puts back the variables taken by snapshot.
func (m *Model) restore(saved map[string]*tensors.Tensor) error {
	for _, v := range m.variables() {
		if err := v.SetValue(saved[v.Path()]); err != nil {
			return err
		}
	}
	return nil
}
