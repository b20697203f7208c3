package tutorial

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// TestSameAccuracyEveryCount checks CheckAccuracy's comparison on every
// count of right answers from 8,500 to 9,000 of 10,000: the share computed
// either way passes, one image more or less does not. The == it replaces
// refused 1 - wrong/n for 46 of these counts.
func TestSameAccuracyEveryCount(t *testing.T) {
	const n = 10000
	unequal := 0
	for right := 8500; right <= 9000; right++ {
		byRight := float64(right) / n
		byWrong := 1 - float64(n-right)/n
		if byWrong != byRight {
			unequal++
		}
		for name, got := range map[string]float64{"right/n": byRight, "1 - wrong/n": byWrong} {
			if !sameAccuracy(got, right, n) {
				t.Errorf("%d of %d right: %s = %v refused", right, n, name, got)
			}
		}
		for _, off := range []int{-1, 1} {
			if sameAccuracy(float64(right+off)/n, right, n) {
				t.Errorf("%d of %d right: the accuracy of %d accepted", right, n, right+off)
			}
		}
	}
	if unequal != 46 {
		t.Errorf("1 - wrong/n differs from right/n in the last bit for %d counts, the doc comment says 46", unequal)
	}
}

// mlpWith returns the article's network with the given activation after
// each hidden layer and out applied to the logits: the wrong answers of
// chapter 7's exercise.
func mlpWith(hidden [3]func(*graph.Node) *graph.Node, out func(*graph.Node) *graph.Node) fashion.ModelFn {
	return func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		for i, units := range []int{500, 250, 100} {
			x = hidden[i](fashion.Dense(scope.In("%s", denseName(i)), x, units))
		}
		return out(fashion.Dense(scope.In("dense_3"), x, fashionmnist.NumClasses))
	}
}

// denseName is the name of dense layer i, as Keras names them.
func denseName(i int) string {
	if i == 0 {
		return "dense"
	}
	return fmt.Sprintf("dense_%d", i)
}

