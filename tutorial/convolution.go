package tutorial

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/internal/num"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"gonum.org/v1/plot/palette/moreland"
)

// Chapter 13: convolutions. The exercises (a cross-correlation written
// with graph operations, the shapes and the parameters of the chapter's
// network), the pictures of filters and feature maps, and the comparison
// of two networks over several seeds.

// corr2dCase is an input and a kernel of CheckCorr2D.
type corr2dCase struct{ h, w, kh, kw int }

// corr2dCases are CheckCorr2D's inputs: a square kernel, where a kernel
// transposed still fits, and one that is not square, where a learner's
// rows and columns mixed up show in the output's shape.
var corr2dCases = []corr2dCase{{5, 5, 3, 3}, {6, 7, 2, 3}}

// corr2dRun runs the learner's corr2d and GoMLX's layers.Convolution (no
// padding, stride 1, one channel, no bias) on one random input, with the
// kernel layers.Convolution creates, and returns x, the kernel and both
// outputs.
func corr2dRun(corr2d func(x, k *graph.Node) *graph.Node, c corr2dCase, seed uint64) (x, k [][]float32, mine, stock [][]float32, err error) {
	rng := rand.New(rand.NewPCG(seed, 13))
	flat := make([]float32, c.h*c.w)
	for i := range flat {
		flat[i] = float32(math.Round(10*(2*rng.Float64()-1)) / 10)
	}
	// GoMLX's layer, with the kernel it creates, first; then the learner's
	// graph on the same x and kernel, in a graph of its own.
	store := model.NewStore()
	store.RootScope().SetParam(model.ParamInitialSeed, int64(seed))
	ref, err := model.CallOnceN(backend(), store, func(scope *model.Scope, x *graph.Node) []*graph.Node {
		y := layers.Convolution(scope, graph.Reshape(x, 1, c.h, c.w, 1)).Filters(1).KernelSizePerAxis(c.kh, c.kw).NoPadding().UseBias(false).Done()
		kernel := scope.Store().GetVariable("/conv/weights").NodeValue(x.Graph())
		return []*graph.Node{graph.Reshape(y, y.Shape().Dimensions[1], y.Shape().Dimensions[2]), graph.Reshape(kernel, c.kh, c.kw)}
	}, tensors.FromFlatDataAndDimensions(flat, c.h, c.w))
	if err != nil {
		return nil, nil, nil, nil, err
	}
	var outs []*tensors.Tensor
	err = tryRun(func() error {
		exec, err := graph.NewExec(backend(), func(x, k *graph.Node) []*graph.Node {
			m := corr2d(x, k)
			if m == nil {
				panic("your function returns nil, not a node")
			}
			// x and k are outputs' too: the pure-Go backend fails on a graph
			// that leaves an input unused, as the exercise's template does.
			return []*graph.Node{graph.ConvertDType(m, dtypes.Float32), graph.ReduceAllSum(x), graph.ReduceAllSum(k)}
		})
		if err != nil {
			return err
		}
		outs, err = exec.Call(tensors.FromFlatDataAndDimensions(flat, c.h, c.w), ref[1])
		return err
	})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	outs = []*tensors.Tensor{ref[0], outs[0], ref[1]}
	rows := func(t *tensors.Tensor) [][]float32 {
		dims := t.Shape().Dimensions
		values := tensors.MustCopyFlatData[float32](t)
		if len(dims) != 2 {
			return [][]float32{values}
		}
		var out [][]float32
		for r := range dims[0] {
			out = append(out, values[r*dims[1]:(r+1)*dims[1]])
		}
		return out
	}
	if dims := outs[1].Shape().Dimensions; len(dims) != 2 {
		return nil, nil, nil, nil, fmt.Errorf("for x of shape (%d, %d) your function returns shape %s; want a 2-D output",
			c.h, c.w, outs[1].Shape())
	}
	return rows(tensors.FromFlatDataAndDimensions(flat, c.h, c.w)), rows(outs[2]), rows(outs[1]), rows(outs[0]), nil
}

// corr2dInGo is a 2-D cross-correlation in plain Go, of x with the kernel
// at(a, b) (the kernel, flipped, transposed...), no padding: what
// CheckCorr2D compares a wrong answer with.
func corr2dInGo(x [][]float32, kh, kw int, at func(a, b int) float32) [][]float32 {
	oh, ow := len(x)-kh+1, len(x[0])-kw+1
	out := make([][]float32, oh)
	for i := range out {
		out[i] = make([]float32, ow)
		for j := range out[i] {
			var s float64
			for a := range kh {
				for b := range kw {
					s += float64(x[i+a][j+b]) * float64(at(a, b))
				}
			}
			out[i][j] = float32(s)
		}
	}
	return out
}

