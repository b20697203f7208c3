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
type trainer struct {
	m      *Model
	r      Recipe
	split  *fashionmnist.Split
	pixels *tensors.Tensor // the whole training split, 8 pixels a word: uint64 [N, 98] (see pixelWords).
	labels *tensors.Tensor // int32 [N, 1].
	exec   *model.Exec
}

// newTrainer prepares the training data and the training graph.
func (m *Model) newTrainer(s *fashionmnist.Split, r Recipe) (*trainer, error) {
	if s == nil || s.Len() == 0 {
		return nil, errors.New("fit: no training images")
	}
	t := &trainer{m: m, r: r, split: s}
	t.pixels, t.labels = pixelWords(s), labelTensor(s)
	exec, err := model.NewExec(m.backend, m.store, t.stepsGraph)
	if err != nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	t.exec = exec
	return t, nil
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

// stepsGraph builds K training steps, one per row of indices [K, B], as
// GoMLX's train.Trainer builds one: each step gathers its batch, runs the
// model function, computes the loss, and the optimizer (Recipe.Optimizer,
// an optimizer.Interface) updates the weights from the loss's gradient,
// which GoMLX's automatic differentiation computes. It returns the loss
// summed over the K*B examples (each step's mean times B) and the number of
// correct predictions, both measured before each step's update, as Keras
// does.
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
		meanLoss, hits := lossAndHits(t.r.lossFn(), t.m.logits(scope, gatherImages(pixels, idx)), graph.Gather(labels, idx))
		t.r.Optimizer.UpdateGraph(scope, g, meanLoss)
		lossSum = graph.Add(lossSum, graph.MulScalar(meanLoss, float64(b)))
		correct = graph.Add(correct, hits)
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

// epoch runs one epoch of updates and returns its training metrics.
func (t *trainer) epoch(epoch int, callbacks []Callback) (EpochLog, error) {
	order := fashionmnist.EpochOrder(t.split.Len(), t.r.Seed, epoch-1)
	b, k := t.r.BatchSize, t.r.StepsPerExecution
	total := t.stepsPerEpoch()
	var lossSum float64
	var correct, seen int
	for done := 0; done < total; {
		// K full batches per execution; the last, smaller batch on its own.
		steps, size := min(k, len(order)/b-done), b
		if steps <= 0 {
			steps, size = 1, len(order)-done*b
		}
		idx := make([]int32, steps*size)
		for i := range idx {
			idx[i] = int32(order[done*b+i])
		}
		out, err := t.exec.Call(t.pixels, t.labels, tensors.FromFlatDataAndDimensions(idx, steps, size))
		if err != nil {
			return EpochLog{}, fmt.Errorf("fit: epoch %d, step %d: %w", epoch, done+1, err)
		}
		lossSum += float64(tensors.ToScalar[float32](out[0]))
		correct += int(math.Round(float64(tensors.ToScalar[float32](out[1]))))
		seen += len(idx)
		done += steps
		for _, c := range callbacks {
			if o, ok := c.(StepObserver); ok {
				o.OnSteps(epoch, done, total, lossSum/float64(seen), float64(correct)/float64(seen))
			}
		}
	}
	updates := optimizer.GetGlobalStep(t.m.store)
	return EpochLog{
		Epoch:        epoch,
		Loss:         lossSum / float64(seen),
		Accuracy:     float64(correct) / float64(seen),
		LearningRate: t.r.Optimizer.LearningRateAt(updates - 1),
	}, nil
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
