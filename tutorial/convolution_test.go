package tutorial

import (
	"fmt"
	"image"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// corr2dWith is a cross-correlation whose kernel value at (a, b) is picked
// by at, and whose output has oh x ow positions: the wrong answers of
// chapter 13's first exercise.
func corr2dWith(at func(k *graph.Node, a, b int) *graph.Node, shrink int) func(x, k *graph.Node) *graph.Node {
	return func(x, k *graph.Node) *graph.Node {
		h, w := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
		kh, kw := k.Shape().Dimensions[0], k.Shape().Dimensions[1]
		oh, ow := h-kh+1-shrink, w-kw+1-shrink
		var y *graph.Node
		for a := range kh {
			for b := range kw {
				term := graph.Mul(graph.Slice(x, graph.AxisRange(a, a+oh), graph.AxisRange(b, b+ow)), at(k, a, b))
				if y == nil {
					y = term
				} else {
					y = graph.Add(y, term)
				}
			}
		}
		return y
	}
}

func TestCheckCorr2D(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	scalarAt := func(k *graph.Node, a, b int) *graph.Node {
		return graph.Reshape(graph.Slice(k, graph.AxisElem(a), graph.AxisElem(b)))
	}
	byOutputs := func(x, k *graph.Node) *graph.Node { // one output at a time: the patch times the kernel, summed
		h, w := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
		kh, kw := k.Shape().Dimensions[0], k.Shape().Dimensions[1]
		var rows []*graph.Node
		for i := range h - kh + 1 {
			var row []*graph.Node
			for j := range w - kw + 1 {
				patch := graph.Slice(x, graph.AxisRange(i, i+kh), graph.AxisRange(j, j+kw))
				row = append(row, graph.Reshape(graph.ReduceAllSum(graph.Mul(patch, k)), 1, 1))
			}
			rows = append(rows, graph.Concatenate(row, 1))
		}
		return graph.Concatenate(rows, 0)
	}
	withConvolve := func(x, k *graph.Node) *graph.Node { // GoMLX's own op, reshaped
		h, w := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
		kh, kw := k.Shape().Dimensions[0], k.Shape().Dimensions[1]
		y := graph.Convolve(graph.Reshape(x, 1, h, w, 1), graph.Reshape(k, kh, kw, 1, 1)).NoPadding().Done()
		return graph.Reshape(y, h-kh+1, w-kw+1)
	}
	for name, fn := range map[string]func(x, k *graph.Node) *graph.Node{"answer": answerCorr2d, "output by output": byOutputs, "graph.Convolve": withConvolve} {
		expectCheck(t, text, name, true, "gives layers.Convolution's output", func() bool { return CheckCorr2D(fn) })
	}
	flipped := func(k *graph.Node, a, b int) *graph.Node {
		kh, kw := k.Shape().Dimensions[0], k.Shape().Dimensions[1]
		return scalarAt(k, kh-1-a, kw-1-b)
	}
	transposed := func(k *graph.Node, a, b int) *graph.Node {
		return scalarAt(k, min(b, k.Shape().Dimensions[0]-1), min(a, k.Shape().Dimensions[1]-1))
	}
	samePadding := func(x, k *graph.Node) *graph.Node {
		h, w := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
		kh, kw := k.Shape().Dimensions[0], k.Shape().Dimensions[1]
		y := graph.Convolve(graph.Reshape(x, 1, h, w, 1), graph.Reshape(k, kh, kw, 1, 1)).PadSame().Done()
		return graph.Reshape(y, h, w)
	}
	for name, c := range map[string]struct {
		fn   func(x, k *graph.Node) *graph.Node
		want string
	}{
		"template":     {func(x, k *graph.Node) *graph.Node { return x }, "your output is (5, 5); layers.Convolution's is (3, 3)"},
		"one too few":  {corr2dWith(scalarAt, 1), "your output is (2, 2)"},
		"flipped":      {corr2dWith(flipped, 0), "the convolution of mathematics"},
		"transposed":   {corr2dWith(transposed, 0), "rows and columns are swapped"},
		"same padding": {samePadding, "Yours keeps x's size, as zero padding would"},
		"kernel sum":   {corr2dWith(func(k *graph.Node, a, b int) *graph.Node { return graph.ReduceAllSum(k) }, 0), "your output at (0, 0) is"},
		"nil":          {func(x, k *graph.Node) *graph.Node { return nil }, "returns nil"},
		"vector":       {func(x, k *graph.Node) *graph.Node { return graph.ReduceSum(x, 0) }, "want a 2-D output"},
	} {
		expectCheck(t, text, name, false, c.want, func() bool { return CheckCorr2D(c.fn) })
		noneContains(t, "CheckCorr2D", text.String(), "graph.AxisRange(a, a+oh)")
	}
}

func TestCheckConvShapes(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	expectCheck(t, text, "right", true, "conv gives [14 14 16] and conv_1 [7 7 32]", func() bool { return CheckConvShapes([]int{14, 14, 16}, []int{7, 7, 32}) })
	for _, c := range []struct {
		conv, conv1 []int
		want        string
	}{
		{[]int{0, 0, 0}, []int{0, 0, 0}, "conv: replace the zeros. conv_1: replace the zeros."},
		{[]int{28, 28, 16}, []int{7, 7, 32}, "conv: 28 × 28 is its input's size; the stride of 2"},
		{[]int{13, 13, 16}, []int{7, 7, 32}, "conv: 13 × 13 is without padding"},
		{[]int{26, 26, 16}, []int{7, 7, 32}, "a 3×3 kernel without padding and stride 1"},
		{[]int{14, 14, 1}, []int{7, 7, 32}, "not its input's channels"},
		{[]int{14, 14, 16}, []int{7, 7, 16}, "conv_1: the height and width are right; the channels are the layer's filters, not its input's channels"},
		{[]int{14, 14, 32}, []int{7, 7, 64}, "its channels are the number of its filters"},
		{[]int{14, 14, 16}, []int{14, 14, 32}, "conv_1: 14 × 14 is its input's size"},
		{[]int{14, 14, 16}, []int{6, 6, 32}, "conv_1: 6 × 6 is without padding"},
		{[]int{14, 14}, []int{7, 7, 32}, "give three numbers"},
	} {
		expectCheck(t, text, fmt.Sprint(c.conv, c.conv1), false, c.want, func() bool { return CheckConvShapes(c.conv, c.conv1) })
		noneContains(t, "CheckConvShapes", text.String(), "[14 14 16]", "[7 7 32]")
	}
}

// chapterCNN is chapter 13's network.
func chapterCNN(scope *model.Scope, images *graph.Node) *graph.Node {
	x := graph.InsertAxes(images, -1)
	x = activation.Relu(fashion.Conv2D(scope.In("conv"), x, 16, 3, 2))
	x = activation.Relu(fashion.Conv2D(scope.In("conv_1"), x, 32, 3, 2))
	x = graph.Reshape(x, -1, 7*7*32)
	x = activation.Relu(fashion.Dense(scope.In("dense"), x, 64))
	return fashion.Dense(scope.In("dense_1"), x, 10)
}

func TestCheckConvParams(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	expectCheck(t, text, "right", true, "conv 160, conv_1 4,640, dense 100,416", func() bool { return CheckConvParams(chapterCNN, 160, 4640, 100416) })
	for _, c := range []struct {
		conv, conv1, dense int
		want               string
	}{
		{0, 0, 0, "conv: replace the 0. conv_1: replace the 0. dense: replace the 0."},
		{144, 4640, 100416, "conv: 144 counts the weights only; each of its 16 filters"},
		{160, 4608, 100416, "conv_1: 4,608 counts the weights only"},
		{160, 320, 100416, "conv_1: 320 leaves out the input channels"},
		{160, 176, 100416, "conv_1: 176 counts one kernel per input channel"},
		{160, 4640, 100352, "dense: 100,352 counts the weights only"},
		{160, 4640, 12608, "dense: 12,608 does not match the 1,568 values conv_1 gives it"},
		{160, 4640, 100417, "dense: 100,417 is not its count"},
	} {
		expectCheck(t, text, fmt.Sprint(c.conv, c.conv1, c.dense), false, c.want, func() bool { return CheckConvParams(chapterCNN, c.conv, c.conv1, c.dense) })
		noneContains(t, "CheckConvParams", text.String(), "4,640", "100,416")
	}
}

func TestConvolutionFigures(t *testing.T) {
	rec, text := capture(t)
	kernel := tensors.FromFlatDataAndDimensions(make([]float32, 3*3*16), 3, 3, 1, 16)
	ShowFilters("filters", kernel)
	maps := tensors.FromFlatDataAndDimensions(make([]float32, 14*14*16), 1, 14, 14, 16)
	ShowFeatureMaps("maps", image.NewGray(image.Rect(0, 0, 28, 28)), []string{"a", "b"}, []*tensors.Tensor{maps, maps}, 8)
	ShowFeatureMaps("maps", nil, []string{"a"}, []*tensors.Tensor{maps}, 4)
	expectImages(t, rec, 0, 3)

	ShowSeedComparison([]SeedRun{
		{"perceptron", 1, 0.86, 0.4, 60}, {"convolutional network", 1, 0.88, 0.33, 140},
		{"perceptron", 2, 0.87, 0.38, 61}, {"convolutional network", 2, 0.885, 0.32, 139},
	})
	for _, want := range []string{
		"perceptron: mean test accuracy 0.8650 over 2 seeds, from 0.8600 to 0.8700 (spread 0.0100); 121 s in all",
		"verdict: the convolutional network's worst seed (0.8800) beats the perceptron's best (0.8700)",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("ShowSeedComparison printed %q, want %q", text, want)
		}
	}
	text.Reset()
	ShowSeedComparison([]SeedRun{{"a", 1, 0.86, 0.4, 1}, {"b", 1, 0.87, 0.4, 1}, {"a", 2, 0.88, 0.4, 1}, {"b", 2, 0.875, 0.4, 1}})
	if !strings.Contains(text.String(), "verdict: the ranges overlap (the b from 0.8700 to 0.8750, the a from 0.8600 to 0.8800)") {
		t.Errorf("overlapping ranges: %q", text)
	}
}