// sameGrid reports whether a and b have the same shape and values, to
// float32 rounding.
func sameGrid(a, b [][]float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if math.Abs(float64(a[i][j]-b[i][j])) > 1e-5*math.Max(1, math.Abs(float64(b[i][j]))) {
				return false
			}
		}
	}
	return true
}

// CheckCorr2D checks chapter 13's first exercise: corr2d(x, k) must be the
// 2-D cross-correlation of x [H, W] with the kernel k [kh, kw], without
// padding, stride 1: [H-kh+1, W-kw+1]. It runs the learner's graph and
// GoMLX's layers.Convolution (one channel, one filter, no bias, no
// padding) on random inputs, with the kernel layers.Convolution created,
// and compares them. It recognises the flipped kernel (the convolution of
// mathematics) and the transposed one, computed in Go.
func CheckCorr2D(corr2d func(x, k *graph.Node) *graph.Node) bool {
	const name = "corr2d"
	for i, c := range corr2dCases {
		x, k, mine, stock, err := corr2dRun(corr2d, c, Seed+uint64(i))
		if err != nil {
			return verdict(name, false, "", "Your graph does not run: "+firstLine(err))
		}
		if sameGrid(mine, stock) {
			continue
		}
		oh, ow := c.h-c.kh+1, c.w-c.kw+1
		if len(mine) != oh || len(mine[0]) != ow {
			why := fmt.Sprintf("For x of shape (%d, %d) and a kernel of (%d, %d) your output is (%d, %d); layers.Convolution's is (%d, %d): one value per position where the whole kernel fits inside x.",
				c.h, c.w, c.kh, c.kw, len(mine), len(mine[0]), oh, ow)
			if len(mine) == c.h && len(mine[0]) == c.w {
				why += " Yours keeps x's size, as zero padding would; this exercise has none."
			}
			return verdict(name, false, "", why)
		}
		if sameGrid(mine, corr2dInGo(x, c.kh, c.kw, func(a, b int) float32 { return k[c.kh-1-a][c.kw-1-b] })) {
			return verdict(name, false, "", "Your output is x with the kernel flipped in both directions: the convolution of mathematics. Deep-learning layers, layers.Convolution included, use the kernel as it is: cross-correlation.")
		}
		if c.kh == c.kw && sameGrid(mine, corr2dInGo(x, c.kh, c.kw, func(a, b int) float32 { return k[b][a] })) {
			return verdict(name, false, "", "Your kernel's rows and columns are swapped: k[a, b] multiplies x[i+a, j+b], a along the rows.")
		}
		for i := range mine {
			for j := range mine[i] {
				if math.Abs(float64(mine[i][j]-stock[i][j])) > 1e-5*math.Max(1, math.Abs(float64(stock[i][j]))) {
					return verdict(name, false, "", fmt.Sprintf("For x of shape (%d, %d) and a kernel of (%d, %d), your output at (%d, %d) is %.4f; layers.Convolution's is %.4f, the sum of the kernel's values times the %d × %d pixels of x from (%d, %d) on.",
						c.h, c.w, c.kh, c.kw, i, j, mine[i][j], stock[i][j], c.kh, c.kw, i, j))
				}
			}
		}
	}
	return verdict(name, true, "Your cross-correlation gives layers.Convolution's output (no padding, stride 1) on a 5×5 input with a 3×3 kernel and a 6×7 input with a 2×3 one.", "")
}

// convShapes returns the output shapes (height, width, channels) of the
// chapter's two convolutions, as GoMLX's layers.Convolution computes them
// for a 28×28 image: 3×3 kernels, PadSame, stride 2, 16 then 32 filters.
func convShapes() ([][]int, error) {
	var shapes [][]int
	err := tryRun(func() error {
		_, err := model.CallOnce(backend(), model.NewStore(), func(scope *model.Scope, x *graph.Node) *graph.Node {
			for i, filters := range []int{16, 32} {
				x = layers.Convolution(scope.In("conv%d", i), x).Filters(filters).KernelSize(3).Strides(2).PadSame().Done()
				shapes = append(shapes, x.Shape().Dimensions[1:])
			}
			return x
		}, tensors.FromShape(shapesOf(1, fashionmnist.ImageSize, fashionmnist.ImageSize, 1)))
		return err
	})
	return shapes, err
}

