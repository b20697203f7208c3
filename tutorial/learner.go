package tutorial

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// Chapter 8's exercises, where the learner writes the trainer: the loss,
// the optimizer's update rule, the training step and the batch loop. Each
// check runs the learner's code and compares it with a computation made
// another way: GoMLX's loss, fashion.SGD, GoMLX's train.Trainer, m.Fit.
// The optimizer that makes a GoMLX optimizer of the learner's rule is in
// optimizer.go, the trainer that puts the pieces together in trainer.go.

// BatchLossFn is the shape of chapter 8's first exercise: the mean loss of
// a batch, a scalar, from its logits float32 [B, 10] and labels int32
// [B, 1].
type BatchLossFn func(logits, labels *graph.Node) *graph.Node

// tryRun calls f and turns a panic (how GoMLX reports a graph that does
// not build) into an error, for the checks that run a learner's code.
func tryRun(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return f()
}

// callGraph builds fn's graph on store and runs it with args, as
// model.CallOnceN does, for the checks that run a learner's code: a panic
// while fn builds its graph comes back as an error, where
// model.CallOnceN's deferred Finalize waits forever after one (GoMLX
// v0.28.2).
func callGraph[F model.ExecGraphFn](store *model.Store, fn F, args ...any) (outs []*tensors.Tensor, err error) {
	exec, err := model.NewExec(backend(), store, fn)
	if err != nil {
		return nil, err
	}
	if err := tryRun(func() error { var err error; outs, err = exec.Call(args...); return err }); err != nil {
		return nil, err
	}
	exec.Finalize()
	return outs, nil
}

// firstLine returns the first line of an error message, for a hint.
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// crossEntropyCase is a batch of logits and labels for CheckCrossEntropy.
type crossEntropyCase struct {
	logits, labels *tensors.Tensor
	batch          int
}

// crossEntropyCases returns batches of random logits in [-6, 6) and labels
// in 0..9, of two sizes, so that a hard-coded batch size shows.
func crossEntropyCases() []crossEntropyCase {
	rng := rand.New(rand.NewPCG(23, 1))
	var cases []crossEntropyCase
	for _, b := range []int{32, 5} {
		logits := make([]float32, b*fashionmnist.NumClasses)
		for i := range logits {
			logits[i] = float32(12*rng.Float64() - 6)
		}
		labels := make([]int32, b)
		for i := range labels {
			labels[i] = int32(rng.IntN(fashionmnist.NumClasses))
		}
		cases = append(cases, crossEntropyCase{
			logits: tensors.FromFlatDataAndDimensions(logits, b, fashionmnist.NumClasses),
			labels: tensors.FromFlatDataAndDimensions(labels, b, 1),
			batch:  b,
		})
	}
	return cases
}

// stockLoss is GoMLX's sparse categorical cross-entropy as a BatchLossFn:
// the oracle of CheckCrossEntropy, and the loss the other checks give the
// learner's step and loop, so that each piece is judged on its own.
func stockLoss(logits, labels *graph.Node) *graph.Node {
	return loss.SparseCategoricalCrossEntropyLogits([]*graph.Node{labels}, []*graph.Node{logits})
}

// crossEntropyMisses are the usual wrong losses, computed from the logits
// and labels, with what to say of each. The first is GoMLX's loss itself.
var crossEntropyMisses = []struct {
	why string
	fn  func(logits, labels *graph.Node) *graph.Node
}{
	{"", stockLoss},
	{"the sum over the images; the loss of a batch is their mean.", func(logits, labels *graph.Node) *graph.Node {
		return graph.MulScalar(stockLoss(logits, labels), float64(logits.Shape().Dimensions[0]))
	}},
	{"the loss with its sign lost: log p is negative, the loss -log p positive.", func(logits, labels *graph.Node) *graph.Node {
		return graph.Neg(stockLoss(logits, labels))
	}},
	{"built from the label's logit itself, not from its log-probability: the softmax (its normaliser) is missing.", func(logits, labels *graph.Node) *graph.Node {
		return graph.Neg(graph.ReduceAllMean(pickLabel(logits, labels)))
	}},
	{"built from the label's probability p, without the log: the loss is -log p.", func(logits, labels *graph.Node) *graph.Node {
		return graph.Neg(graph.ReduceAllMean(pickLabel(graph.Softmax(logits), labels)))
	}},
	{"the mean of -log p over all ten classes; only the label's class counts.", func(logits, labels *graph.Node) *graph.Node {
		return graph.Neg(graph.ReduceAllMean(graph.LogSoftmax(logits)))
	}},
	{"a softmax over the images of the batch (axis 0); the probabilities of one image are along axis 1, its ten classes.", func(logits, labels *graph.Node) *graph.Node {
		return graph.Neg(graph.ReduceAllMean(pickLabel(graph.LogSoftmax(logits, 0), labels)))
	}},
}