func TestCheckArticleModel(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	relu, id := activation.Relu, func(x *graph.Node) *graph.Node { return x }
	softmax := func(x *graph.Node) *graph.Node { return graph.Softmax(x) }
	stock := func(scope *model.Scope, images *graph.Node) *graph.Node { // GoMLX's dense layer, one scope deeper
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		for i, units := range []int{500, 250, 100} {
			x = activation.Relu(layers.DenseWithBias(scope.In("%s", denseName(i)), x, units))
		}
		return layers.DenseWithBias(scope.In("dense_3"), x, fashionmnist.NumClasses)
	}
	reluFirst := func(scope *model.Scope, images *graph.Node) *graph.Node { // ReLU before each layer: the same on images >= 0
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		for i, units := range []int{500, 250, 100, 10} {
			x = fashion.Dense(scope.In("%s", denseName(i)), activation.Relu(x), units)
		}
		return x
	}
	renamed := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		for i, units := range []int{500, 250, 100} {
			x = activation.Relu(fashion.Dense(scope.In("hidden%d", i+1), x, units))
		}
		return fashion.Dense(scope.In("logits"), x, fashionmnist.NumClasses)
	}
	for name, c := range map[string]struct {
		fn   fashion.ModelFn
		want string
	}{
		"answer":        {answerMLP, "543,860 parameters: for 4 random images your logits"},
		"DenseWithBias": {stock, "one scope deeper, as layers.DenseWithBias does"},
		"ReLU before":   {reluFirst, "543,860 parameters"},
		"ArticleMLP":    {fashion.ArticleMLP, "543,860 parameters"},
	} {
		expectCheck(t, text, name, true, c.want, func() bool { return CheckArticleModel(c.fn) })
	}
	template := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, 784) // Flatten: [B, 784]
		// ← your layers
		return x
	}
	firstOnly := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, 784)
		return activation.Relu(fashion.Dense(scope.In("dense"), x, 500))
	}
	notFlat := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := activation.Relu(fashion.Dense(scope.In("dense"), images, 500))
		x = activation.Relu(fashion.Dense(scope.In("dense_1"), x, 250))
		x = activation.Relu(fashion.Dense(scope.In("dense_2"), x, 100))
		return fashion.Dense(scope.In("dense_3"), x, 10)
	}
	skipped := func(scope *model.Scope, images *graph.Node) *graph.Node { // the output layer reads the first layer's x
		x := graph.Reshape(images, -1, 784)
		x = activation.Relu(fashion.Dense(scope.In("dense"), x, 500))
		y := activation.Relu(fashion.Dense(scope.In("dense_1"), x, 250))
		y = activation.Relu(fashion.Dense(scope.In("dense_2"), y, 100))
		return fashion.Dense(scope.In("dense_3"), x, 10)
	}
	oneScope := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, 784)
		x = activation.Relu(fashion.Dense(scope.In("dense"), x, 500))
		x = activation.Relu(fashion.Dense(scope.In("dense"), x, 250))
		return fashion.Dense(scope.In("dense"), x, 10)
	}
	reversed := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, 784)
		for i, units := range []int{100, 250, 500} {
			x = activation.Relu(fashion.Dense(scope.In("%s", denseName(i)), x, units))
		}
		return fashion.Dense(scope.In("dense_3"), x, 10)
	}
	sigmoid := func(x *graph.Node) *graph.Node { return graph.Sigmoid(x) }
	for name, c := range map[string]struct {
		fn   fashion.ModelFn
		want string
	}{
		"template":              {template, "creates no layer yet"},
		"other scopes":          {renamed, "Your layers' scopes are hidden1 (want dense), hidden2 (want dense_1), hidden3 (want dense_2), logits (want dense_3)"},
		"nil":                   {nil, "There is no function"},
		"first layer only":      {firstOnly, "dense (500 units); the article's are 500, 250, 100 and 10"},
		"reversed":              {reversed, "dense (100 units), dense_1 (250 units), dense_2 (500 units), dense_3 (10 units)"},
		"not flattened":         {notFlat, "Your function does not build"},
		"skips layers":          {skipped, "dense_3 reads 500 values, but dense_2 before it gives 100"},
		"one scope":             {oneScope, "does not build"},
		"softmax on the logits": {mlpWith([3]func(*graph.Node) *graph.Node{relu, relu, relu}, softmax), "returns probabilities (softmax on the last layer)"},
		"ReLU on the logits":    {mlpWith([3]func(*graph.Node) *graph.Node{relu, relu, relu}, relu), "The output layer has ReLU"},
		"ReLU after the first only": {mlpWith([3]func(*graph.Node) *graph.Node{relu, id, id}, id),
			"The hidden layers dense_1 and dense_2 have no activation"},
		"no activation":       {mlpWith([3]func(*graph.Node) *graph.Node{id, id, id}, id), "There is no activation between the layers"},
		"ReLU missing once":   {mlpWith([3]func(*graph.Node) *graph.Node{relu, id, relu}, id), "The hidden layer dense_1 has no activation"},
		"ReLU everywhere":     {mlpWith([3]func(*graph.Node) *graph.Node{relu, relu, relu}, relu), "The output layer has ReLU"},
		"sigmoid":             {mlpWith([3]func(*graph.Node) *graph.Node{sigmoid, sigmoid, sigmoid}, id), "The hidden layers use the sigmoid"},
		"sigmoid and softmax": {mlpWith([3]func(*graph.Node) *graph.Node{sigmoid, sigmoid, sigmoid}, softmax), "softmax on the last layer"},
		"tanh":                {mlpWith([3]func(*graph.Node) *graph.Node{graph.Tanh, graph.Tanh, graph.Tanh}, id), "does each layer read the one before, with ReLU in between"},
	} {
		expectCheck(t, text, name, false, c.want, func() bool { return CheckArticleModel(c.fn) })
		noneContains(t, "CheckArticleModel", text.String(), `scope.In("dense_1"), x, 250`, "activation.Relu(fashion.Dense")
	}
}