// CheckConvShapes checks chapter 13's second exercise: the shapes (height,
// width, channels) of the outputs of the chapter's two convolution layers
// for one 28×28 image, against GoMLX's layers.Convolution's. A failure
// says what a wrong shape it recognises leaves out: the stride, the
// padding, the filters.
func CheckConvShapes(conv, conv1 []int) bool {
	const name = "conv-shapes"
	want, err := convShapes()
	check(err)
	answers := [][]int{conv, conv1}
	layerNames := []string{"conv", "conv_1"}
	inputs := [][]int{{fashionmnist.ImageSize, fashionmnist.ImageSize, 1}, want[0]}
	var why []string
	for i, got := range answers {
		if slices.Equal(got, want[i]) {
			continue
		}
		in := inputs[i]
		what := fmt.Sprintf("%s: %v is not its shape.", layerNames[i], got)
		switch {
		case len(got) != 3:
			what = fmt.Sprintf("%s: give three numbers, height, width and channels; %v has %d.", layerNames[i], got, len(got))
		case slices.Equal(got, make([]int, 3)):
			what = fmt.Sprintf("%s: replace the zeros.", layerNames[i])
		case got[0] == in[0] && got[1] == in[1]:
			what = fmt.Sprintf("%s: %d × %d is its input's size; the stride of 2 computes every other position.", layerNames[i], got[0], got[1])
		case got[0] == (in[0]-3)/2+1 && got[0] != want[i][0]:
			what = fmt.Sprintf("%s: %d × %d is without padding; PadSame pads the input so that a stride of 1 would keep its size.", layerNames[i], got[0], got[1])
		case got[0] == in[0]-2:
			what = fmt.Sprintf("%s: %d × %d is a 3×3 kernel without padding and stride 1; the layer pads, and its stride is 2.", layerNames[i], got[0], got[1])
		case got[0] == want[i][0] && got[1] == want[i][1] && got[2] == in[2]:
			what = fmt.Sprintf("%s: the height and width are right; the channels are the layer's filters, not its input's channels.", layerNames[i])
		case got[0] == want[i][0] && got[1] == want[i][1]:
			what = fmt.Sprintf("%s: the height and width are right; its channels are the number of its filters.", layerNames[i])
		}
		why = append(why, what)
	}
	if len(why) == 0 {
		return verdict(name, true, fmt.Sprintf("conv gives %v and conv_1 %v: each stride of 2 halves the height and width (rounding up), and each layer makes one channel per filter. GoMLX's layers.Convolution agrees.", want[0], want[1]), "")
	}
	return verdict(name, false, "", strings.Join(why, " "))
}

// CheckConvParams checks chapter 13's third exercise: the parameters of
// the layers conv, conv_1 and dense of model function fn (the chapter's
// cnn), read from its variables once fashion.New has built it. A failure
// says what a wrong count it recognises leaves out: the biases, the input
// channels.
func CheckConvParams(fn fashion.ModelFn, conv, conv1, dense int) bool {
	const name = "conv-params"
	m, err := fashion.New(backend(), fn, Seed)
	check(err)
	byName := map[string]fashion.Layer{}
	for _, l := range m.Layers() {
		byName[l.Name] = l
	}
	answers := map[string]int{"conv": conv, "conv_1": conv1, "dense": dense}
	var why []string
	for _, layer := range []string{"conv", "conv_1", "dense"} {
		l, ok := byName[layer]
		if !ok {
			check(fmt.Errorf("the model has no layer %q: the exercise is about the chapter's cnn", layer))
		}
		got, want := answers[layer], l.Params
		if got == want {
			continue
		}
		shape := m.Store().GetVariable("/" + layer + "/weights").Shape().Dimensions
		weights := 1
		for _, d := range shape {
			weights *= d
		}
		units := shape[len(shape)-1]
		what := fmt.Sprintf("%s: %s is not its count.", layer, num.Thousands(got))
		switch {
		case got == 0:
			what = fmt.Sprintf("%s: replace the 0.", layer)
		case got == weights:
			what = fmt.Sprintf("%s: %s counts the weights only; each of its %d filters or units has a bias too.", layer, num.Thousands(got), units)
		case len(shape) == 4 && (got == shape[0]*shape[1]*shape[3]+units || got == shape[0]*shape[1]*shape[3]):
			what = fmt.Sprintf("%s: %s leaves out the input channels: each filter has a %d×%d kernel for each of the %d channels it reads.", layer, num.Thousands(got), shape[0], shape[1], shape[2])
		case len(shape) == 4 && got == shape[0]*shape[1]*shape[2]+units:
			what = fmt.Sprintf("%s: %s counts one kernel per input channel; each of the %d filters has its own.", layer, num.Thousands(got), units)
		case len(shape) == 2 && got%units == 0 && got != weights:
			what = fmt.Sprintf("%s: %s does not match the %s values conv_1 gives it, flattened: height × width × channels.", layer, num.Thousands(got), num.Thousands(shape[0]))
		}
		why = append(why, what)
	}
	if len(why) == 0 {
		return verdict(name, true, fmt.Sprintf("conv %s, conv_1 %s, dense %s: read from the model's variables, as m.Layers() counts them.",
			num.Thousands(conv), num.Thousands(conv1), num.Thousands(dense)), "")
	}
	return verdict(name, false, "", strings.Join(why, " "))
}

