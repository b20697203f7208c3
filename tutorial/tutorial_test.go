package tutorial

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
	"github.com/gomlx/gomlx/core/graph"
)

// recorder is an output that keeps what the tutorial shows.
type recorder struct {
	images  [][]byte
	updates int
	texts   []string
}

func (r *recorder) image(png []byte)          { r.images = append(r.images, png) }
func (r *recorder) update(_ string, _ []byte) { r.updates++ }
func (r *recorder) markdown(md string)        { r.texts = append(r.texts, md) }

// capture redirects the tutorial's output and text for one test, and turns
// an exit into a test failure.
func capture(t *testing.T) (*recorder, *bytes.Buffer) {
	t.Helper()
	rec, text := &recorder{}, &bytes.Buffer{}
	oldOut, oldStdout, oldExit := out, stdout, exit
	out, stdout = rec, text
	exit = func(code int) { panic(fmt.Sprintf("exit(%d)", code)) }
	t.Cleanup(func() { out, stdout, exit = oldOut, oldStdout, oldExit })
	return rec, text
}

// expectImages checks that n more PNG images were shown and decode.
func expectImages(t *testing.T, rec *recorder, before, n int) {
	t.Helper()
	if got := len(rec.images) - before; got != n {
		t.Fatalf("%d images shown, want %d", got, n)
	}
	for _, img := range rec.images[before:] {
		if _, err := png.Decode(bytes.NewReader(img)); err != nil {
			t.Fatalf("shown image is not a PNG: %v", err)
		}
	}
}

func TestPerceptron(t *testing.T) {
	_, text := capture(t)
	if TLU([]float64{1, 1}, -1.5, []float64{1, 1}) != 1 || TLU([]float64{1, 1}, -1.5, []float64{0, 1}) != 0 {
		t.Error("TLU does not compute AND with weights 1, 1 and bias -1.5")
	}
	ShowTruthTable("AND", []float64{1, 1}, -1.5)
	if !strings.Contains(text.String(), " 1  1 |   1") || !strings.Contains(text.String(), " 0  1 |   0") {
		t.Errorf("truth table:\n%s", text)
	}
	if !CheckOR([]float64{1, 1}, -0.5) || CheckOR([]float64{1, 1}, -1.5) {
		t.Error("CheckOR")
	}
	if !strings.Contains(text.String(), "✓ Right!") || !strings.Contains(text.String(), "✗ Not yet.") {
		t.Errorf("verdicts:\n%s", text)
	}
}

// TestSoftmaxDoesNotOverflow checks what chapter 7 says of GoMLX's softmax
// on the tutorial's backend: large scores do not overflow.
func TestSoftmaxDoesNotOverflow(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	softmax := func(x *graph.Node) *graph.Node { return graph.Softmax(x) }
	out, err := graph.CallOnce(Backend(), softmax, []float32{1000, 1000, 1000 - 1e9})
	if err != nil {
		t.Fatal(err)
	}
	if p := out.Value().([]float32); p[0] != 0.5 || p[1] != 0.5 || p[2] != 0 {
		t.Errorf("softmax of large scores = %v", p)
	}
}

func TestMustEndsTheCell(t *testing.T) {
	_, _ = capture(t)
	defer func() {
		if r := recover(); r != "exit(1)" {
			t.Fatalf("recovered %v, want exit(1)", r)
		}
	}()
	Must(0, os.ErrNotExist)
	t.Fatal("Must returned after an error")
}