// pickLabel returns x[i, label_i] for each row i of x [B, 10]: [B].
func pickLabel(x, labels *graph.Node) *graph.Node {
	oneHot := graph.OneHot(graph.Reshape(labels, -1), fashionmnist.NumClasses, x.DType())
	return graph.ReduceSum(graph.Mul(x, oneHot), 1)
}

// CheckCrossEntropy checks chapter 8's first exercise: crossEntropy must
// return the mean sparse categorical cross-entropy of a batch, a scalar,
// from logits float32 [B, 10] and labels int32 [B, 1]. It runs the
// learner's graph and GoMLX's stock loss
// (loss.SparseCategoricalCrossEntropyLogits) on random batches of 32 and
// of 5 and compares them, and names the usual slips (crossEntropyMisses,
// a loss per image, a batch size written in).
func CheckCrossEntropy(crossEntropy func(logits, labels *graph.Node) *graph.Node) bool {
	const name = "crossEntropy"
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-4*math.Max(1, math.Abs(b)) }
	for _, c := range crossEntropyCases() {
		var got float64
		var refs []float64
		err := tryRun(func() error {
			exec, err := graph.NewExec(backend(), func(logits, labels *graph.Node) []*graph.Node {
				mine := crossEntropy(logits, labels)
				if mine == nil {
					panic("your function returns nil, not a node")
				}
				if !mine.Shape().IsScalar() {
					panic(fmt.Sprintf("for a batch of %d images your function returns shape %s: the loss of a batch is one number, the mean over its images",
						c.batch, mine.Shape()))
				}
				outs := []*graph.Node{graph.ConvertDType(mine, dtypes.Float64)}
				for _, m := range crossEntropyMisses {
					outs = append(outs, graph.ConvertDType(m.fn(logits, labels), dtypes.Float64))
				}
				return outs
			})
			if err != nil {
				return err
			}
			outs, err := exec.Call(c.logits, c.labels)
			if err != nil {
				return err
			}
			got = tensors.ToScalar[float64](outs[0])
			for _, o := range outs[1:] {
				refs = append(refs, tensors.ToScalar[float64](o))
			}
			return nil
		})
		if err != nil {
			return verdict(name, false, "", "Your graph does not run: "+firstLine(err))
		}
		want := refs[0]
		if near(got, want) {
			continue
		}
		why := fmt.Sprintf("For a batch of %d random logits you return %.4f; GoMLX's loss gives %.4f.", c.batch, got, want)
		for i, m := range crossEntropyMisses[1:] {
			if near(got, refs[i+1]) {
				why = fmt.Sprintf("For a batch of %d you return %.4f, %s", c.batch, got, m.why)
				break
			}
		}
		if c.batch != 32 && near(got, want*float64(c.batch)/32) {
			why = fmt.Sprintf("Right for a batch of 32, but for a batch of %d you return %.4f: the batch's size is written in; take it from the logits' shape, or let a mean count the images.", c.batch, got)
		}
		if got == 0 {
			why = "You return 0 for every batch: the loss is not computed yet."
		}
		return verdict(name, false, "", why)
	}
	return verdict(name, true, "Your graph gives GoMLX's loss.SparseCategoricalCrossEntropyLogits on batches of 32 and of 5 (to 1e-4).", "")
}

// UpdateRule is the shape of chapter 8's second exercise: one update of a
// variable w with velocity v, given its gradient g, the learning rate and
// the momentum; it returns the new w and the new v. RuleOptimizer makes a
// GoMLX optimizer of one.
type UpdateRule func(w, v, g *graph.Node, learningRate, momentum float64) (newW, newV *graph.Node)

// nesterovCheckSteps is how many updates CheckNesterovUpdate compares: the
// velocity matters from the second on.
const nesterovCheckSteps = 4

// nesterovCheck are the small tensor the check updates, w0, and the
// constant c of its loss, sum(c·w) + sum(w²)/2, whose gradient c + w
// changes with w, so that an update must use the gradient at the current
// weights; and the settings of the check's optimizer.
var nesterovCheck = struct {
	w0, c                []float32
	learningRate, moment float64
}{
	w0: []float32{0.5, -1, 2, 0.25, -0.75, 1.5},
	c:  []float32{1, 0.5, -2, 3, -1, 0.25},

	learningRate: 0.1, moment: 0.9,
}

