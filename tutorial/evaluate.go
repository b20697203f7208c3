package tutorial

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/internal/num"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
)

// Chapters 9 and 10: evaluating and predicting.

// The article's test results, for comparison.
const (
	ArticleTestLoss     = 0.3942
	ArticleTestAccuracy = 0.8934
)

// predictTest predicts the whole test set.
func predictTest(m *fashion.Model, d *fashionmnist.Data) *fashion.Predictions {
	return Must(m.PredictAll(d.Test))
}

// ShowConfusion shows the confusion matrix on the test set and the accuracy
// of each class.
func ShowConfusion(m *fashion.Model, d *fashionmnist.Data) {
	p := predictTest(m, d)
	Show(figures.Confusion(p))
	Show(figures.ClassAccuracy(p))
	fmt.Fprint(stdout, describeMistakes(p.Split.Labels(), p.Classes))
}

// Families of classes that look alike, by label.
var (
	tops  = []int{0, 2, 4, 6} // T-shirt/top, Pullover, Coat, Shirt
	shoes = []int{5, 7, 9}    // Sandal, Sneaker, Ankle boot
)

// describeMistakes counts the mistakes that stay within a family: a top
// taken for another top, a shoe for another shoe.
func describeMistakes(labels, predicted []int) string {
	mistakes, amongTops, amongShoes := 0, 0, 0
	for i, y := range labels {
		p := predicted[i]
		if p == y {
			continue
		}
		mistakes++
		switch {
		case slices.Contains(tops, y) && slices.Contains(tops, p):
			amongTops++
		case slices.Contains(shoes, y) && slices.Contains(shoes, p):
			amongShoes++
		}
	}
	if mistakes == 0 {
		return "No mistakes at all.\n"
	}
	share := func(n int) float64 { return 100 * float64(n) / float64(mistakes) }
	other := mistakes - amongTops - amongShoes
	return fmt.Sprintf("Of the %d test images the model gets wrong, %d (%.0f%%) are a top taken for another top (%s), "+
		"%d (%.0f%%) a shoe taken for another shoe (%s), and %d (%.0f%%) any other mix-up.\n",
		mistakes, amongTops, share(amongTops), classList(tops), amongShoes, share(amongShoes), classList(shoes), other, share(other))
}

// classList names classes, separated by commas.
func classList(labels []int) string {
	names := make([]string, len(labels))
	for i, c := range labels {
		names[i] = fashionmnist.ClassNames[c]
	}
	return strings.Join(names, ", ")
}

// CompareRuns shows the model's test results in a table beside the article's
// and a PyTorch run of the same recipe.
func CompareRuns(m *fashion.Model, d *fashionmnist.Data, metrics fashion.Metrics) {
	h, r := m.History(), m.Recipe()
	if h == nil || r == nil {
		check(fmt.Errorf("this model was not trained"))
	}
	images := trainingImages(d, *r)
	note("%s", table([][]string{
		{"run", "trained on", "epochs (best)", "test loss", "test accuracy"},
		{"the article (Keras)", "60,000 images, validation included", "not stated", fmt.Sprintf("%.4f", ArticleTestLoss), fmt.Sprintf("%.4f", ArticleTestAccuracy)},
		{"**your model**", num.Thousands(images) + " images", fmt.Sprintf("%d (%d)", len(h.Epochs), h.BestEpoch), fmt.Sprintf("%.4f", metrics.Loss), fmt.Sprintf("%.4f", metrics.Accuracy)},
		{"the same recipe in PyTorch (H100 GPU)", "55,000 images", "13", "0.338", "0.8833"},
	}))
}

// CheckHardestClass checks the name of the class the model gets wrong most
// often on the test set.
func CheckHardestClass(m *fashion.Model, d *fashionmnist.Data, class string) bool {
	p := predictTest(m, d)
	counts := Must(viz.ConfusionCounts(p.Split.Labels(), p.Classes, fashionmnist.NumClasses))
	perClass, _, err := viz.Accuracies(counts)
	check(err)
	hardest := 0
	for c, a := range perClass {
		if a < perClass[hardest] {
			hardest = c
		}
	}
	name := fashionmnist.ClassNames[hardest]
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
	return fashionmnist.ClassNames[first] + " and " + fashionmnist.ClassNames[second]
}

// LeastSure finds, among the first n test images, the one whose most
// probable class gets the lowest probability, says what the model hesitated
// between, and returns its index.
func LeastSure(m *fashion.Model, d *fashionmnist.Data, n int) int {
	p := predictTest(m, d)
	if n <= 0 || n > len(p.Classes) {
		check(fmt.Errorf("cannot look at the first %d of %d test images", n, len(p.Classes)))
	}
	i := 0
	for j := range n {
		if p.Confidence[j] < p.Confidence[i] {
			i = j
		}
	}
	probs := p.Probabilities[i]
	first := p.Classes[i]
	second := -1
	for c := range probs {
		if c != first && (second < 0 || probs[c] > probs[second]) {
			second = c
		}
	}
	label := d.Test.Label(i)
	outcome := "right"
	if first != label {
		outcome = "wrong"
	}
	fmt.Fprintf(stdout, "Of the first %d test images, the model is least sure of test image %d, whose class is %s: it gives %.2f to %s and %.2f to %s, and its answer is %s.\n",
		n, i, fashionmnist.ClassNames[label], probs[first], fashionmnist.ClassNames[first], probs[second], fashionmnist.ClassNames[second], outcome)
	return i
}

