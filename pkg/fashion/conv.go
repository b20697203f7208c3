package fashion

import (
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Conv2D is a 2-D convolution layer, Keras' Conv2D(filters, kernel,
// strides, padding="same") without its activation, on channels-last
// images x [B, H, W, C]: it returns [B, ⌈H/stride⌉, ⌈W/stride⌉, filters].
// Its variables are GoMLX's layers.Convolution's ("weights" [kernel,
// kernel, C, filters] and "biases" [filters]), created in the scope it is
// given, and its output is the same as
//
//	layers.Convolution(scope, x).Filters(filters).KernelSize(kernel).Strides(stride).PadSame().CurrentScope().Done()
//
// (TestConv2DMatchesLayersConvolution checks both ways, values and
// gradients), so that a model trained with one loads with the other.
//
// Why not layers.Convolution itself: the pure-Go backend computes a
// convolution, and the gradients of one, with a direct loop: a training
// step of chapter 13's network (batches of 32) took 350 ms with
// layers.Convolution and 24 ms with this layer on two cores. Conv2D computes it
// as a matrix product instead, the way CPU libraries do (im2col): it
// gathers each output position's kernel×kernel×C input patch into one row,
// and multiplies the [B·H'·W', kernel²·C] patches by the kernel reshaped
// to [kernel²·C, filters], which the backend's matrix kernels run fast.
// The zero padding is a concatenation, because graph.Pad has no gradient
// in GoMLX v0.28.2.
func Conv2D(scope *model.Scope, x *graph.Node, filters, kernel, stride int) *graph.Node {
	if x.Rank() != 4 {
		exceptions.Panicf("fashion.Conv2D takes images x [batch, height, width, channels], got %s: add the channels axis, e.g. graph.InsertAxes(images, -1)", x.Shape())
	}
	if filters <= 0 || kernel <= 0 || stride <= 0 {
		exceptions.Panicf("fashion.Conv2D: filters %d, kernel %d and stride %d must be positive", filters, kernel, stride)
	}
	g := x.Graph()
	b, h, w, c := x.Shape().Dimensions[0], x.Shape().Dimensions[1], x.Shape().Dimensions[2], x.Shape().Dimensions[3]
	weights := scope.VariableWithShape("weights", shapes.Make(x.DType(), kernel, kernel, c, filters)).NodeValue(g)
	biases := scope.VariableWithShape("biases", shapes.Make(x.DType(), filters)).NodeValue(g)

	// "Same" padding as GoMLX's PadSame: (kernel-1)/2 before, kernel/2 after.
	before, after := (kernel-1)/2, kernel/2
	padded := padZeros(padZeros(x, 1, before, after), 2, before, after)
	oh, ow := (h+stride-1)/stride, (w+stride-1)/stride
	// One slice per kernel position (dy, dx), in the kernel's row-major
	// order: the patch of output (i, j) is padded[i·stride+dy, j·stride+dx].
	parts := make([]*graph.Node, 0, kernel*kernel)
	for dy := range kernel {
		for dx := range kernel {
			parts = append(parts, graph.Slice(padded, graph.AxisRange(),
				graph.AxisRange(dy, dy+stride*(oh-1)+1).Stride(stride),
				graph.AxisRange(dx, dx+stride*(ow-1)+1).Stride(stride), graph.AxisRange()))
		}
	}
	patches := graph.Reshape(graph.Concatenate(parts, -1), b*oh*ow, kernel*kernel*c)
	y := graph.Dot(patches, graph.Reshape(weights, kernel*kernel*c, filters)).Product()
	y = graph.Add(y, graph.InsertAxes(biases, 0))
	return graph.Reshape(y, b, oh, ow, filters)
}

// padZeros adds before and after zeros on both sides of one axis of x, by
// concatenation (graph.Pad has no gradient).
func padZeros(x *graph.Node, axis, before, after int) *graph.Node {
	parts := []*graph.Node{x}
	zeros := func(n int) *graph.Node {
		dims := x.Shape().Clone().Dimensions
		dims[axis] = n
		return graph.Zeros(x.Graph(), shapes.Make(x.DType(), dims...))
	}
	if before > 0 {
		parts = append([]*graph.Node{zeros(before)}, parts...)
	}
	if after > 0 {
		parts = append(parts, zeros(after))
	}
	if len(parts) == 1 {
		return x
	}
	return graph.Concatenate(parts, axis)
}