// nesterovTestLoss is the loss CheckNesterovUpdate minimises.
func nesterovTestLoss(w, c *graph.Node) *graph.Node {
	return graph.Add(graph.ReduceAllSum(graph.Mul(c, w)), graph.MulScalar(graph.ReduceAllSum(graph.Square(w)), 0.5))
}

// sgdTrajectory returns w after each of nesterovCheckSteps updates by
// fashion.SGD, Keras' rule, with no decay: the oracle.
func sgdTrajectory() ([][]float32, error) {
	o := fashion.SGD{LearningRate: nesterovCheck.learningRate, Momentum: nesterovCheck.moment, Nesterov: true}
	store := model.NewStore()
	n := len(nesterovCheck.w0)
	w := store.RootScope().VariableWithValue("w", tensors.FromFlatDataAndDimensions(nesterovCheck.w0, n))
	exec, err := model.NewExec(backend(), store, func(scope *model.Scope, c *graph.Node) *graph.Node {
		l := nesterovTestLoss(w.NodeValue(c.Graph()), c)
		o.UpdateGraph(scope, c.Graph(), l)
		return w.NodeValue(c.Graph())
	})
	if err != nil {
		return nil, err
	}
	var out [][]float32
	for range nesterovCheckSteps {
		next, err := exec.Call1(tensors.FromFlatDataAndDimensions(nesterovCheck.c, n))
		if err != nil {
			return nil, err
		}
		out = append(out, tensors.MustCopyFlatData[float32](next))
	}
	return out, nil
}

// updateTrajectory returns w after each of nesterovCheckSteps updates by
// the learner's rule, from the same start, with the gradient of the same
// loss.
func updateTrajectory(update UpdateRule) ([][]float32, error) {
	exec, err := graph.NewExec(backend(), func(w, v, c *graph.Node) []*graph.Node {
		l := nesterovTestLoss(w, c)
		g := graph.Gradient(l, w)[0]
		newW, newV := update(w, v, g, nesterovCheck.learningRate, nesterovCheck.moment)
		if newW == nil || newV == nil {
			panic("your function returns nil, not a node")
		}
		if !newW.Shape().Equal(w.Shape()) || !newV.Shape().Equal(v.Shape()) {
			panic(fmt.Sprintf("your function returns shapes %s and %s for w and v of shape %s", newW.Shape(), newV.Shape(), w.Shape()))
		}
		// The loss is an output too: without it, an update that ignores g
		// (returning w and v as they are) fails on the pure-Go backend
		// ("index out of range" while executing).
		return []*graph.Node{graph.ConvertDType(newW, dtypes.Float32), graph.ConvertDType(newV, dtypes.Float32), l}
	})
	if err != nil {
		return nil, err
	}
	n := len(nesterovCheck.w0)
	w := tensors.FromFlatDataAndDimensions(nesterovCheck.w0, n)
	v := tensors.FromFlatDataAndDimensions(make([]float32, n), n)
	c := tensors.FromFlatDataAndDimensions(nesterovCheck.c, n)
	var out [][]float32
	for range nesterovCheckSteps {
		outs, err := exec.Call(w, v, c)
		if err != nil {
			return nil, err
		}
		w, v = outs[0], outs[1]
		out = append(out, tensors.MustCopyFlatData[float32](w))
	}
	return out, nil
}

// ruleInGo is an update rule in plain Go, on one weight: the wrong rules
// CheckNesterovUpdate recognises.
type ruleInGo func(w, v, g, lr, mu float64) (newW, newV float64)

