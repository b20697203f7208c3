package tutorial

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

func TestMaxUpdatesHonoursLimit(t *testing.T) {
	d := syntheticData(t, 100)
	r := fashion.ArticleRecipe()
	r.Epochs = 2
	if got := maxUpdates(d, r); got != 8 { // 4 batches (3 of 32, one of 4) per epoch
		t.Errorf("maxUpdates on 100 images = %d, want 8", got)
	}
	r.Limit = 50 // 2 batches per epoch: 32 and 18
	if got := maxUpdates(d, r); got != 4 {
		t.Errorf("maxUpdates with Limit 50 = %d, want 4", got)
	}
	r.Limit = 1000 // more than the split holds: all of it
	if got := maxUpdates(d, r); got != 8 {
		t.Errorf("maxUpdates with Limit 1000 = %d, want 8", got)
	}
}

func TestShowLearningRateSaysHowFar(t *testing.T) {
	rec, text := capture(t)
	r := fashion.ArticleRecipe()
	r.Epochs, r.Limit = 2, 50
	ShowLearningRate(syntheticData(t, 100), r)
	expectImages(t, rec, 0, 1)
	if want := "2 epochs of 2 updates (50 images in batches of 32) = 4 updates"; !strings.Contains(text.String(), want) {
		t.Errorf("ShowLearningRate printed %q, want it to contain %q", text, want)
	}
}

func TestGradeNumber(t *testing.T) {
	for _, c := range []struct {
		got, want, tol float64
		grade          grade
	}{
		{0.804, 205.0 / 255, 1e-3, right},
		{205.0 / 255, 205.0 / 255, 1e-3, right},
		{0.80, 205.0 / 255, 1e-3, tooFewDigits}, // 0.8 is also 204/255
		{0.81, 205.0 / 255, 1e-3, wrong},
		{205, 205.0 / 255, 1e-3, wrong},
		{0, 205.0 / 255, 1e-3, wrong},
		{0.00983, 0.0098310050, 1e-7, tooFewDigits},
		{0.009831, 0.0098310050, 1e-7, right},
		{0.0098, 0.0098310050, 1e-7, tooFewDigits},
		{0.0099, 0.0098310050, 1e-7, wrong},
		{0.009983, 0.0098310050, 1e-7, wrong},
		{-0.8, -205.0 / 255, 1e-3, tooFewDigits},
	} {
		if g, _ := gradeNumber(c.got, c.want, c.tol); g != c.grade {
			t.Errorf("gradeNumber(%v, %v, %v) = %v, want %v", c.got, c.want, c.tol, g, c.grade)
		}
	}
	if _, digits := gradeNumber(0.00983, 0.0098310050, 1e-7); digits != 3 {
		t.Errorf("0.00983 has %d significant digits, want 3", digits)
	}
}

func TestDescribeRun(t *testing.T) {
	epochs := func(losses []float64, valLosses ...float64) []fashion.EpochLog {
		var out []fashion.EpochLog
		for i, v := range valLosses {
			out = append(out, fashion.EpochLog{Epoch: i + 1, Loss: losses[i], ValLoss: v})
		}
		return out
	}
	r := fashion.ArticleRecipe()
	stopped := &fashion.History{
		Epochs:    epochs([]float64{0.6, 0.5, 0.4, 0.3, 0.2}, 0.5, 0.4, 0.45, 0.41, 0.42),
		BestEpoch: 2, StoppedEarly: true,
	}
	quick := r
	quick.Epochs = 2
	for _, c := range []struct {
		h    *fashion.History
		r    fashion.Recipe
		want []string
	}{
		{stopped, r, []string{
			"The validation loss was lowest after epoch 2: 0.4000.",
			"The 3 epoch(s) after it gave 0.4500, 0.4100, 0.4200: none lower.",
			"So early stopping (patience 3) ended training after epoch 5.",
			"Meanwhile the training loss fell from 0.5000 to 0.2000.",
		}},
		{&fashion.History{Epochs: epochs([]float64{0.9, 0.7}, 0.8, 0.6), BestEpoch: 2}, quick, []string{
			"The validation loss was lowest after epoch 2: 0.6000.\n",
			"Training ran all 2 epochs the recipe allows: early stopping did not end it.\n",
		}},
		{&fashion.History{Epochs: epochs([]float64{0.9, 0.7}, 0.6, 0.8), BestEpoch: 1}, r, []string{
			"The 1 epoch(s) after it gave 0.8000: none lower.",
			"Training ended after epoch 2 of 60, before early stopping would have.",
		}},
	} {
		got := describeRun(c.h, c.r)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("describeRun:\n%s\nlacks %q", got, w)
			}
		}
		if c.h.BestEpoch == len(c.h.Epochs) && strings.Contains(got, "after it") {
			t.Errorf("describeRun lists epochs after the last one:\n%s", got)
		}
	}
}

