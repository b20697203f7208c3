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
	"github.com/gomlx/gomlx/ml/train"
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
// and the epoch's number (the same as Batches), in batches of BatchSize;
// after every batch the recipe's optimizer updates the weights, as GoMLX's
// train.Trainer does: from GoMLX's gradient of train.TotalLoss, the
// recipe's loss plus the terms the model function or its layers add with
// train.AddRegularizationLoss, then the functions registered with
// train.AddPerStepUpdateGraphFn. Early stopping watches the validation loss
// (validation may be nil only when early stopping is off).
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
		if err := m.putBack(best); err != nil {
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

// trainer runs the epochs of one Fit call. The training split lives on the
// device: its images and labels are uploaded once, when the trainer is
// made, and each training step gathers its batch there. Each call to the
// backend, an execution, runs the steps of up to perExecution batches, one
// row each of the indices [K, B] it is given, in one of two ways that
// strategy chooses: in a graph.While (loopGraph), or unrolled in the graph
// (unrolledGraph). Both build each step with trainStep.
//
// An execution compiles once per shape of its indices: unrolled, the shape
// is the steps'; in the loop, the indices are padded to loopRows rows, of
// which the loop trains on the first count, so that the epoch's last
// execution of full batches, often shorter, runs the same compiled loop.
type trainer struct {
	m      *Model
	r      Recipe
	split  *fashionmnist.Split
	pixels *tensors.Tensor // the whole training split, 8 pixels a word: uint64 [N, 98] (see pixelWords), on the device.
	labels *tensors.Tensor // int32 [N, 1], on the device.
	exec   *model.Exec     // loopGraph or unrolledGraph.

	inLoop       bool // the steps of an execution run in a graph.While, not unrolled.
	perExecution int  // the most steps an execution runs.
	loopRows     int  // the rows of the loop's indices: perExecution, or the epoch's full batches if fewer.
}

// maxUnrolledSteps bounds the steps of one execution where they are
// unrolled in the graph: past 8 the graph takes longer to compile and runs
// no faster (docs/performance.md).
const maxUnrolledSteps = 8

// newTrainer uploads the training data and prepares the training graph.
func (m *Model) newTrainer(s *fashionmnist.Split, r Recipe) (*trainer, error) {
	if s == nil || s.Len() == 0 {
		return nil, errors.New("fit: no training images")
	}
	t := &trainer{m: m, r: r, split: s}
	t.inLoop, t.perExecution = m.strategy(r)
	t.loopRows = max(1, min(t.perExecution, s.Len()/r.BatchSize))
	t.pixels, t.labels = pixelWords(s), labelTensor(s)
	for _, x := range []*tensors.Tensor{t.pixels, t.labels} {
		if err := x.ToDevice(m.backend, 0); err != nil {
			return nil, fmt.Errorf("fit: uploading the training split: %w", err)
		}
	}
	var err error
	if t.inLoop {
		t.exec, err = model.NewExec(m.backend, m.store, t.loopGraph)
	} else {
		t.exec, err = model.NewExec(m.backend, m.store, t.unrolledGraph)
	}
	if err != nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	return t, nil
}

// strategy chooses, in this one place, how Fit runs the steps of an
// execution, and how many at most: in a graph.While (loopGraph),
// StepsPerExecution of them, where the backend computes a gradient inside
// a While's body (trainsInWhile: XLA does; the pure-Go backend of compute
// v0.1.2 does not); otherwise unrolled in the graph, at most
// maxUnrolledSteps. Any optimizer runs either way. The tests set
// m.unrolled to compare the two on one backend.
func (m *Model) strategy(r Recipe) (inLoop bool, perExecution int) {
	if !m.unrolled && trainsInWhile(m.backend) {
		return true, r.StepsPerExecution
	}
	return false, min(r.StepsPerExecution, maxUnrolledSteps)
}

// finish releases the trainer's graph and device data.
func (t *trainer) finish() {
	t.exec.Finalize()
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

// gatherBatch returns the images and labels of the batch idx [B, 1], as a
// model function and a loss take them: float32 [B, 28, 28] in [0, 1] from
// the words of pixelWords, and int32 [B, 1]. The images are data: no
// gradient flows into them (GoMLX's gradient of a fused layer, such as
// layers.Dense's, would otherwise reach the Bitcast, which has none).
func gatherBatch(words, labels, idx *graph.Node) (images, batchLabels *graph.Node) {
	pixels := graph.Bitcast(graph.Gather(words, idx), dtypes.Uint8) // [B, 98, 8]
	images = scaledImages(graph.Reshape(pixels, idx.Shape().Dimensions[0], fashionmnist.ImageSize, fashionmnist.ImageSize))
	return graph.StopGradient(images), graph.Gather(labels, idx)
}

// stepsPerEpoch counts the updates of an epoch, the last batch included.
func (t *trainer) stepsPerEpoch() int {
	return (t.split.Len() + t.r.BatchSize - 1) / t.r.BatchSize
}

// trainStep builds one training step on a batch as GoMLX's train.Trainer
// builds one: the model function's logits; the recipe's loss added to the
// graph's losses (train.AddMainLoss), so that the optimizer minimises
// train.TotalLoss, which also holds the terms the model function or its
// layers added (train.AddRegularizationLoss, GoMLX's regularizers); the
// optimizer's update (UpdateGraph), from GoMLX's gradient of that total;
// then the functions registered to run after each update
// (train.ExecPerStepUpdateGraphFn). It returns the batch's total loss
// summed over its images (the mean times B) and its correct count, both
// measured before the update, as Keras does.
func (t *trainer) trainStep(scope *model.Scope, images, labels *graph.Node) (lossSum, correct *graph.Node) {
	g := images.Graph()
	total, correct := lossAndHits(t.r.lossFn(), t.m.logits(scope, images), labels)
	t.r.Optimizer.UpdateGraph(scope, g, total)
	train.ExecPerStepUpdateGraphFn(g)
	clearLosses(g, total)
	return graph.MulScalar(total, float64(images.Shape().Dimensions[0])), correct
}

// lossAndHits adds the mean loss of logits [B, classes] against int32
// labels [B, 1] (lossFn, a recipe's: GoMLX's sparse categorical
// cross-entropy by default) to the graph's losses, and returns their
// total (train.TotalLoss) and how many logits are right (a float, for
// GoMLX's metric gives a mean).
func lossAndHits(lossFn loss.LossFn, logits, labels *graph.Node) (total, hits *graph.Node) {
	meanLoss := lossFn([]*graph.Node{labels}, []*graph.Node{logits})
	if !meanLoss.Shape().IsScalar() { // As train.Trainer takes a loss function's output.
		meanLoss = graph.ReduceAllMean(meanLoss)
	}
	train.AddMainLoss(meanLoss)
	accuracy := metric.SparseCategoricalAccuracyGraph(nil, []*graph.Node{labels}, []*graph.Node{logits})
	return train.TotalLoss(logits.Graph()), graph.MulScalar(graph.ConvertDType(accuracy, dtypes.Float32), float64(labels.Shape().Dimensions[0]))
}

// clearLosses empties the losses GoMLX keeps for graph g (one sum per
// graph, which train.TotalLoss reads), so that the next step built in the
// same graph adds its own losses to none: an execution builds several
// steps in one graph. GoMLX's graph parameters cannot be deleted, so each
// sum is set to zero.
func clearLosses(g *graph.Graph, like *graph.Node) {
	zero := graph.ZerosLike(like)
	for _, key := range []string{train.TrainerMainLossGraphParamKey, train.TrainerRegularizationLossGraphParamKey} {
		model.SetGraphParam(g, model.JoinPath(train.TrainerAbsoluteScope, key), zero)
	}
}

// unrolledGraph builds one execution of the training: a step (trainStep) on
// each row of indices [K, B], a batch of the training split each, unrolled.
// It returns the steps' summed loss and correct count, float64, as
// loopGraph does.
func (t *trainer) unrolledGraph(scope *model.Scope, pixels, labels, indices *graph.Node) (lossSum, correct *graph.Node) {
	g := indices.Graph()
	scope.Store().SetTraining(g, true) // Some layers (dropout) behave differently in training.
	k, b := indices.Shape().Dimensions[0], indices.Shape().Dimensions[1]
	lossSum, correct = graph.Const(g, 0.0), graph.Const(g, 0.0)
	for step := range k {
		images, batchLabels := gatherBatch(pixels, labels, graph.Reshape(graph.Slice(indices, graph.AxisElem(step)), b, 1))
		l, c := t.trainStep(scope, images, batchLabels)
		lossSum = graph.Add(lossSum, graph.ConvertDType(l, dtypes.Float64))
		correct = graph.Add(correct, graph.ConvertDType(c, dtypes.Float64))
	}
	return lossSum, correct
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
	e.lossSum += tensors.ToScalar[float64](out[0])
	e.correct += int(math.Round(tensors.ToScalar[float64](out[1])))
	e.seen += images
	e.done += steps
	for _, c := range e.callbacks {
		if o, ok := c.(StepObserver); ok {
			o.OnSteps(e.epoch, e.done, e.total, e.lossSum/float64(e.seen), float64(e.correct)/float64(e.seen))
		}
	}
}

// epoch runs one epoch of updates and returns its training metrics: the
// full batches in executions of up to perExecution steps, then the last,
// smaller batch, if any, on its own.
func (t *trainer) epoch(epoch int, callbacks []Callback) (EpochLog, error) {
	order := fashionmnist.EpochOrder(t.split.Len(), t.r.Seed, epoch-1)
	sums := &epochSums{epoch: epoch, total: t.stepsPerEpoch(), callbacks: callbacks}
	b := t.r.BatchSize
	full := len(order) / b
	var err error
	for done := 0; done < full && err == nil; {
		steps := min(t.perExecution, full-done)
		err = t.execute(order[done*b:(done+steps)*b], steps, sums)
		done += steps
	}
	if last := order[full*b:]; err == nil && len(last) > 0 {
		err = t.execute(last, 1, sums)
	}
	if err != nil {
		return EpochLog{}, fmt.Errorf("fit: epoch %d, step %d: %w", epoch, sums.done+1, err)
	}
	return EpochLog{
		Epoch:        epoch,
		Loss:         sums.lossSum / float64(sums.seen),
		Accuracy:     float64(sums.correct) / float64(sums.seen),
		LearningRate: t.r.LearningRateAt(optimizer.GetGlobalStep(t.m.store) - 1),
	}, nil
}

// execute runs one execution: steps updates on the images order, in
// batches of len(order)/steps (in the loop, indices padded to loopRows
// rows, and the count of steps).
func (t *trainer) execute(order []int, steps int, sums *epochSums) error {
	rows, b := steps, len(order)/steps
	if t.inLoop {
		rows = max(steps, t.loopRows)
	}
	indices := make([]int32, rows*b) // Recipe.Validate keeps batch sizes in range; a split is far smaller.
	for i, x := range order {
		indices[i] = int32(x)
	}
	args := []any{t.pixels, t.labels, tensors.FromFlatDataAndDimensions(indices, rows, b)}
	if t.inLoop {
		// Only the loop takes the count: an unused parameter makes the pure-Go
		// backend 4 times slower (docs/performance.md).
		args = append(args, int32(steps))
	}
	out, err := t.exec.Call(args...)
	if err != nil {
		return err
	}
	sums.add(out, steps, len(order))
	return nil
}

// evalGraph returns the summed loss and the correct count of a batch of
// uint8 pixels [B, 28, 28] and int32 labels [B, 1].
func (m *Model) evalGraph(scope *model.Scope, pixels, labels *graph.Node) (lossSum, correct *graph.Node) {
	total, correct := lossAndHits(m.lossFn(), m.logits(scope, scaledImages(pixels)), labels)
	return graph.MulScalar(total, float64(labels.Shape().Dimensions[0])), correct
}

// Evaluate measures the model's loss and accuracy on a split, as Keras'
// model.evaluate: the loss is its recipe's (the sparse categorical
// cross-entropy by default), averaged over the images, plus the terms the
// model function adds with train.AddRegularizationLoss, as in training.
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

// putBack sets the variables to the values snapshot took.
func (m *Model) putBack(saved map[string]*tensors.Tensor) error {
	for _, v := range m.variables() {
		if err := v.SetValue(saved[v.Path()]); err != nil {
			return err
		}
	}
	return nil
}