// ShowFilters draws the filters of a convolution's kernel [kh, kw, 1, F]
// (its weights for grey images), each on a blue (negative) to red
// (positive) scale centred on 0, the same scale for all.
func ShowFilters(title string, kernel *tensors.Tensor) {
	dims := kernel.Shape().Dimensions
	if len(dims) != 4 || dims[2] != 1 {
		check(fmt.Errorf("ShowFilters draws a kernel [height, width, 1, filters] (a first layer's, on grey images), got %s", kernel.Shape()))
	}
	values := Must(tensors.CopyFlatData[float32](kernel))
	kh, kw, filters := dims[0], dims[1], dims[3]
	largest := 0.0
	for _, v := range values {
		largest = math.Max(largest, math.Abs(float64(v)))
	}
	var images []*image.Gray
	var captions []string
	for f := range filters {
		img := image.NewGray(image.Rect(0, 0, kw, kh))
		for a := range kh {
			for b := range kw {
				v := float64(values[(a*kw+b)*filters+f])
				img.Pix[a*kw+b] = uint8(math.Round(127.5 + 127.5*v/math.Max(largest, 1e-12)))
			}
		}
		images, captions = append(images, img), append(captions, fmt.Sprintf("filter %d", f))
	}
	Show(viz.ImageGrid{Title: title, Images: images, Captions: captions, Cols: 8, Scale: 24,
		Palette: moreland.SmoothBlueRed().Palette(256)}.Figure())
}

// ShowFeatureMaps draws feature maps: one row per tensor of maps (each
// [1, H, W, C], as a convolution layer with ReLU gives them for one
// image), named by rows, showing its first channels channels; when img is
// not nil, it starts each row. With one channel, the maps go side by side
// in one row, each named by its row's name. Each channel has one grey
// scale across the rows: black 0, white its largest value in all of them,
// so that the rows compare.
func ShowFeatureMaps(title string, img *image.Gray, rows []string, maps []*tensors.Tensor, channels int) {
	if len(rows) != len(maps) || len(maps) == 0 {
		check(fmt.Errorf("ShowFeatureMaps: %d row names for %d tensors", len(rows), len(maps)))
	}
	type grid struct {
		h, w, c int
		values  []float32
	}
	grids := make([]grid, len(maps))
	largest := make([]float64, channels)
	for i, t := range maps {
		dims := t.Shape().Dimensions
		if len(dims) != 4 || dims[0] != 1 || dims[3] < channels {
			check(fmt.Errorf("ShowFeatureMaps draws tensors [1, height, width, channels] of at least %d channels, got %s", channels, t.Shape()))
		}
		if t.DType() != dtypes.Float32 {
			check(fmt.Errorf("ShowFeatureMaps draws float32 tensors, got %s", t.DType()))
		}
		grids[i] = grid{dims[1], dims[2], dims[3], Must(tensors.CopyFlatData[float32](t))}
		for p, v := range grids[i].values {
			if c := p % dims[3]; c < channels {
				largest[c] = math.Max(largest[c], float64(v))
			}
		}
	}
	var images []*image.Gray
	var captions []string
	for i, g := range grids {
		if img != nil {
			images, captions = append(images, img), append(captions, rows[i])
		}
		for c := range channels {
			m := image.NewGray(image.Rect(0, 0, g.w, g.h))
			for y := range g.h {
				for x := range g.w {
					v := math.Max(0, float64(g.values[(y*g.w+x)*g.c+c]))
					m.Pix[y*g.w+x] = uint8(math.Round(255 * v / math.Max(largest[c], 1e-12)))
				}
			}
			caption := fmt.Sprintf("filter %d", c)
			switch {
			case channels == 1 && img == nil:
				caption = rows[i]
			case img == nil && c == 0:
				caption = rows[i] + "\n" + caption
			}
			images, captions = append(images, m), append(captions, caption)
		}
	}
	cols := channels
	if img != nil {
		cols++
	}
	if channels == 1 && img == nil {
		cols = len(maps)
	}
	Show(viz.ImageGrid{Title: title, Images: images, Captions: captions, Cols: cols, Scale: 4}.Figure())
}