// nesterovMisses are the usual wrong update rules, with what to say of
// each.
var nesterovMisses = []struct {
	why  string
	rule ruleInGo
}{
	{"That is classic momentum, w ← w + v: Nesterov's rule looks ahead, it moves w by μ·v − η·g with the new v.",
		func(w, v, g, lr, mu float64) (float64, float64) { v = mu*v - lr*g; return w + v, v }},
	{"That is plain gradient descent: the velocity plays no part in it.",
		func(w, v, g, lr, mu float64) (float64, float64) { return w - lr*g, v }},
	{"The first update is right, the later ones are not: the velocity you return is not the new one, so every update starts again from the old.",
		func(w, v, g, lr, mu float64) (float64, float64) { nv := mu*v - lr*g; return w + mu*nv - lr*g, v }},
	{"The velocity goes up the slope: the gradient is added to it instead of subtracted.",
		func(w, v, g, lr, mu float64) (float64, float64) { v = mu*v + lr*g; return w + mu*v - lr*g, v }},
	{"The weights move up the slope: their gradient term is added instead of subtracted.",
		func(w, v, g, lr, mu float64) (float64, float64) { v = mu*v - lr*g; return w + mu*v + lr*g, v }},
	{"The learning rate and the momentum are swapped: η multiplies the gradient, μ the velocity.",
		func(w, v, g, lr, mu float64) (float64, float64) { v = lr*v - mu*g; return w + lr*v - mu*g, v }},
	{"The learning rate is missing from the velocity's line: it scales the gradient there too.",
		func(w, v, g, lr, mu float64) (float64, float64) { v = mu*v - g; return w + mu*v - lr*g, v }},
	{"The new w and the new v come back in the wrong order: the function returns w first.",
		func(w, v, g, lr, mu float64) (float64, float64) { nv := mu*v - lr*g; return nv, w + mu*nv - lr*g }},
}

// goTrajectory returns w after each of nesterovCheckSteps updates by a
// rule in Go, on nesterovCheck's loss.
func goTrajectory(rule ruleInGo) [][]float32 {
	n := len(nesterovCheck.w0)
	w, v := make([]float64, n), make([]float64, n)
	for i := range w {
		w[i] = float64(nesterovCheck.w0[i])
	}
	var out [][]float32
	for range nesterovCheckSteps {
		row := make([]float32, n)
		for i := range w {
			g := float64(nesterovCheck.c[i]) + w[i]
			w[i], v[i] = rule(w[i], v[i], g, nesterovCheck.learningRate, nesterovCheck.moment)
			row[i] = float32(w[i])
		}
		out = append(out, row)
	}
	return out
}

// sameValues reports whether a and b agree to float32 rounding.
func sameValues(a, b [][]float32) bool {
	for i := range a {
		for j := range a[i] {
			if math.Abs(float64(a[i][j]-b[i][j])) > 1e-5*math.Max(1, math.Abs(float64(b[i][j]))) {
				return false
			}
		}
	}
	return true
}

// CheckNesterovUpdate checks chapter 8's second exercise: update must be
// Keras' SGD update with Nesterov momentum of one variable. It runs
// nesterovCheckSteps updates of a small tensor with the learner's rule and
// with fashion.SGD (learning rate 0.1, momentum 0.9, no decay), each
// taking the gradient of the same loss at its current weights, and
// compares the weights after every update. It recognises the usual wrong
// rules (nesterovMisses), computed in Go.
func CheckNesterovUpdate(update UpdateRule) bool {
	const name = "nesterov"
	want, err := sgdTrajectory()
	check(err)
	var got [][]float32
	err = tryRun(func() error { var err error; got, err = updateTrajectory(update); return err })
	if err != nil {
		return verdict(name, false, "", "Your update does not run: "+firstLine(err))
	}
	if sameValues(got, want) {
		return verdict(name, true, fmt.Sprintf("After each of %d updates of a 6-value tensor your w equals fashion.SGD's (Nesterov, η = %g, μ = %g) to float32 rounding.",
			nesterovCheckSteps, nesterovCheck.learningRate, nesterovCheck.moment), "")
	}
	if sameValues(got[:1], [][]float32{nesterovCheck.w0}) {
		return verdict(name, false, "", fmt.Sprintf("After the first update w is still %s: your rule does not move w.", formatFloats(got[0][:3])))
	}
	for _, m := range nesterovMisses {
		if sameValues(got, goTrajectory(m.rule)) {
			return verdict(name, false, "", m.why)
		}
	}
	k := 0
	for k < len(got)-1 && sameValues(got[k:k+1], want[k:k+1]) {
		k++
	}
	return verdict(name, false, "", fmt.Sprintf("After update %d, w starts %s; fashion.SGD's starts %s.",
		k+1, formatFloats(got[k][:3]), formatFloats(want[k][:3])))
}

// TrainStep is a training step of a model function, as model.NewExec
// compiles it: it takes a batch's images and labels, updates the model's
// variables, and returns the loss. (An alias, so that model.NewExec takes
// one.)
type TrainStep = func(scope *model.Scope, images, labels *graph.Node) *graph.Node
