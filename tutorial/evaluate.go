package tutorial

import (
	"fmt"
	"math"
	"slices"
	"strconv"
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

// normaliseClass returns the label a learner's answer names (any case,
// spaces and quotes around it, a plural "s", "T-shirt" or "top" for
// T-shirt/top, "boot" for Ankle boot), or -1.
func normaliseClass(answer string) int {
	s := strings.ToLower(strings.Trim(strings.TrimSpace(answer), "\"'`."))
	if c := classIndex(s); c >= 0 {
		return c
	}
	switch s = strings.TrimSuffix(s, "s"); s {
	case "t-shirt", "tshirt", "t shirt", "top", "t-shirt/top":
		return 0
	case "trouser", "pant", "pants":
		return 1
	case "boot", "ankle boot", "ankle-boot":
		return 9
	}
	return classIndex(s)
}

// CheckHardestClass checks the name of the class the model gets wrong most
// often on the test set: the lowest share of its own images right. A
// failure says what share the named class has, and what it is when the
// check recognises the mistake (the easiest class, the class other images
// are most often taken for).
func CheckHardestClass(m *fashion.Model, d *fashionmnist.Data, class string) bool {
	const name = "hardest-class"
	p := predictTest(m, d)
	counts := Must(viz.ConfusionCounts(p.Split.Labels(), p.Classes, fashionmnist.NumClasses))
	perClass, _, err := viz.Accuracies(counts)
	check(err)
	hardest, easiest := 0, 0
	for c, a := range perClass {
		if a < perClass[hardest] {
			hardest = c
		}
		if a > perClass[easiest] {
			easiest = c
		}
	}
	if strings.TrimSpace(class) == "" {
		return verdict(name, false, "", "Write the class's name between the quotes.")
	}
	c := normaliseClass(class)
	if c < 0 {
		if _, err := strconv.Atoi(strings.TrimSpace(class)); err == nil {
			return verdict(name, false, "", fmt.Sprintf("%s is a label; write the class's name, as the chart labels it.", strings.TrimSpace(class)))
		}
		return verdict(name, false, "", fmt.Sprintf("%q is not a class name; they are: %s.", class, strings.Join(fashionmnist.ClassNames[:], ", ")))
	}
	if c == hardest {
		return verdict(name, true, fmt.Sprintf("%s (%.1f%% right): the model takes it most often for %s.",
			fashionmnist.ClassNames[hardest], 100*perClass[hardest], mostConfusedWith(counts, hardest)), "")
	}
	// The class the most images of other classes are taken for.
	taken := 0
	takenFor := make([]int, fashionmnist.NumClasses)
	for y, row := range counts {
		for k, n := range row {
			if k != y {
				takenFor[k] += n
			}
		}
	}
	for k := range takenFor {
		if takenFor[k] > takenFor[taken] {
			taken = k
		}
	}
	why := fmt.Sprintf("The model gets %.1f%% of the %s images right; another class has a lower share.", 100*perClass[c], fashionmnist.ClassNames[c])
	switch c {
	case easiest:
		why = fmt.Sprintf("%s is the class the model gets right most often (%.1f%%): its bar is the longest.", fashionmnist.ClassNames[c], 100*perClass[c])
	case taken:
		why = fmt.Sprintf("%s is the answer the model gives most often by mistake (its column of the matrix); the question is the class whose own images it gets wrong most often (its bar). %s",
			fashionmnist.ClassNames[c], why)
	}
	return verdict(name, false, "", why)
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

// CheckPrediction checks the class predicted for test image i. A failure
// says when the answer is the image's true class (which the model gets
// wrong), or the prediction for a neighbouring image.
func CheckPrediction(m *fashion.Model, d *fashionmnist.Data, i int, class string) bool {
	const name = "prediction"
	if i < 0 || i >= d.Test.Len() {
		return verdict(name, false, "", fmt.Sprintf("Test images are numbered 0 to %d.", d.Test.Len()-1))
	}
	if strings.TrimSpace(class) == "" {
		return verdict(name, false, "", "Write the class's name between the quotes.")
	}
	probs := Must(m.PredictSplit(d.Test, max(0, i-1), min(d.Test.Len(), i+2)))
	at := func(j int) int { return fashion.ArgMax(probs[j-max(0, i-1)]) }
	got := at(i)
	c := normaliseClass(class)
	switch {
	case c == got:
		return verdict(name, true, fmt.Sprintf("The model says %s for image %d.", fashionmnist.ClassNames[got], i), "")
	case c < 0:
		if _, err := strconv.Atoi(strings.TrimSpace(class)); err == nil {
			return verdict(name, false, "", fmt.Sprintf("%s is a label; write the class's name.", strings.TrimSpace(class)))
		}
		return verdict(name, false, "", fmt.Sprintf("%q is not a class name; they are: %s.", class, strings.Join(fashionmnist.ClassNames[:], ", ")))
	case c == d.Test.Label(i):
		return verdict(name, false, "", fmt.Sprintf("%s is what test image %d shows, its label; the model answers another class for it.", fashionmnist.ClassNames[c], i))
	case i > 0 && c == at(i-1) || i+1 < d.Test.Len() && c == at(i+1):
		return verdict(name, false, "", fmt.Sprintf("%s is the model's answer for a neighbouring image, not for image %d: mind the index (PredictSplit's row 0 is image `from`).", fashionmnist.ClassNames[c], i))
	}
	return verdict(name, false, "", fmt.Sprintf("The model does not answer %s for test image %d.", fashionmnist.ClassNames[c], i))
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
// measured. A failure names the case and what the value returned is, when
// the check recognises it.
func CheckAccuracy(accuracy func(predicted, labels []int) float64, m *fashion.Model, d *fashionmnist.Data) bool {
	const name = "accuracy"
	call := func(p, l []int) (float64, error) {
		var got float64
		err := tryRun(func() error { got = accuracy(slices.Clone(p), slices.Clone(l)); return nil })
		return got, err
	}
	small := func(p, l []int, right int) (bool, string) {
		got, err := call(p, l)
		if err != nil {
			return false, "Your function stopped: " + firstLine(err)
		}
		n := len(l)
		if sameAccuracy(got, right, n) {
			return true, ""
		}
		what := fmt.Sprintf("For predicted %v and labels %v it returns %g, not the share right.", p, l, got)
		switch {
		case got == 0 && right > 0:
			what += " 0: the right ones are not counted, or an integer division (in Go, 3 / 4 is 0 when both are integers) made the share 0."
		case got == float64(right):
			what += fmt.Sprintf(" %g is the count of right answers; the accuracy is a share of the %d images.", got, n)
		case sameAccuracy(got, n-right, n):
			what += " That is the share of wrong answers."
		case got == float64(n-right):
			what += " That is the count of wrong answers."
		case math.Abs(got-100*float64(right)/float64(n)) < 1e-9:
			what += " That is a percentage; the check wants the share, between 0 and 1."
		}
		return false, what
	}
	for _, c := range []struct {
		p, l  []int
		right int
	}{
		{[]int{1, 2, 3, 4}, []int{1, 2, 0, 4}, 3},
		{[]int{5, 5, 5, 9, 9}, []int{5, 9, 9, 9, 0}, 2},
	} {
		if ok, why := small(c.p, c.l, c.right); !ok {
			return verdict(name, false, "", why)
		}
	}
	p := predictTest(m, d)
	labels := p.Split.Labels()
	right := p.Right()
	got, err := call(p.Classes, labels)
	if err != nil {
		return verdict(name, false, "", "Your function stopped on the test set: "+firstLine(err))
	}
	metrics := Must(m.Evaluate(d.Test))
	return verdict(name, sameAccuracy(got, right, len(labels)), fmt.Sprintf("%d of %d test images right: %.4f (m.Evaluate measured %.4f).", right, len(labels), got, metrics.Accuracy),
		fmt.Sprintf("Right on the small examples, but on the %d test predictions it returns %g: do you count every image?", len(labels), got))
}

// CheckPredictClasses checks the exercise of chapter 10: predictClasses
// must return the index of the largest probability of each row, as
// Keras' predict_classes (np.argmax(probs, axis=1)). It tries it on rows
// made here, then on the model's probabilities for the first 100 test
// images, against the argmax computed here. A failure names the first row
// it gets wrong, and the mistake when the check recognises it.
func CheckPredictClasses(predictClasses func(probs [][]float32) []int, m *fashion.Model, d *fashionmnist.Data) bool {
	const name = "predictClasses"
	cases := [][][]float32{
		{{0.1, 0.7, 0.2}, {0.5, 0.3, 0.2}, {0.2, 0.2, 0.6}},
		Must(m.PredictSplit(d.Test, 0, 100)),
	}
	for _, probs := range cases {
		want := make([]int, len(probs))
		smallest := make([]int, len(probs))
		for i, row := range probs {
			for k, v := range row {
				if v > row[want[i]] {
					want[i] = k
				}
				if v < row[smallest[i]] {
					smallest[i] = k
				}
			}
		}
		in := make([][]float32, len(probs))
		for i := range probs {
			in[i] = slices.Clone(probs[i])
		}
		var got []int
		if err := tryRun(func() error { got = predictClasses(in); return nil }); err != nil {
			return verdict(name, false, "", "Your function stopped: "+firstLine(err))
		}
		if len(got) != len(want) {
			return verdict(name, false, "", fmt.Sprintf("For %d rows it returns %d classes: one per row.", len(want), len(got)))
		}
		for i := range want {
			if got[i] == want[i] {
				continue
			}
			why := fmt.Sprintf("Row %d, %.3f, has its largest value at position %d; your function says %d.", i, probs[i], want[i], got[i])
			switch {
			case got[i] == smallest[i]:
				why += " That is the position of the smallest value."
			case got[i] == want[i]+1:
				why += " Positions count from 0."
			case got[i] < 0 || got[i] >= len(probs[i]):
				why += fmt.Sprintf(" A position is between 0 and %d.", len(probs[i])-1)
			case got[i] == len(probs[i])-1:
				why += " That is the last position: is the largest value kept as it is found?"
			}
			return verdict(name, false, "", why)
		}
	}
	return verdict(name, true, "Your argmax agrees on 3 rows made up and on the model's first 100 test predictions.", "")
}