func TestDescribeMistakes(t *testing.T) {
	// Labels: a shirt (6) taken for a coat (4), a sneaker (7) for a sandal
	// (5), a bag (8) for a trouser (1), a right dress (3), and a top (0) taken
	// for a shoe (9), which is no family's mix-up.
	labels := []int{6, 7, 8, 3, 0}
	predicted := []int{4, 5, 1, 3, 9}
	got := describeMistakes(labels, predicted)
	want := "Of the 4 test images the model gets wrong, 1 (25%) are a top taken for another top (T-shirt/top, Pullover, Coat, Shirt), " +
		"1 (25%) a shoe taken for another shoe (Sandal, Sneaker, Ankle boot), and 2 (50%) any other mix-up.\n"
	if got != want {
		t.Errorf("describeMistakes =\n%q, want\n%q", got, want)
	}
	if got := describeMistakes([]int{1, 2}, []int{1, 2}); got != "No mistakes at all.\n" {
		t.Errorf("describeMistakes without mistakes = %q", got)
	}
}

func TestCompareGradients(t *testing.T) {
	rec, text := capture(t)
	auto := []*tensors.Tensor{tensors.FromValue([]float32{1, -4, 2}), tensors.FromValue([]float32{0.5})}
	hand := []*tensors.Tensor{tensors.FromValue([]float32{1, -4.004, 2}), tensors.FromValue([]float32{0.5})}
	got := CompareGradients([]string{"/dense/weights", "/dense/biases"}, auto, hand)
	if want := 0.004 / 4; math.Abs(got-want) > 1e-6 {
		t.Errorf("CompareGradients = %v, want %v", got, want)
	}
	if md := rec.texts[len(rec.texts)-1]; !strings.Contains(md, "| /dense/weights | (Float32)[3] | 4 | 0.004 |") || !strings.Contains(md, "| /dense/biases | (Float32)[1] | 0.5 | 0 |") {
		t.Errorf("table:\n%s", md)
	}
	if !strings.Contains(text.String(), "over all variables: 0.001") {
		t.Errorf("summary line: %q", text)
	}
}

// TestDenseWithBiasIsOneScopeDeeper checks what chapter 7 says of GoMLX's
// own dense layer: the same parameters, with variables in a "dense"
// sub-scope.
func TestDenseWithBiasIsOneScopeDeeper(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	stock := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		x = activation.Relu(layers.DenseWithBias(scope.In("dense"), x, 500))
		x = activation.Relu(layers.DenseWithBias(scope.In("dense_1"), x, 250))
		x = activation.Relu(layers.DenseWithBias(scope.In("dense_2"), x, 100))
		return layers.DenseWithBias(scope.In("dense_3"), x, fashionmnist.NumClasses)
	}
	m, err := fashion.New(Backend(), stock, Seed)
	if err != nil {
		t.Fatal(err)
	}
	if m.NumParams() != 543860 || m.Store().GetVariable("/dense_1/dense/weights") == nil {
		t.Errorf("%d parameters; /dense_1/dense/weights: %v", m.NumParams(), m.Store().GetVariable("/dense_1/dense/weights"))
	}
}

// realData returns the data set, or skips the test where it is missing.
func realData(t *testing.T) *fashionmnist.Data {
	t.Helper()
	d, err := fashionmnist.Load(fashionmnist.LoadOptions{Offline: true})
	if err != nil {
		if os.Getenv("FASHION_MNIST_REQUIRE") == "1" {
			t.Fatal(err)
		}
		t.Skip("real data not available:", err)
	}
	return d
}

func TestShowStepLosses(t *testing.T) {
	rec, _ := capture(t)
	ShowStepLosses("one batch", map[string][]float64{"a": {2, 1.5, 1}, "b": {2, 1, 0.5}})
	expectImages(t, rec, 0, 1)
	defer func() {
		if r := recover(); r != "exit(1)" {
			t.Fatalf("recovered %v, want exit(1) for a run without losses", r)
		}
	}()
	ShowStepLosses("empty", map[string][]float64{"a": nil})
}

func TestShowLearningRateRejectsBadRecipes(t *testing.T) {
	_, _ = capture(t)
	defer func() {
		if r := recover(); r != "exit(1)" {
			t.Fatalf("recovered %v, want exit(1)", r)
		}
	}()
	r := fashion.ArticleRecipe()
	r.Epochs = 0
	ShowLearningRate(syntheticData(t, 100), r)
	t.Fatal("ShowLearningRate drew a recipe of 0 epochs")
}
