package fashion

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
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
// the recipe's settings, and returns the history. Each epoch visits the
// training images in the order EpochOrder(seed, epoch) gives, in batches of
// BatchSize; the model updates its weights after every batch. Early
// stopping watches the validation loss (validation may be nil only when
// early stopping is off).
func (m *Model) Fit(trainSplit, validation *Split, r Recipe, callbacks ...Callback) (*History, error) {
	return m.fit(trainSplit, validation, r, &History{}, nil, callbacks)
}

// fit trains from the state a history records: epochs already done are
// skipped, early stopping is replayed over them, and best holds the weights
// of the best epoch so far when the recipe restores them.
func (m *Model) fit(trainSplit, validation *Split, r Recipe, history *History, best map[string]*tensors.Tensor,
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
			_, stop = stopper.Update(e.Epoch, e.ValLoss)
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
			var improved bool
			improved, stop = stopper.Update(epoch, log.ValLoss)
			history.BestEpoch = stopper.BestEpoch
			if improved && r.RestoreBestWeights {
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
	split  *Split
	pixels *tensors.Tensor // the whole training split, 8 pixels a word: uint64 [N, 98] (see pixelWords).
	labels *tensors.Tensor // int32 [N].
	exec   *model.Exec
}

// newTrainer prepares the training data and the training graph.
func (m *Model) newTrainer(s *Split, r Recipe) (*trainer, error) {
	if s == nil || s.Len() == 0 {
		return nil, errors.New("fit: no training images")
	}
	t := &trainer{m: m, r: r, split: s}
	t.pixels, t.labels = pixelWords(s), s.labelTensor()
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
func pixelWords(s *Split) *tensors.Tensor {
	words := make([]uint64, len(s.images)/pixelBytesPerWord)
	for i := range words {
		words[i] = binary.NativeEndian.Uint64(s.images[i*pixelBytesPerWord:])
	}
	return tensors.FromFlatDataAndDimensions(words, s.Len(), ImagePixels/pixelBytesPerWord)
}

// gatherPixels returns the uint8 pixels [B, 784] of the images idx [B, 1]
// from the words of pixelWords.
func gatherPixels(words, idx *graph.Node) *graph.Node {
	return graph.Reshape(graph.Bitcast(graph.Gather(words, idx), dtypes.Uint8), idx.Shape().Dimensions[0], ImagePixels)
}

// stepsPerEpoch counts the updates of an epoch, the last batch included.
func (t *trainer) stepsPerEpoch() int {
	return (t.split.Len() + t.r.BatchSize - 1) / t.r.BatchSize
}

// stepsGraph builds K training steps, one per row of indices [K, B]: each
// gathers its batch from the training data held on the device (pixels as
// words, see pixelWords), computes the loss and the gradients
// (gradientsGraph) and updates the weights (sgdState, which carries the
// velocities from step to step). It returns the loss summed over
// the K*B examples (each step's mean times B) and the number of correct
// predictions, both measured before each step's update, as Keras does.
func (t *trainer) stepsGraph(scope *model.Scope, pixels, labels, indices *graph.Node) (lossSum, correct *graph.Node) {
	g := indices.Graph()
	k, b := indices.Shape().Dimensions[0], indices.Shape().Dimensions[1]
	o := t.r.Optimizer
	state := o.startGraph(scope, g, t.m.params())
	lossSum = graph.ScalarZero(g, dtypes.Float32)
	correct = graph.ScalarZero(g, dtypes.Int32)
	for step := range k {
		idx := graph.Reshape(graph.Slice(indices, graph.AxisElem(step)), b, 1)
		scale := o.scaledRateGraph(scope, g)
		batchLoss, batchCorrect, steps := t.m.gradientsGraph(gatherPixels(pixels, idx), graph.Gather(labels, idx), scale)
		state.update(steps)
		lossSum = graph.Add(lossSum, graph.MulScalar(batchLoss, float64(b)))
		correct = graph.Add(correct, batchCorrect)
	}
	state.end()
	return lossSum, correct
}

// params lists the trainable variables, in the order gradientsGraph
// returns their gradients: the weights and biases of each dense layer.
func (m *Model) params() []*model.Variable {
	var vars []*model.Variable
	for _, l := range m.layers[1:] {
		vars = append(vars, l.weights, l.biases)
	}
	return vars
}

// gradientsGraph computes, for a batch (uint8 pixels [B, 784], int32 labels
// [B]), the mean loss, the number of correct predictions and scale times
// the gradient of the loss for each variable of params(). Fit passes the
// optimizer's scaled learning rate as scale, so that the optimizer gets its
// steps ready-made (see sgdState).
//
// It is backpropagation written out by hand: for a dense layer
// y = relu(x·W + b) whose pre-activation gets the gradient δ,
//
//	∂loss/∂W = xᵀ·δ     ∂loss/∂b = Σ_batch δ     ∂loss/∂x = δ·Wᵀ
//
// and the δ of the layer below is ∂loss/∂x where that layer's ReLU was
// active (x > 0), zero elsewhere. graph.Gradient builds the same values
// (the tests compare them), but in the layouts of GoMLX's generic rule for
// a matrix product, which the pure-Go backend runs slowly: it computes
// ∂loss/∂W as (δᵀ·x)ᵀ, with a slow kernel and then a transpose of the whole
// 784x500 matrix, every step. Here every product is in the layout the
// backend's fast kernels want, [M, K]·[K, N]: xᵀ·δ for the weights, and
// (δ·Wᵀ)ᵀ = W·δᵀ for the layer below. Only small [B, n] matrices get
// transposed.
func (m *Model) gradientsGraph(pixels, labels, scale *graph.Node) (meanLoss, correct *graph.Node, grads []*graph.Node) {
	inputs, logits := m.forwardGraph(scaledPixels(pixels))
	meanLoss, correct = lossAndHits(logits, labels)

	// ∂loss/∂logits of the mean sparse cross-entropy: (softmax - one-hot) / B.
	g, dtype, b := logits.Graph(), logits.DType(), labels.Shape().Dimensions[0]
	delta := graph.Sub(graph.Softmax(logits), graph.OneHot(labels, m.arch.Classes, dtype))
	delta = graph.Mul(delta, graph.DivScalar(graph.ConvertDType(scale, dtype), float64(b)))
	deltaT := graph.Transpose(delta, 0, 1)

	layers := m.layers[1:]
	grads = make([]*graph.Node, 2*len(layers))
	for i := len(layers) - 1; i >= 0; i-- {
		xT := graph.Transpose(inputs[i], 0, 1)
		grads[2*i] = graph.DotGeneral(xT, []int{1}, nil, delta, []int{0}, nil) // xᵀ·δ
		grads[2*i+1] = graph.ReduceSum(delta, 0)
		if i > 0 {
			// W·δᵀ = (∂loss/∂x)ᵀ, kept where the ReLU below was active:
			// x holds that ReLU's output, so Sign(x) is 1 there and 0 elsewhere.
			w := layers[i].weights.NodeValue(g)
			deltaT = graph.Mul(graph.DotGeneral(w, []int{1}, nil, deltaT, []int{0}, nil), graph.Sign(xT))
			delta = graph.Transpose(deltaT, 0, 1)
		}
	}
	return meanLoss, correct, grads
}

// lossGraph returns the mean sparse categorical cross-entropy of a batch
// (uint8 pixels [B, 784], int32 labels [B]) and how many it gets right.
func (m *Model) lossGraph(pixels, labels *graph.Node) (meanLoss, correct *graph.Node) {
	_, logits := m.forwardGraph(scaledPixels(pixels))
	return lossAndHits(logits, labels)
}

// lossAndHits returns the mean sparse categorical cross-entropy of logits
// [B, classes] against int32 labels [B], and how many are right.
func lossAndHits(logits, labels *graph.Node) (meanLoss, correct *graph.Node) {
	b := labels.Shape().Dimensions[0]
	meanLoss = loss.SparseCategoricalCrossEntropyLogits(
		[]*graph.Node{graph.Reshape(labels, b, 1)}, []*graph.Node{logits})
	hits := graph.Equal(graph.ArgMax(logits, -1, dtypes.Int32), labels)
	correct = graph.ReduceAllSum(graph.ConvertDType(hits, dtypes.Int32))
	return meanLoss, correct
}

// epoch runs one epoch of updates and returns its training metrics.
func (t *trainer) epoch(epoch int, callbacks []Callback) (EpochLog, error) {
	order := EpochOrder(t.split.Len(), t.r.Seed, epoch-1)
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
		correct += int(tensors.ToScalar[int32](out[1]))
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

// evalGraph returns the summed loss and the correct count of a batch.
func (m *Model) evalGraph(_ *model.Scope, pixels, labels *graph.Node) (lossSum, correct *graph.Node) {
	meanLoss, correct := m.lossGraph(pixels, labels)
	return graph.MulScalar(meanLoss, float64(labels.Shape().Dimensions[0])), correct
}

// Evaluate measures the model's loss (sparse categorical cross-entropy) and
// accuracy on a split, as Keras' model.evaluate.
func (m *Model) Evaluate(s *Split) (Metrics, error) {
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
		pixels, labels := part.pixelTensors()
		out, err := m.evalExec.Call(pixels, labels)
		if err != nil {
			return Metrics{}, fmt.Errorf("evaluate %s: %w", s.Name(), err)
		}
		lossSum += float64(tensors.ToScalar[float32](out[0]))
		correct += int(tensors.ToScalar[int32](out[1]))
	}
	return Metrics{Loss: lossSum / float64(s.Len()), Accuracy: float64(correct) / float64(s.Len())}, nil
}

// snapshot copies the network's weights and biases to the host.
func (m *Model) snapshot() (map[string]*tensors.Tensor, error) {
	saved := map[string]*tensors.Tensor{}
	for _, l := range m.layers[1:] {
		for _, v := range []*model.Variable{l.weights, l.biases} {
			value, err := v.Value()
			if err != nil {
				return nil, err
			}
			if saved[v.Path()], err = value.LocalClone(); err != nil {
				return nil, err
			}
		}
	}
	return saved, nil
}

// restore puts back weights taken by snapshot.
func (m *Model) restore(saved map[string]*tensors.Tensor) error {
	for _, l := range m.layers[1:] {
		for _, v := range []*model.Variable{l.weights, l.biases} {
			if err := v.SetValue(saved[v.Path()]); err != nil {
				return err
			}
		}
	}
	return nil
}