func TestCheckCrossEntropy(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	softmaxLog := func(logits, labels *graph.Node) *graph.Node {
		return graph.Neg(graph.ReduceAllMean(pickLabel(graph.Log(graph.Softmax(logits)), labels)))
	}
	byHand := func(logits, labels *graph.Node) *graph.Node { // z_y - log Σ exp z, with the largest logit subtracted
		largest := graph.ReduceAndKeep(logits, graph.ReduceMax, 1)
		logSum := graph.Add(graph.Log(graph.ReduceSum(graph.Exp(graph.Sub(logits, largest)), 1)), graph.Reshape(largest, -1))
		return graph.ReduceAllMean(graph.Sub(logSum, pickLabel(logits, labels)))
	}
	gathered := func(logits, labels *graph.Node) *graph.Node { // summed over the matrix, divided by the batch's size
		oneHot := graph.OneHot(graph.Reshape(labels, -1), 10, logits.DType())
		return graph.DivScalar(graph.Neg(graph.ReduceAllSum(graph.Mul(graph.LogSoftmax(logits), oneHot))), float64(logits.Shape().Dimensions[0]))
	}
	float64Loss := func(logits, labels *graph.Node) *graph.Node {
		return answerCrossEntropy(graph.ConvertDType(logits, dtypes.Float64), labels)
	}
	for name, fn := range map[string]BatchLossFn{"answer": answerCrossEntropy, "Log(Softmax)": softmaxLog, "by hand": byHand, "summed, divided": gathered, "float64": float64Loss} {
		expectCheck(t, text, name, true, "✓ Right!", func() bool { return CheckCrossEntropy(fn) })
	}
	for name, c := range map[string]struct {
		fn   BatchLossFn
		want string
	}{
		"template": {func(logits, _ *graph.Node) *graph.Node { return graph.ScalarZero(logits.Graph(), dtypes.Float32) }, "You return 0 for every batch"},
		"sum": {func(logits, labels *graph.Node) *graph.Node {
			return graph.Neg(graph.ReduceAllSum(pickLabel(graph.LogSoftmax(logits), labels)))
		}, "the sum over the images"},
		"no minus": {func(logits, labels *graph.Node) *graph.Node {
			return graph.ReduceAllMean(pickLabel(graph.LogSoftmax(logits), labels))
		}, "its sign lost"},
		"no softmax": {func(logits, labels *graph.Node) *graph.Node {
			return graph.Neg(graph.ReduceAllMean(pickLabel(logits, labels)))
		}, "the softmax (its normaliser) is missing"},
		"no log": {func(logits, labels *graph.Node) *graph.Node {
			return graph.Neg(graph.ReduceAllMean(pickLabel(graph.Softmax(logits), labels)))
		}, "without the log"},
		"all classes": {func(logits, labels *graph.Node) *graph.Node {
			return graph.Neg(graph.ReduceAllMean(graph.LogSoftmax(logits)))
		}, "over all ten classes"},
		"softmax over the batch": {func(logits, labels *graph.Node) *graph.Node {
			return graph.Neg(graph.ReduceAllMean(pickLabel(graph.LogSoftmax(logits, 0), labels)))
		}, "a softmax over the images of the batch"},
		"per image": {func(logits, labels *graph.Node) *graph.Node {
			return graph.Neg(pickLabel(graph.LogSoftmax(logits), labels))
		}, "returns shape (Float32)[32]"},
		"hard-coded 32": {func(logits, labels *graph.Node) *graph.Node {
			return graph.DivScalar(graph.Neg(graph.ReduceAllSum(pickLabel(graph.LogSoftmax(logits), labels))), 32)
		}, "the batch's size is written in"},
		"nil": {func(*graph.Node, *graph.Node) *graph.Node { return nil }, "returns nil"},
		"labels as floats": {func(logits, labels *graph.Node) *graph.Node {
			return graph.Neg(graph.ReduceAllMean(graph.Mul(graph.LogSoftmax(logits), graph.ConvertDType(labels, dtypes.Float32))))
		}, "GoMLX's loss gives"},
	} {
		expectCheck(t, text, name, false, c.want, func() bool { return CheckCrossEntropy(c.fn) })
		noneContains(t, "CheckCrossEntropy", text.String(), "graph.LogSoftmax(logits)", "graph.OneHot(")
	}
}

