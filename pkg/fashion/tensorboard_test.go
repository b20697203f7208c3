package fashion

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/tensorboard"
)

func TestRunDirName(t *testing.T) {
	got := runDirName(time.Date(2026, 11, 26, 9, 5, 7, 0, time.UTC))
	if got != "run_2026_11_26-09_05_07" {
		t.Fatalf("runDirName = %q", got)
	}
}

func TestTensorBoardCallback(t *testing.T) {
	root := t.TempDir()
	tb, err := NewTensorBoard(root)
	if err != nil {
		t.Fatal(err)
	}
	again, err := NewTensorBoard(root) // same second: a distinct directory
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if again.Dir() == tb.Dir() || filepath.Dir(tb.Dir()) != root {
		t.Fatalf("run dirs %q and %q", tb.Dir(), again.Dir())
	}

	m := newTestModel(t)
	r := smallRecipe()
	r.Epochs = 2
	h, err := m.Fit(syntheticSplit(t, "train", 100, 20), syntheticSplit(t, "validation", 50, 21), r, tb)
	if err != nil {
		t.Fatal(err)
	}
	scalars, err := tensorboard.Scalars(tb.Dir())
	if err != nil {
		t.Fatal(err)
	}
	check := func(tag string, want []float64) {
		points := scalars[tag]
		if len(points) != len(want) {
			t.Fatalf("%s: %d points, want %d (tags: %v)", tag, len(points), len(want), scalars)
		}
		for i, p := range points {
			if p.Step != int64(i) || math.Abs(p.Value-want[i]) > 1e-6*math.Max(1, math.Abs(want[i])) {
				t.Errorf("%s[%d] = step %d value %v, want step %d value %v", tag, i, p.Step, p.Value, i, want[i])
			}
		}
	}
	for _, c := range []struct{ tag, metric string }{
		{"train/epoch_loss", "loss"}, {"train/epoch_accuracy", "accuracy"},
		{"train/epoch_learning_rate", "learning_rate"},
		{"validation/epoch_loss", "val_loss"}, {"validation/epoch_accuracy", "val_accuracy"},
	} {
		want, _ := h.Metric(c.metric)
		check(c.tag, want)
	}

	events, err := tensorboard.ReadRun(tb.Dir())
	if err != nil {
		t.Fatal(err)
	}
	var summary string
	histograms := map[string]int{}
	for _, e := range events["train"] {
		switch e.Kind {
		case tensorboard.KindText:
			summary = e.Text
		case tensorboard.KindHistogram:
			histograms[e.Tag]++
			if e.Tag == "dense/weights" && e.Histogram.Num != 784*500 {
				t.Errorf("dense/weights histogram counts %v values", e.Histogram.Num)
			}
		}
	}
	if !strings.Contains(summary, "Total params: 543,860") {
		t.Errorf("model summary text %q", summary)
	}
	for _, tag := range []string{"dense/weights", "dense/biases", "dense_3/weights", "dense_3/biases"} {
		if histograms[tag] != 2 {
			t.Errorf("%s: %d histograms, want one per epoch (2)", tag, histograms[tag])
		}
	}
}
