package tutorial

import (
	"fmt"

	"github.com/fashion-gomlx/fashion-gomlx/internal/num"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
)

// Chapters 11 and 12: what a saved model holds, and the whole journey.

// ShowFiles lists the files under dir, with their sizes.
func ShowFiles(dir string) {
	fmt.Fprintln(stdout, dir+":")
	for _, f := range Must(listFiles(dir)) {
		fmt.Fprintln(stdout, "  "+f)
	}
}

// ShowJourney summarises a trained model: its recipe, its training, its test
// results, and its curves.
func ShowJourney(m *fashion.Model, d *fashionmnist.Data) {
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
		{"parameters", num.Thousands(m.NumParams()), "543,860"},
		{"epochs trained", fmt.Sprintf("%d (best: %d)", len(h.Epochs), h.BestEpoch), "until early stopping"},
		{"training time", fmt.Sprintf("%.0f s", seconds), ""},
		{"test loss", fmt.Sprintf("%.4f", metrics.Loss), fmt.Sprintf("%.4f", ArticleTestLoss)},
		{"test accuracy", fmt.Sprintf("%.4f", metrics.Accuracy), fmt.Sprintf("%.4f", ArticleTestAccuracy)},
	}))
	Show(figures.TrainingCurves(h))
}
