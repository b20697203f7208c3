package fashion

import (
	"fmt"
	"iter"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train"
)

// Tensors returns a whole split as GoMLX tensors: images as float32
// [N, 28, 28] scaled to [0, 1] (what a ModelFn takes), and labels as int32
// [N, 1] (what GoMLX's sparse losses and metrics take).
func Tensors(s *fashionmnist.Split) (images, labels *tensors.Tensor) {
	return gather(s, nil)
}

// gather builds image and label tensors for the examples of s at the given
// indices, or for all examples in order when indices is nil.
func gather(s *fashionmnist.Split, indices []int) (images, labels *tensors.Tensor) {
	n := len(indices)
	if indices == nil {
		n = s.Len()
	}
	pixels := make([]float32, n*fashionmnist.ImagePixels)
	ls := make([]int32, n)
	for j := range n {
		i := j
		if indices != nil {
			i = indices[j]
		}
		dst := pixels[j*fashionmnist.ImagePixels : (j+1)*fashionmnist.ImagePixels]
		for k, p := range s.Pixels(i) {
			dst[k] = float32(p) / 255
		}
		ls[j] = int32(s.Label(i))
	}
	return tensors.FromFlatDataAndDimensions(pixels, n, fashionmnist.ImageSize, fashionmnist.ImageSize),
		tensors.FromFlatDataAndDimensions(ls, n, 1)
}

// Batches is a [train.Dataset] over a split: each call of Iter is one epoch
// of batches of BatchSize examples (the last one smaller when the size does
// not divide the split, as in Keras), in an order drawn from the seed and the
// epoch number when shuffling. Inputs are float32 [B, 28, 28] in [0, 1],
// what a ModelFn takes; labels int32 [B, 1], what GoMLX's sparse losses and
// metrics (loss.SparseCategoricalCrossEntropyLogits) take.
//
// Batches is for GoMLX's own training loop (train.Trainer, train.Loop). Fit
// does not use it: it keeps the whole split on the device and gathers each
// batch there, in the same order, so both visit the same batches.
type Batches struct {
	split     *fashionmnist.Split
	batchSize int
	shuffle   bool
	seed      uint64
	epoch     int
}

// NewBatches returns a split as a dataset of batches of batchSize. With
// shuffle, every epoch visits the examples in an order drawn from the seed
// and the epoch's number, the order in which Fit visits them; otherwise in
// file order.
func NewBatches(s *fashionmnist.Split, batchSize int, shuffle bool, seed uint64) (*Batches, error) {
	if batchSize <= 0 {
		return nil, fmt.Errorf("batch size must be positive, got %d", batchSize)
	}
	if s.Len() == 0 {
		return nil, fmt.Errorf("split %q is empty", s.Name())
	}
	return &Batches{split: s, batchSize: batchSize, shuffle: shuffle, seed: seed}, nil
}

// Name implements train.Dataset.
func (b *Batches) Name() string { return b.split.Name() }

// order returns the example order of the epoch the next Iter call yields.
func (b *Batches) order() []int {
	if !b.shuffle {
		order := make([]int, b.split.Len())
		for i := range order {
			order[i] = i
		}
		return order
	}
	return fashionmnist.EpochOrder(b.split.Len(), b.seed, b.epoch)
}

// Iter implements train.Dataset: it yields one epoch of batches and moves
// on to the next epoch.
func (b *Batches) Iter() iter.Seq2[train.Batch, error] {
	order := b.order()
	b.epoch++
	return func(yield func(train.Batch, error) bool) {
		for start := 0; start < len(order); start += b.batchSize {
			images, labels := gather(b.split, order[start:min(start+b.batchSize, len(order))])
			batch := train.Batch{Inputs: []*tensors.Tensor{images}, Labels: []*tensors.Tensor{labels}}
			if !yield(batch, nil) {
				return
			}
		}
	}
}

// pixelTensor returns a split's images as Evaluate feeds them: uint8
// [N, 28, 28] (scaled on the device, 4 times less memory than float32).
func pixelTensor(s *fashionmnist.Split) *tensors.Tensor {
	pixels, _ := s.Bytes()
	return tensors.FromFlatDataAndDimensions(pixels, s.Len(), fashionmnist.ImageSize, fashionmnist.ImageSize)
}

// labelTensor returns a split's labels, int32 [N, 1].
func labelTensor(s *fashionmnist.Split) *tensors.Tensor {
	_, labels := s.Bytes()
	ls := make([]int32, s.Len())
	for i, l := range labels {
		ls[i] = int32(l)
	}
	return tensors.FromFlatDataAndDimensions(ls, s.Len(), 1)
}
