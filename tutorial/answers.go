package tutorial

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// The answers to the exercises where the learner writes Go, as a learner
// would write them in the exercise's cell: Solution prints them (renamed to
// the learner's function and with this package's names qualified,
// tutorial.Must), the tests check that each passes its check, and chapter
// 8's trainer uses one in place of a learner's piece that does not pass its
// check yet (YourPieces), saying so.

//go:embed answers.go
var answersFile string

// answerMLP is chapter 7's exercise: the article's network.
func answerMLP(scope *model.Scope, images *graph.Node) *graph.Node {
	x := graph.Reshape(images, -1, 784)                             // Flatten: [B, 784]
	x = activation.Relu(fashion.Dense(scope.In("dense"), x, 500))   // Dense(500, activation="relu")
	x = activation.Relu(fashion.Dense(scope.In("dense_1"), x, 250)) // Dense(250, activation="relu")
	x = activation.Relu(fashion.Dense(scope.In("dense_2"), x, 100)) // Dense(100, activation="relu")
	return fashion.Dense(scope.In("dense_3"), x, 10)                // Dense(10): the logits (softmax is in the loss)
}

// answerScale is chapter 6's exercise: each byte divided by 255.
func answerScale(pixels []uint8) []float32 {
	out := make([]float32, len(pixels))
	for i, p := range pixels {
		out[i] = float32(p) / 255 // float32 first: in integers, 51 / 255 is 0
	}
	return out
}

// answerCrossEntropy is chapter 8's first exercise: the mean over the batch
// of -log softmax(logits)[label].
func answerCrossEntropy(logits, labels *graph.Node) *graph.Node {
	logProbs := graph.LogSoftmax(logits)                                  // log p_k of each image and class: [B, 10]
	oneHot := graph.OneHot(graph.Reshape(labels, -1), 10, logits.DType()) // 1 at each image's label: [B, 10]
	logPy := graph.ReduceSum(graph.Mul(logProbs, oneHot), 1)              // log p_y of each image: [B]
	return graph.Neg(graph.ReduceAllMean(logPy))                          // the mean of -log p_y: a scalar
}

// answerNesterov is chapter 8's second exercise: Keras' update with
// Nesterov momentum of a variable w, with velocity v and gradient g.
func answerNesterov(w, v, g *graph.Node, learningRate, momentum float64) (newW, newV *graph.Node) {
	step := graph.MulScalar(g, learningRate)                              // η·g
	newV = graph.Sub(graph.MulScalar(v, momentum), step)                  // v ← μ·v − η·g
	newW = graph.Sub(graph.Add(w, graph.MulScalar(newV, momentum)), step) // w ← w + μ·v − η·g, with the new v
	return newW, newV
}

// answerNewTrainStep is chapter 8's third exercise: a training step built
// as GoMLX's train.Trainer builds one.
func answerNewTrainStep(fn fashion.ModelFn, lossFn BatchLossFn, opt optimizer.Interface) TrainStep {
	return func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
		g := images.Graph()
		scope.Store().SetTraining(g, true) // dropout and the like behave as in training
		logits := fn(scope, images)
		train.AddMainLoss(lossFn(logits, labels)) // the loss of the batch
		total := train.TotalLoss(g)               // plus what the model added with train.AddRegularizationLoss
		opt.UpdateGraph(scope, g, total)          // the gradients, and the update of every trainable variable
		return total
	}
}

// answerTrainEpoch is chapter 8's fourth exercise: one epoch, one call of
// the compiled step per batch, and the mean loss over the epoch's images.
func answerTrainEpoch(exec *model.Exec, batches *fashion.Batches) float64 {
	var sum float64 // the losses of the images so far, added up
	var seen int    // how many images so far
	for batch, err := range batches.Iter() {
		NoError(err)
		images, labels := batch.Inputs[0], batch.Labels[0]
		l := Must(exec.Call1(images, labels)) // one step: the batch's loss before the update
		size := labels.Shape().Dimensions[0]  // 32, or fewer in the last batch
		sum += float64(tensors.ToScalar[float32](l)) * float64(size)
		seen += size
	}
	return sum / float64(seen)
}

// answerAccuracy is chapter 9's exercise: the share of right predictions.
func answerAccuracy(predicted, labels []int) float64 {
	right := 0
	for i := range predicted {
		if predicted[i] == labels[i] {
			right++
		}
	}
	return float64(right) / float64(len(labels)) // float64 first: in integers, 3 / 4 is 0
}

// answerPredictClasses is chapter 10's exercise: the index of the largest
// value of each row.
func answerPredictClasses(probs [][]float32) []int {
	classes := make([]int, len(probs))
	for i, row := range probs {
		for k := range row {
			if row[k] > row[classes[i]] {
				classes[i] = k
			}
		}
	}
	return classes
}

// answerCorr2d is chapter 13's first exercise: the 2-D cross-correlation
// of x [H, W] with the kernel k [kh, kw], without padding, stride 1.
func answerCorr2d(x, k *graph.Node) *graph.Node {
	h, w := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
	kh, kw := k.Shape().Dimensions[0], k.Shape().Dimensions[1]
	oh, ow := h-kh+1, w-kw+1 // the positions where the kernel fits inside x
	var y *graph.Node
	for a := range kh {
		for b := range kw {
			// x[i+a, j+b] for every output (i, j), times the kernel's k[a, b].
			shifted := graph.Slice(x, graph.AxisRange(a, a+oh), graph.AxisRange(b, b+ow))
			weight := graph.Reshape(graph.Slice(k, graph.AxisElem(a), graph.AxisElem(b))) // a scalar
			term := graph.Mul(shifted, weight)
			if y == nil {
				y = term
			} else {
				y = graph.Add(y, term)
			}
		}
	}
	return y
}

// qualified are this package's names that an answer uses, which a
// notebook writes with the package's name.
var qualified = regexp.MustCompile(`(^|[^.\w])(Must|NoError|BatchLossFn|TrainStep)\b`)

// answerSource returns the source of the answer function fn of answers.go,
// as a learner writes it in the exercise's cell: named name, its doc
// comment dropped, this package's names qualified (tutorial.Must).
func answerSource(fn, name string) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "answers.go", answersFile, parser.ParseComments)
	if err != nil {
		return "", err
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != fn {
			continue
		}
		src := answersFile[fset.Position(fd.Pos()).Offset:fset.Position(fd.End()).Offset]
		src = strings.Replace(src, "func "+fn+"(", "func "+name+"(", 1)
		return qualified.ReplaceAllString(src, "${1}tutorial.$2"), nil
	}
	return "", fmt.Errorf("no answer %s in answers.go", fn)
}
