package tutorial

import (
	"fmt"
	"strings"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
)

// Chapters 9 and 10: evaluating and predicting.

// The article's test results, for comparison.
const (
	ArticleTestLoss     = 0.3942
	ArticleTestAccuracy = 0.8934
)

// Evaluate measures the model on the test set, as Keras' model.evaluate,
// and compares with the article.
func Evaluate(m *fashion.Model, d *fashion.Data) fashion.Metrics {
	start := time.Now()
	metrics := Must(m.Evaluate(d.Test))
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "%d test images - %s (%.0f us/sample) - loss: %.4f - accuracy: %.4f\n", d.Test.Len(),
		elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/float64(d.Test.Len()), metrics.Loss, metrics.Accuracy)
	fmt.Fprintf(stdout, "The article: loss: %.4f - accuracy: %.4f\n", ArticleTestLoss, ArticleTestAccuracy)
	return metrics
}

// predictTest predicts the whole test set.
func predictTest(m *fashion.Model, d *fashion.Data) *fashion.Predictions {
	return Must(m.PredictAll(d.Test))
}

// ShowConfusion shows the confusion matrix on the test set and the accuracy
// of each class.
func ShowConfusion(m *fashion.Model, d *fashion.Data) {
	p := predictTest(m, d)
	Show(figures.Confusion(p))
	Show(figures.ClassAccuracy(p))
}

// CheckHardestClass checks the name of the class the model gets wrong most
// often on the test set.
func CheckHardestClass(m *fashion.Model, d *fashion.Data, class string) bool {
	p := predictTest(m, d)
	counts := Must(viz.ConfusionCounts(p.Labels(), p.Classes, fashion.NumClasses))
	perClass, _, err := viz.Accuracies(counts)
	check(err)
	hardest := 0
	for c, a := range perClass {
		if a < perClass[hardest] {
			hardest = c
		}
	}
	name := fashion.ClassNames[hardest]
	return verdict(strings.EqualFold(class, name),
		fmt.Sprintf("%s (%.1f%% right): the model takes it most often for %s.", name, 100*perClass[hardest], mostConfusedWith(counts, hardest)),
		"Find the shortest bar of the per-class accuracy chart.")
}

// mostConfusedWith names the two classes a class is most often mistaken for,
// from a confusion matrix.
func mostConfusedWith(counts [][]int, class int) string {
	first, second := -1, -1
	for p, n := range counts[class] {
		switch {
		case p == class:
		case first < 0 || n > counts[class][first]:
			first, second = p, first
		case second < 0 || n > counts[class][second]:
			second = p
		}
	}
	return fashion.ClassNames[first] + " and " + fashion.ClassNames[second]
}

// PredictFirst prints the probability vector of each of the first n test
// images, its most probable class and the true one, as the article does.
func PredictFirst(m *fashion.Model, d *fashion.Data, n int) []int {
	probs := Must(m.PredictSplit(d.Test, 0, n))
	classes := make([]int, n)
	var b strings.Builder
	for i, row := range probs {
		classes[i] = fashion.ArgMax(row)
		fmt.Fprintf(&b, "image %d: [", i)
		for k, p := range row {
			if k > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%.3f", p)
		}
		fmt.Fprintf(&b, "] -> %d %-11s (true: %s)\n", classes[i], fashion.ClassNames[classes[i]], fashion.ClassNames[d.Test.Label(i)])
	}
	fmt.Fprint(stdout, b.String())
	fmt.Fprintln(stdout, "classes:", classes)
	return classes
}

// ShowPredictions shows the first n test images with the predicted class,
// green when right and red when wrong.
func ShowPredictions(m *fashion.Model, d *fashion.Data, n int) {
	Show(figures.Predictions(predictTest(m, d), n))
}

// ShowProbabilities shows the ten class probabilities of test image i.
func ShowProbabilities(m *fashion.Model, d *fashion.Data, i int) {
	Show(figures.Probabilities(predictTest(m, d), i))
}

// ShowMistakes shows the n test images the model got wrong most confidently.
func ShowMistakes(m *fashion.Model, d *fashion.Data, n int) {
	Show(figures.Mistakes(predictTest(m, d), n))
}

// CheckPrediction checks the class predicted for test image i.
func CheckPrediction(m *fashion.Model, d *fashion.Data, i int, class string) bool {
	if i < 0 || i >= d.Test.Len() {
		return verdict(false, "", fmt.Sprintf("Test images are numbered 0 to %d.", d.Test.Len()-1))
	}
	probs := Must(m.PredictSplit(d.Test, i, i+1))
	got := fashion.ClassNames[fashion.ArgMax(probs[0])]
	return verdict(strings.EqualFold(class, got), fmt.Sprintf("The model says %s for image %d.", got, i),
		"Predict that image with m.PredictSplit(d.Test, i, i+1) and take the most probable class.")
}
