package tutorial

import (
	"fmt"
	"slices"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
)

// Chapters 11 and 12: saving and loading, and the whole journey.

// SaveModel saves the model into dir (atomically: the directory holds the
// complete previous model until the new one is written) and lists what it
// wrote.
func SaveModel(m *fashion.Model, dir string) {
	check(m.Save(dir))
	fmt.Fprintln(stdout, "Saved to", dir+":")
	for _, f := range Must(listFiles(dir)) {
		fmt.Fprintln(stdout, "  "+f)
	}
}

// LoadModel loads a saved model.
func LoadModel(dir string) *fashion.Model {
	m := Must(fashion.LoadModel(backend(), dir, fashion.ArticleMLP))
	fmt.Fprintln(stdout, "Loaded", dir)
	return m
}

// ComparePredictions predicts the first n test images with both models and
// says whether they agree, class by class and probability by probability.
func ComparePredictions(a, b *fashion.Model, d *fashion.Data, n int) bool {
	pa := Must(a.PredictSplit(d.Test, 0, n))
	pb := Must(b.PredictSplit(d.Test, 0, n))
	same := true
	for i := range pa {
		same = same && slices.Equal(pa[i], pb[i])
	}
	classes := func(p [][]float32) []int {
		out := make([]int, len(p))
		for i, row := range p {
			out[i] = fashion.ArgMax(row)
		}
		return out
	}
	fmt.Fprintln(stdout, "first model: ", classes(pa))
	fmt.Fprintln(stdout, "second model:", classes(pb))
	if same {
		fmt.Fprintf(stdout, "The %d predictions are identical, to the last bit.\n", n)
	} else {
		fmt.Fprintf(stdout, "The predictions differ.\n")
	}
	return same
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ShowJourney summarises a trained model: its recipe, its training, its test
// results, and its curves.
func ShowJourney(m *fashion.Model, d *fashion.Data) {
	h := m.History()
	if h == nil {
		check(fmt.Errorf("this model was not trained"))
	}
	metrics := Must(m.Evaluate(d.Test))
	seconds := 0.0
	for _, e := range h.Epochs {
		seconds += e.Seconds
	}
	note("%s", table([][]string{
		{"", "this model", "the article"},
		{"parameters", thousands(m.NumParams()), "543,860"},
		{"epochs trained", fmt.Sprintf("%d (best: %d)", len(h.Epochs), h.BestEpoch), "until early stopping"},
		{"training time", fmt.Sprintf("%.0f s", seconds), ""},
		{"test loss", fmt.Sprintf("%.4f", metrics.Loss), fmt.Sprintf("%.4f", ArticleTestLoss)},
		{"test accuracy", fmt.Sprintf("%.4f", metrics.Accuracy), fmt.Sprintf("%.4f", ArticleTestAccuracy)},
	}))
	Show(figures.TrainingCurves(h))
}
