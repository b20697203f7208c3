package fashion

import (
	"math"
	"slices"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/metric"
)

// tinySplit returns n images whose pixels all equal the image's index and
// whose labels are index % 10.
func tinySplit(t testing.TB, n int) *fashionmnist.Split {
	t.Helper()
	pixels := make([]byte, n*fashionmnist.ImagePixels)
	labels := make([]byte, n)
	for i := range n {
		for k := range fashionmnist.ImagePixels {
			pixels[i*fashionmnist.ImagePixels+k] = byte(i)
		}
		labels[i] = byte(i % fashionmnist.NumClasses)
	}
	s, err := fashionmnist.NewSplit("tiny", pixels, labels)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTensors(t *testing.T) {
	s := tinySplit(t, 3)
	images, labels := Tensors(s)
	if got := images.Shape().Dimensions; !slices.Equal(got, []int{3, fashionmnist.ImageSize, fashionmnist.ImageSize}) {
		t.Fatalf("images shape %v", got)
	}
	px := tensors.MustCopyFlatData[float32](images)
	if px[2*fashionmnist.ImagePixels+7] != 2.0/255 {
		t.Errorf("pixel of image 2 = %v, want 2/255", px[2*fashionmnist.ImagePixels+7])
	}
	if got := tensors.MustCopyFlatData[int32](labels); !slices.Equal(got, []int32{0, 1, 2}) {
		t.Errorf("labels %v", got)
	}
}

func TestBatches(t *testing.T) {
	s := tinySplit(t, 10)
	b, err := NewBatches(s, 4, true, 42)
	if err != nil {
		t.Fatal(err)
	}
	if b.Name() != "tiny" {
		t.Fatalf("name %q", b.Name())
	}
	epoch := func() (sizes []int, seen []int) {
		for batch, err := range b.Iter() {
			if err != nil {
				t.Fatal(err)
			}
			images := tensors.MustCopyFlatData[float32](batch.Inputs[0])
			labels := tensors.MustCopyFlatData[int32](batch.Labels[0])
			sizes = append(sizes, len(labels))
			for j, l := range labels {
				idx := int(images[j*fashionmnist.ImagePixels]*255 + 0.5)
				if int(l) != idx%fashionmnist.NumClasses {
					t.Fatalf("label %d does not belong to image %d", l, idx)
				}
				seen = append(seen, idx)
			}
		}
		return sizes, seen
	}
	sizes, first := epoch()
	if !slices.Equal(sizes, []int{4, 4, 2}) {
		t.Fatalf("batch sizes %v, want [4 4 2] (last batch kept, as in Keras)", sizes)
	}
	if !slices.Equal(first, fashionmnist.EpochOrder(10, 42, 0)) {
		t.Fatalf("epoch 0 order %v, want fashionmnist.EpochOrder(10, 42, 0)", first)
	}
	_, second := epoch()
	if slices.Equal(first, second) || !slices.Equal(second, fashionmnist.EpochOrder(10, 42, 1)) {
		t.Fatalf("epoch 1 order %v", second)
	}
	if b, _ = NewBatches(s, 4, true, 42); !slices.Equal(b.order(), first) {
		t.Fatal("the same seed does not replay epoch 0")
	}

	plain, _ := NewBatches(s, 4, false, 0)
	if got := plain.order(); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("unshuffled order %v", got)
	}
	if _, err := NewBatches(s, 0, true, 1); err == nil {
		t.Error("batch size 0 accepted")
	}
}

// TestBatchesFeedGoMLXLoss feeds a batch to GoMLX's stock sparse loss and
// metric, which want labels [B, 1], and checks the loss against the
// cross-entropy computed here in float64.
func TestBatchesFeedGoMLXLoss(t *testing.T) {
	s := tinySplit(t, 6)
	b, err := NewBatches(s, 6, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	var batch train.Batch
	for batch, err = range b.Iter() {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if got := batch.Labels[0].Shape().Dimensions; !slices.Equal(got, []int{6, 1}) {
		t.Fatalf("labels of shape %v, want [6 1]", got)
	}
	// Logits: class c of example i scores (i*c mod 7) / 3.
	logits := make([]float32, 6*fashionmnist.NumClasses)
	for i := range 6 {
		for c := range fashionmnist.NumClasses {
			logits[i*fashionmnist.NumClasses+c] = float32(i*c%7) / 3
		}
	}
	out, err := graph.ExecOnceN(testBackend(), func(logits, labels *graph.Node) []*graph.Node {
		l := []*graph.Node{labels}
		return []*graph.Node{
			loss.SparseCategoricalCrossEntropyLogits(l, []*graph.Node{logits}),
			metric.SparseCategoricalAccuracyGraph(nil, l, []*graph.Node{logits}),
		}
	}, tensors.FromFlatDataAndDimensions(logits, 6, fashionmnist.NumClasses), batch.Labels[0])
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	right := 0
	for i := range 6 {
		row, label := logits[i*fashionmnist.NumClasses:(i+1)*fashionmnist.NumClasses], i%fashionmnist.NumClasses
		var sum float64
		for _, z := range row {
			sum += math.Exp(float64(z))
		}
		want += (math.Log(sum) - float64(row[label])) / 6
		if ArgMax(row) == label {
			right++
		}
	}
	if got := float64(tensors.ToScalar[float32](out[0])); math.Abs(got-want) > 1e-5 {
		t.Errorf("loss %v, want %v", got, want)
	}
	if got := float64(tensors.ToScalar[float32](out[1])); math.Abs(got-float64(right)/6) > 1e-6 {
		t.Errorf("accuracy %v, want %d/6", got, right)
	}
}