func TestCheckNesterovUpdate(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	reordered := func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) { // w + μ²v − (1+μ)ηg, then v
		newW := graph.Sub(graph.Add(w, graph.MulScalar(v, mu*mu)), graph.MulScalar(g, (1+mu)*lr))
		return newW, graph.Sub(graph.MulScalar(v, mu), graph.MulScalar(g, lr))
	}
	for name, fn := range map[string]UpdateRule{"answer": answerNesterov, "reordered": reordered} {
		expectCheck(t, text, name, true, "equals fashion.SGD's", func() bool { return CheckNesterovUpdate(fn) })
	}
	keras := func(v, g *graph.Node, lr, mu float64) *graph.Node {
		return graph.Sub(graph.MulScalar(v, mu), graph.MulScalar(g, lr))
	}
	for name, c := range map[string]struct {
		fn   UpdateRule
		want string
	}{
		"template": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) { return w, v }, "your rule does not move w"},
		"classic": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			v = keras(v, g, lr, mu)
			return graph.Add(w, v), v
		}, "classic momentum"},
		"plain": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			return graph.Sub(w, graph.MulScalar(g, lr)), v
		}, "plain gradient descent"},
		"old velocity": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			newV := keras(v, g, lr, mu)
			return graph.Sub(graph.Add(w, graph.MulScalar(v, mu)), graph.MulScalar(g, lr)), newV
		}, "classic momentum"}, // w + μ·v − η·g with the old v is w + v with the new one
		"velocity not returned": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			newV := keras(v, g, lr, mu)
			return graph.Sub(graph.Add(w, graph.MulScalar(newV, mu)), graph.MulScalar(g, lr)), v
		}, "the velocity you return is not the new one"},
		"velocity up the slope": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			newV := graph.Add(graph.MulScalar(v, mu), graph.MulScalar(g, lr))
			return graph.Sub(graph.Add(w, graph.MulScalar(newV, mu)), graph.MulScalar(g, lr)), newV
		}, "The velocity goes up the slope"},
		"weights up the slope": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			newV := keras(v, g, lr, mu)
			return graph.Add(graph.Add(w, graph.MulScalar(newV, mu)), graph.MulScalar(g, lr)), newV
		}, "The weights move up the slope"},
		"swapped settings": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			return answerNesterov(w, v, g, mu, lr)
		}, "The learning rate and the momentum are swapped"},
		"no rate in v": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			newV := graph.Sub(graph.MulScalar(v, mu), g)
			return graph.Sub(graph.Add(w, graph.MulScalar(newV, mu)), graph.MulScalar(g, lr)), newV
		}, "The learning rate is missing from the velocity's line"},
		"w and v swapped": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			newW, newV := answerNesterov(w, v, g, lr, mu)
			return newV, newW
		}, "come back in the wrong order"},
		"twice the step": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			return answerNesterov(w, v, g, 2*lr, mu)
		}, "After update 1, w starts"},
		"nil": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) { return nil, v }, "returns nil"},
		"scalar": {func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) {
			return graph.ReduceAllSum(w), v
		}, "returns shapes"},
	} {
		expectCheck(t, text, name, false, c.want, func() bool { return CheckNesterovUpdate(c.fn) })
		noneContains(t, "CheckNesterovUpdate", text.String(), "graph.MulScalar(v, momentum)", "graph.MulScalar(g, learningRate)")
	}
}