// shapesOf returns a float32 shape.
func shapesOf(dims ...int) shapes.Shape { return shapes.Make(dtypes.Float32, dims...) }

// SeedRun is one training run of chapter 13's comparison: which network,
// from which seed, and what it scored on the test set.
type SeedRun struct {
	Network  string
	Seed     uint64
	Accuracy float64
	Loss     float64
	Seconds  float64
}

// ComparisonRecipe returns the recipe of chapter 13's comparison: the
// article's, for a fixed number of epochs (epochs) and no early stopping,
// so that every network and seed gets the same training; with
// FASHION_QUICK=1, 1 epoch on 2,000 images.
func ComparisonRecipe(epochs int) fashion.Recipe {
	r := fashion.ArticleRecipe()
	r.Epochs, r.Patience = epochs, -1
	if Quick() {
		r.Epochs, r.Limit = 1, 2000
		fmt.Fprintf(stdout, "%s=1: each run trains %d epoch on %d images only\n", QuickEnv, r.Epochs, r.Limit)
	}
	return r
}

// ShowSeedComparison prints the test accuracy of each run, then, for each
// network, the mean, the lowest and the highest over its seeds, and what
// the numbers say: whether the ranges of the two networks overlap.
func ShowSeedComparison(runs []SeedRun) {
	var networks []string
	for _, r := range runs {
		if !slices.Contains(networks, r.Network) {
			networks = append(networks, r.Network)
		}
	}
	rows := [][]string{{"network", "seed", "test accuracy", "test loss", "time"}}
	for _, r := range runs {
		rows = append(rows, []string{r.Network, fmt.Sprint(r.Seed), fmt.Sprintf("%.4f", r.Accuracy), fmt.Sprintf("%.4f", r.Loss), fmt.Sprintf("%.0f s", r.Seconds)})
	}
	note("%s", table(rows))
	type stats struct{ mean, lo, hi, seconds float64 }
	summary := map[string]stats{}
	var b strings.Builder
	for _, n := range networks {
		s := stats{lo: math.Inf(1), hi: math.Inf(-1)}
		count := 0
		for _, r := range runs {
			if r.Network == n {
				s.mean += r.Accuracy
				s.seconds += r.Seconds
				s.lo, s.hi = math.Min(s.lo, r.Accuracy), math.Max(s.hi, r.Accuracy)
				count++
			}
		}
		s.mean /= float64(count)
		summary[n] = s
		fmt.Fprintf(&b, "%s: mean test accuracy %.4f over %d seeds, from %.4f to %.4f (spread %.4f); %.0f s in all\n",
			n, s.mean, count, s.lo, s.hi, s.hi-s.lo, s.seconds)
	}
	if len(networks) == 2 {
		a, c := summary[networks[0]], summary[networks[1]]
		better, worse := networks[1], networks[0]
		if a.mean > c.mean {
			better, worse = networks[0], networks[1]
		}
		sb, sw := summary[better], summary[worse]
		if sb.lo > sw.hi {
			fmt.Fprintf(&b, "verdict: the %s's worst seed (%.4f) beats the %s's best (%.4f): with these seeds, the difference is larger than the spread.\n",
				better, sb.lo, worse, sw.hi)
		} else {
			fmt.Fprintf(&b, "verdict: the ranges overlap (the %s from %.4f to %.4f, the %s from %.4f to %.4f): these runs cannot tell the two apart.\n",
				better, sb.lo, sb.hi, worse, sw.lo, sw.hi)
		}
	}
	fmt.Fprint(stdout, b.String())
}