// TestChapters runs the chapters' functions in order on the real data, in
// quick mode, in a temporary notebook directory.
func TestChapters(t *testing.T) {
	if _, err := fashionmnist.Load(fashionmnist.LoadOptions{Offline: true}); err != nil {
		if os.Getenv("FASHION_MNIST_REQUIRE") == "1" {
			t.Fatal(err)
		}
		t.Skip("real data not available:", err)
	}
	picture, err := filepath.Abs("../notebooks/pictures/sneaker.png")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	t.Setenv(QuickEnv, "1")
	t.Setenv("GOMLX_BACKEND", "go")
	rec, text := capture(t)

	ShowTools()
	if !strings.Contains(rec.texts[0], "github.com/gomlx/gomlx") || !strings.Contains(text.String(), "backend: ") {
		t.Errorf("tools: %v\n%s", rec.texts, text)
	}

	d := LoadData()
	DescribeData(d)
	if md := rec.texts[len(rec.texts)-1]; !strings.Contains(md, "| 9 | Ankle boot | 5494 | 506 | 1000 |") {
		t.Errorf("class table:\n%s", md)
	}
	ShowShapes(d)
	for _, want := range []string{"train_images.shape = (60000, 28, 28)", "train_labels[0]    = 9 (Ankle boot)"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("shapes lack %q", want)
		}
	}
	if !CheckClassCount(d, "sandal", 6000) || CheckClassCount(d, "Sandal", 5507) || CheckClassCount(d, "Hat", 1) {
		t.Error("CheckClassCount")
	}
	if !CheckPartitions(d, 55000, 5000, 10000) || CheckPartitions(d, 60000, 5000, 10000) {
		t.Error("CheckPartitions")
	}
	raw := d.TrainFile.Pixels(0)[14*28+14]
	if !CheckScaledPixel(d, 0, 14, 14, float64(raw)/255) || CheckScaledPixel(d, 0, 14, 14, float64(raw)) {
		t.Error("CheckScaledPixel")
	}
	if ClassName(d.TrainFile.Label(2)) != "T-shirt/top" {
		t.Error("class_names[train_labels[2]]")
	}
	n := len(rec.images)
	ShowOnePerClass(d)
	ShowClassDistribution(d)
	ShowFirstImages(d, 20)
	ShowPixels(d, 0, false)
	ShowPixels(d, 0, true)
	expectImages(t, rec, n, 5)

	m := Must(fashion.New(Backend(), fashion.ArticleMLP, Seed))
	n = len(rec.images)
	ShowFirstLayer(m)
	expectImages(t, rec, n, 1)
	if !strings.Contains(text.String(), "weights: shape (784, 500), Glorot limit sqrt(6 / (784 + 500)) = 0.06836") {
		t.Errorf("first layer missing:\n%s", text)
	}

	r := ChapterRecipe()
	if r.Epochs != quickEpochs {
		t.Fatalf("quick recipe has %d epochs", r.Epochs)
	}
	ShowRecipe(r)
	n = len(rec.images)
	ShowLearningRate(d, r)
	// What chapter 8's training cell does.
	tb := Must(fashion.NewTensorBoard(RunsDir))
	trained := Must(fashion.New(Backend(), fashion.ArticleMLP, r.Seed))
	Must(trained.Fit(d.Train, d.Validation, r, fashion.NewProgress(stdout), tb, LiveCurves()))
	check(tb.Close())
	check(savedmodel.Save(trained, ModelDir))
	if rec.updates != quickEpochs+1 { // one per epoch, then the removal
		t.Errorf("%d live updates, want %d", rec.updates, quickEpochs+1)
	}
	ShowTensorBoardRun(LatestRun())
	expectImages(t, rec, n, 3) // learning rate, final curves, TensorBoard curves
	if !strings.Contains(text.String(), "2 epochs of 157 updates (5000 images in batches of 32) = 314 updates") {
		t.Errorf("ShowLearningRate does not count the quick run's updates:\n%s", text)
	}
	DescribeRun(trained)
	if !strings.Contains(text.String(), "The validation loss was lowest after epoch ") {
		t.Errorf("DescribeRun:\n%s", text)
	}
	if !CheckLearningRate(r, 1719, 0.01/(1+1e-6*1719)) || CheckLearningRate(r, 1719, 0.01) {
		t.Error("CheckLearningRate")
	}

	loaded := TrainedModel()
	if !strings.Contains(text.String(), "Using the model saved in models/tutorial (trained 2 epochs on 5000 images)") {
		t.Errorf("TrainedModel did not load the saved model:\n%s", text)
	}
	metrics := Must(loaded.Evaluate(d.Test))
	if metrics.Accuracy < 0.6 {
		t.Errorf("test accuracy %v after a quick run", metrics.Accuracy)
	}
	CompareRuns(loaded, d, metrics)
	if md, want := rec.texts[len(rec.texts)-1], fmt.Sprintf("| **your model** | 5,000 images | 2 (2) | %.4f | %.4f |", metrics.Loss, metrics.Accuracy); !strings.Contains(md, want) {
		t.Errorf("CompareRuns:\n%s\nlacks %q", md, want)
	}
	first := Must(loaded.PredictSplit(d.Test, 0, 1))[0]
	if !CheckPrediction(loaded, d, 0, ClassName(fashion.ArgMax(first))) {
		t.Error("CheckPrediction")
	}
	unsure := LeastSure(loaded, d, 20)
	first20 := Must(loaded.PredictSplit(d.Test, 0, 20))
	for i, p := range first20 {
		if slices.Max(p) < slices.Max(first20[unsure]) {
			t.Errorf("LeastSure = %d (top probability %v), but image %d has %v", unsure, slices.Max(first20[unsure]), i, slices.Max(p))
		}
	}
	if want := fmt.Sprintf("least sure of test image %d, whose class is %s: it gives %.2f to ", unsure, ClassName(d.Test.Label(unsure)), slices.Max(first20[unsure])); !strings.Contains(text.String(), want) {
		t.Errorf("LeastSure printed\n%s\nwithout %q", text, want)
	}
	n = len(rec.images)
	ShowPredictions(loaded, d, 10)
	ShowProbabilities(loaded, d, 0)
	ShowMistakes(loaded, d, 10)
	ShowConfusion(loaded, d)
	if !strings.Contains(text.String(), "test images the model gets wrong, ") {
		t.Errorf("ShowConfusion does not count the mistakes:\n%s", text)
	}
	ShowHistory(loaded)
	img := Must(fashionmnist.ReadPicture(picture))
	probs := Must(loaded.Predict([][]float32{Must(fashionmnist.ScalePixels(img))}))
	ShowPicture("sneaker.png", img, probs[0], loaded.ClassNames())
	if !strings.Contains(text.String(), "sneaker.png: ") {
		t.Errorf("ShowPicture:\n%s", text)
	}
	expectImages(t, rec, n, 7)
	CheckHardestClass(loaded, d, "Shirt") // prints either verdict; the class depends on training

	dir := filepath.Join("models", "copy")
	check(savedmodel.Save(trained, dir))
	ShowFiles(dir)
	if !strings.Contains(text.String(), "model.json") {
		t.Errorf("ShowFiles:\n%s", text)
	}
	copyModel := Must(savedmodel.Load(Backend(), dir, fashion.ArticleMLP))
	ShowJourney(copyModel, d)
	if md := rec.texts[len(rec.texts)-1]; !strings.Contains(md, "test accuracy") {
		t.Errorf("journey table:\n%s", md)
	}
}