func TestCheckTrainStep(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	lossesBySum := func(fn fashion.ModelFn, lossFn BatchLossFn, opt optimizer.Interface) TrainStep { // the total by hand: main + regularisation
		return func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
			g := images.Graph()
			l := lossFn(fn(scope, images), labels)
			total := graph.Add(l, train.GetRegularizationLoss(g))
			opt.UpdateGraph(scope, g, total)
			return total
		}
	}
	for name, fn := range map[string]StepBuilder{"answer": answerNewTrainStep, "main + regularisation": lossesBySum} {
		expectCheck(t, text, name, true, "returns train.Trainer's losses", func() bool { return CheckTrainStep(fn) })
	}
	template := func(fn fashion.ModelFn, lossFn BatchLossFn, opt optimizer.Interface) TrainStep {
		return func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
			logits := fn(scope, images)
			return graph.ScalarZero(images.Graph(), logits.DType())
		}
	}
	lossOnly := func(fn fashion.ModelFn, lossFn BatchLossFn, opt optimizer.Interface) TrainStep {
		return func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
			train.AddMainLoss(lossFn(fn(scope, images), labels))
			return train.TotalLoss(images.Graph())
		}
	}
	returnsMain := func(fn fashion.ModelFn, lossFn BatchLossFn, opt optimizer.Interface) TrainStep {
		return func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
			g := images.Graph()
			l := lossFn(fn(scope, images), labels)
			train.AddMainLoss(l)
			opt.UpdateGraph(scope, g, train.TotalLoss(g))
			return l
		}
	}
	twice := func(fn fashion.ModelFn, lossFn BatchLossFn, opt optimizer.Interface) TrainStep {
		return func(scope *model.Scope, images, labels *graph.Node) *graph.Node {
			g := images.Graph()
			train.AddMainLoss(lossFn(fn(scope, images), labels))
			total := train.TotalLoss(g)
			opt.UpdateGraph(scope, g, total)
			opt.UpdateGraph(scope, g, total)
			return total
		}
	}
	for name, c := range map[string]struct {
		fn   StepBuilder
		want string
	}{
		"template":                 {template, "the weights are the ones they started from"},
		"no update":                {lossOnly, "the weights are the ones they started from"},
		"batch loss only":          {stepMisses[0].step, "The regulariser the model adds"},
		"counted twice":            {stepMisses[1].step, "counts twice"},
		"returns the batch's loss": {returnsMain, "The weights are trained right, but your step returns"},
		"two updates":              {twice, "your weights differ from train.Trainer's"},
		"nil step":                 {func(fashion.ModelFn, BatchLossFn, optimizer.Interface) TrainStep { return nil }, "returns nil"},
		"nil loss": {func(fn fashion.ModelFn, lossFn BatchLossFn, opt optimizer.Interface) TrainStep {
			return func(scope *model.Scope, images, labels *graph.Node) *graph.Node { fn(scope, images); return nil }
		}, "your step returns nil"},
	} {
		expectCheck(t, text, name, false, c.want, func() bool { return CheckTrainStep(c.fn) })
		noneContains(t, "CheckTrainStep", text.String(), "opt.UpdateGraph(scope, g, total)")
	}
}