// ShowPredictions shows the first n test images with the predicted class,
// green when right and red when wrong.
func ShowPredictions(m *fashion.Model, d *fashionmnist.Data, n int) {
	Show(figures.Predictions(predictTest(m, d), n))
}

// ShowProbabilities shows the ten class probabilities of test image i.
func ShowProbabilities(m *fashion.Model, d *fashionmnist.Data, i int) {
	Show(figures.Probabilities(predictTest(m, d), i))
}

// ShowMistakes shows the n test images the model got wrong most confidently.
func ShowMistakes(m *fashion.Model, d *fashionmnist.Data, n int) {
	Show(figures.Mistakes(predictTest(m, d), n))
}

// CheckPrediction checks the class predicted for test image i.
func CheckPrediction(m *fashion.Model, d *fashionmnist.Data, i int, class string) bool {
	if i < 0 || i >= d.Test.Len() {
		return verdict(false, "", fmt.Sprintf("Test images are numbered 0 to %d.", d.Test.Len()-1))
	}
	probs := Must(m.PredictSplit(d.Test, i, i+1))
	got := fashionmnist.ClassNames[fashion.ArgMax(probs[0])]
	return verdict(strings.EqualFold(class, got), fmt.Sprintf("The model says %s for image %d.", got, i),
		"Predict that image with m.PredictSplit(d.Test, i, i+1) and take the most probable class.")
}

// accuracyTolerance is how far an accuracy may be from the count's: far
// below one image in 10,000 (1e-4), far above float64 rounding (1e-16).
const accuracyTolerance = 1e-9

// sameAccuracy reports whether got is the accuracy of right answers out
// of n, within accuracyTolerance. A tolerance, not ==: 1 - wrong/n is as
// right as right/n, and differs from it in the last bit for some counts
// (46 of the counts 8,500 to 9,000 out of 10,000).
func sameAccuracy(got float64, right, n int) bool {
	return math.Abs(got-float64(right)/float64(n)) <= accuracyTolerance
}

// CheckAccuracy checks the exercise of chapter 9: accuracy(predicted,
// labels) must return the share of predictions equal to their label. It
// tries it on a small example, then on the model's predictions for the
// test set, against the count made here and the accuracy m.Evaluate
// measured.
func CheckAccuracy(accuracy func(predicted, labels []int) float64, m *fashion.Model, d *fashionmnist.Data) bool {
	hint := "Count the images whose predicted class equals the label, and divide by the number of images (as float64)."
	if got := accuracy([]int{1, 2, 3, 4}, []int{1, 2, 0, 4}); math.Abs(got-0.75) > accuracyTolerance {
		return verdict(false, "", fmt.Sprintf("For predicted [1 2 3 4] and labels [1 2 0 4] it returns %g, not 0.75. %s", got, hint))
	}
	p := predictTest(m, d)
	labels := p.Split.Labels()
	right := p.Right()
	got := accuracy(p.Classes, labels)
	metrics := Must(m.Evaluate(d.Test))
	return verdict(sameAccuracy(got, right, len(labels)), fmt.Sprintf("%d of %d test images right: %.4f (m.Evaluate measured %.4f).", right, len(labels), got, metrics.Accuracy),
		fmt.Sprintf("On the test set it returns %g; %d of the %d predictions are right. %s", got, right, len(labels), hint))
}

// CheckPredictClasses checks the exercise of chapter 10: predictClasses
// must return the index of the largest probability of each row, as
// Keras' predict_classes (np.argmax(probs, axis=1)). It tries it on rows
// made here, then on the model's probabilities for the first 100 test
// images, against the argmax computed here.
func CheckPredictClasses(predictClasses func(probs [][]float32) []int, m *fashion.Model, d *fashionmnist.Data) bool {
	hint := "For each row, keep the index of its largest value: start with 0, and move on whenever a later value is larger."
	cases := [][][]float32{
		{{0.1, 0.7, 0.2}, {0.5, 0.3, 0.2}, {0.2, 0.2, 0.6}},
		Must(m.PredictSplit(d.Test, 0, 100)),
	}
	for _, probs := range cases {
		want := make([]int, len(probs))
		for i, row := range probs {
			for k, v := range row {
				if v > row[want[i]] {
					want[i] = k
				}
			}
		}
		got := predictClasses(probs)
		if len(got) != len(want) {
			return verdict(false, "", fmt.Sprintf("For %d rows it returns %d classes: one per row. %s", len(want), len(got), hint))
		}
		for i := range want {
			if got[i] != want[i] {
				return verdict(false, "", fmt.Sprintf("Row %d, %.3f, has its largest value at %d; your function says %d. %s", i, probs[i], want[i], got[i], hint))
			}
		}
	}
	return verdict(true, "Your argmax agrees on 3 rows made up and on the model's first 100 test predictions.", "")
}