// TestRuleOptimizerIsSGD: the learner's rule, made a GoMLX optimizer by
// RuleOptimizer, trains as fashion.SGD, the article's optimizer: m.Fit
// with each, from the same seed on the same batches, ends with the same
// weights and history (learning rates included), within float32 rounding.
func TestRuleOptimizerIsSGD(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	d := realData(t)
	r := fashion.ArticleRecipe()
	r.Epochs, r.Limit, r.Patience = 2, 500, -1
	// fit trains with the recipe r as set; each caller sets r.Optimizer to a
	// concrete optimizer, which Recipe.Optimizer takes whatever its
	// interface type (pkg/fashion's Optimizer, or GoMLX's optimizer.Interface).
	fit := func() (*fashion.History, map[string][]float32) {
		m, err := fashion.New(Backend(), fashion.ArticleMLP, Seed)
		if err != nil {
			t.Fatal(err)
		}
		h, err := m.Fit(d.Train, d.Validation, r)
		if err != nil {
			t.Fatal(err)
		}
		return h, trainableValues(m)
	}
	sgd := fashion.SGD{LearningRate: 0.01, Decay: 1e-3, Momentum: 0.9, Nesterov: true} // a decay large enough to show
	r.Optimizer = sgd
	hs, ws := fit()
	r.Optimizer = RuleOptimizer{Rule: answerNesterov, LearningRate: 0.01, Decay: 1e-3, Momentum: 0.9}
	hr, wr := fit()
	if d := largestDiff(ws, wr); d > 1e-4 {
		t.Errorf("weights after m.Fit: fashion.SGD and RuleOptimizer differ by %g", d)
	}
	for i := range hs.Epochs {
		a, b := hs.Epochs[i], hr.Epochs[i]
		if math.Abs(a.Loss-b.Loss) > 1e-4 || math.Abs(a.ValLoss-b.ValLoss) > 1e-4 || math.Abs(a.LearningRate-b.LearningRate) > 1e-12 {
			t.Errorf("epoch %d: SGD %+v, RuleOptimizer %+v", i+1, a, b)
		}
	}
	// The exercise's template, which leaves w and v as they are, trains to
	// nothing, without failing (the gradient it ignores stays in the graph).
	r.Epochs = 1
	r.Optimizer = RuleOptimizer{Rule: func(w, v, g *graph.Node, lr, mu float64) (*graph.Node, *graph.Node) { return w, v }, LearningRate: 0.01, Momentum: 0.9}
	_, wt := fit()
	initial, err := fashion.New(Backend(), fashion.ArticleMLP, Seed)
	if err != nil {
		t.Fatal(err)
	}
	if d := largestDiff(wt, trainableValues(initial)); d != 0 {
		t.Errorf("the template's rule moved the weights by %g", d)
	}
	if err := (RuleOptimizer{LearningRate: 0.01}).Validate(); err == nil {
		t.Error("a RuleOptimizer without a rule is valid")
	}
}
func TestShowOverfitting(t *testing.T) {
	rec, text := capture(t)
	// Early stopping (patience 3) keeps epoch 2 and stops after epoch 5;
	// epoch 6 then dips lower; the run ends at epoch 8.
	h := &fashion.History{BestEpoch: 6}
	for i, v := range []float64{0.9, 0.6, 0.65, 0.7, 0.6, 0.55, 0.8, 0.9} {
		h.Epochs = append(h.Epochs, fashion.EpochLog{Epoch: i + 1, Loss: 1 / float64(i+2), ValLoss: v, Accuracy: 0.5, ValAccuracy: 0.5})
	}
	ShowOverfitting(h, 3)
	expectImages(t, rec, 0, 1)
	for _, want := range []string{
		"would have ended the run after epoch 5: no validation loss below epoch 2's 0.6000 (marked) in 3 epochs",
		"the lowest validation loss of the whole run: 0.5500 after epoch 6",
		"after epoch 8: training loss 0.1111, validation loss 0.9000 (gap 0.7889); after epoch 2: 0.3333 and 0.6000 (gap 0.2667)",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("ShowOverfitting printed %q, want %q in it", text, want)
		}
	}
	ShowEpochLosses("loss", map[string][]float64{"mine": {1, 0.5}, "Fit": {1, 0.5}})
	expectImages(t, rec, 1, 1)
}

func TestCheckedMLPAndPastedMLP(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	template := func(scope *model.Scope, images *graph.Node) *graph.Node { return graph.Reshape(images, -1, 784) }
	// The learner's function once it passes; the article's network, said, until then.
	if got := CheckedMLP(answerMLP); fmt.Sprintf("%p", got) != fmt.Sprintf("%p", answerMLP) || text.Len() != 0 {
		t.Errorf("CheckedMLP(the answer) printed %q", text)
	}
	if got := CheckedMLP(template); fmt.Sprintf("%p", got) != fmt.Sprintf("%p", fashion.ArticleMLP) || !strings.Contains(text.String(), "builds fashion.ArticleMLP") {
		t.Errorf("CheckedMLP(the template) printed %q", text)
	}
	text.Reset()
	CheckPastedMLP(nil)
	if !strings.Contains(text.String(), "No mlp pasted yet") {
		t.Errorf("CheckPastedMLP(nil) printed %q", text)
	}
	expectCheck(t, text, "pasted", false, "creates no layer yet", func() bool { CheckPastedMLP(template); return false })
	if got := OrArticleMLP(nil); fmt.Sprintf("%p", got) != fmt.Sprintf("%p", fashion.ArticleMLP) {
		t.Error("OrArticleMLP(nil) is not fashion.ArticleMLP")
	}
}
