package tutorial

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// The checks of chapters 4 to 12 that take a number, a name or a small
// function: each against its default, the wrong answers it recognises,
// other wrong answers, and right answers written in other ways.

func TestCheckClassCount(t *testing.T) {
	d := realData(t)
	_, text := capture(t)
	// Sandal: 5,507 training, 493 validation, 1,000 test.
	expectCheck(t, text, "6000", true, "5507 + 493 = 6000", func() bool { return CheckClassCount(d, "Sandal", 6000) })
	for _, c := range []struct {
		n    int
		want string
	}{
		{0, "Replace the 0"},
		{5507, "training column only"},
		{493, "validation column only"},
		{1000, "test column"},
		{7000, "counts the test images too"},
		{60000, "counts every class"},
		{5000, "counts every class"},
		{6001, "6001 is not in the Sandal row"},
	} {
		expectCheck(t, text, fmt.Sprint(c.n), false, c.want, func() bool { return CheckClassCount(d, "Sandal", c.n) })
		noneContains(t, "CheckClassCount", text.String(), "6000", "6,000")
	}
}

func TestCheckPartitions(t *testing.T) {
	d := realData(t)
	_, text := capture(t)
	expectCheck(t, text, "right", true, "55,000 images to learn from", func() bool { return CheckPartitions(d, 55000, 5000, 10000) })
	for _, c := range []struct {
		a, b, c int
		want    string
	}{
		{0, 0, 0, "Replace the three zeros"},
		{60000, 5000, 10000, "training: 60000 is the whole training file"},
		{55000, 10000, 5000, "validation: 10000 is the size of another partition. test: 5000 is the size of another partition"},
		{50000, 5000, 10000, "training: 50000 is not its size"},
		{55000, 5000, 70000, "test: 70000 is the whole data set"},
	} {
		expectCheck(t, text, fmt.Sprint(c.a, c.b, c.c), false, c.want, func() bool { return CheckPartitions(d, c.a, c.b, c.c) })
	}
}

func TestCheckScaledPixel(t *testing.T) {
	d := realData(t)
	_, text := capture(t)
	raw := d.TrainFile.Pixels(0)[20*28+5]
	transposed := d.TrainFile.Pixels(0)[5*28+20]
	if raw == 0 || raw == transposed {
		t.Fatalf("pixel (20, 5) of image 0 is %d, (5, 20) %d: the exercise needs a pixel that is not 0 and not its transpose", raw, transposed)
	}
	want := float64(raw) / 255
	for _, right := range []float64{want, math.Round(want*1000) / 1000, math.Round(want*1e4) / 1e4} {
		expectCheck(t, text, fmt.Sprint(right), true, "✓ Right!", func() bool { return CheckScaledPixel(d, 0, 20, 5, right) })
	}
	for _, c := range []struct {
		value float64
		want  string
	}{
		{0, "0 is the placeholder"},
		{float64(raw), "the byte as the file stores it"},
		{float64(raw) / 256, "divided by 256"},
		{float64(transposed) / 255, "rows come first"},
		{math.Round(want*10) / 10, "Close:"},
		{want + 0.01, "is not that pixel's scaled value"},
	} {
		expectCheck(t, text, fmt.Sprint(c.value), false, c.want, func() bool { return CheckScaledPixel(d, 0, 20, 5, c.value) })
		noneContains(t, "CheckScaledPixel", text.String(), fmt.Sprintf("%.4f", want), fmt.Sprintf("%.3f", want))
	}
}

func TestCheckScale(t *testing.T) {
	realData(t)
	_, text := capture(t)
	loop := func(pixels []uint8) []float32 {
		out := make([]float32, 0, len(pixels))
		for _, p := range pixels {
			out = append(out, float32(p)*(1.0/255))
		}
		return out
	}
	for name, fn := range map[string]func([]uint8) []float32{"answer": answerScale, "append, times 1/255": loop} {
		expectCheck(t, text, name, true, "scales the first training image", func() bool { return CheckScale(fn) })
	}
	for name, c := range map[string]struct {
		fn   func([]uint8) []float32
		want string
	}{
		"template": {func(p []uint8) []float32 { return make([]float32, len(p)) }, "0, 0 and 0: the values are never set"},
		"integer division": {func(p []uint8) []float32 {
			out := make([]float32, len(p))
			for i, b := range p {
				out[i] = float32(b / 255)
			}
			return out
		}, "an integer division"},
		"by 256": {func(p []uint8) []float32 {
			out := answerScale(p)
			for i := range out {
				out[i] *= 255.0 / 256
			}
			return out
		}, "divided by 256"},
		"copied": {func(p []uint8) []float32 {
			out := make([]float32, len(p))
			for i, b := range p {
				out[i] = float32(b)
			}
			return out
		}, "copied, not scaled"},
		"short":   {func(p []uint8) []float32 { return answerScale(p[:len(p)-1]) }, "For 3 bytes it returns 2 values"},
		"shifted": {func(p []uint8) []float32 { return append([]float32{0}, answerScale(p)[:len(p)-1]...) }, "shifted by one"},
		"in place": {func(p []uint8) []float32 {
			for i := range p {
				p[i] = 0
			}
			return answerScale(p)
		}, "changed the bytes it was given"},
		"panics": {func(p []uint8) []float32 { return answerScale(p)[:len(p)+1] }, "Your function stopped"},
	} {
		expectCheck(t, text, name, false, c.want, func() bool { return CheckScale(c.fn) })
		noneContains(t, "CheckScale", text.String(), "float32(p) / 255", "float32(p)/255")
	}
}

func TestCheckLearningRate(t *testing.T) {
	_, text := capture(t)
	r := fashion.ArticleRecipe()
	want := 0.01 / (1 + 1e-6*17190)
	for _, right := range []float64{want, 0.009831, 0.0098310, 0.00983100501} {
		expectCheck(t, text, fmt.Sprint(right), true, "✓ Right!", func() bool { return CheckLearningRate(r, 17190, right) })
	}
	for _, c := range []struct {
		lr   float64
		want string
	}{
		{0.0, "0.0 is the placeholder"},
		{0.01, "the rate before any update: the decay after 17190 updates is missing"},
		{0.00983, "Close: 0.00983 has 3 significant digits"},
		{0.0098, "Close:"},
		{0.009983, "after 1719 updates, one epoch"},
		{0.00998, "after 1719 updates, one epoch"},
		{0.01 / (1 + 1e-6*171900), "ten times too many"},
		{0.01 * math.Exp(-1e-6*17190), "lr0·e^(−decay·t)"},
		{0.01 * (1 - 1e-6*17190), "lr0·(1 − decay·t)"},
		{1 / (1 + 1e-6*17190), "the rate starts at lr0, not 1"},
		{0.01 + 1e-6*17190, "Go divides before it adds"},
		{0.01 - 1e-6*17190, "the decay divides the rate"},
		{0.0099, "is not the rate after 17190 updates"},
	} {
		expectCheck(t, text, fmt.Sprint(c.lr), false, c.want, func() bool { return CheckLearningRate(r, 17190, c.lr) })
		noneContains(t, "CheckLearningRate", text.String(), "0.009831")
	}
}

func TestCheckAccuracyAndPredictClasses(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	d := realData(t)
	_, text := capture(t)
	m, err := fashion.New(Backend(), fashion.ArticleMLP, Seed) // untrained: its answers are as good as any to count
	if err != nil {
		t.Fatal(err)
	}
	wrongFirst := func(predicted, labels []int) float64 {
		wrong := 0
		for i := range labels {
			if predicted[i] != labels[i] {
				wrong++
			}
		}
		return 1 - float64(wrong)/float64(len(labels))
	}
	for name, fn := range map[string]func(p, l []int) float64{"answer": answerAccuracy, "1 - wrong/n": wrongFirst} {
		expectCheck(t, text, name, true, "test images right", func() bool { return CheckAccuracy(fn, m, d) })
	}
	intDiv := func(p, l []int) float64 {
		right := 0
		for i := range p {
			if p[i] == l[i] {
				right++
			}
		}
		return float64(right / len(l))
	}
	for name, c := range map[string]struct {
		fn   func(p, l []int) float64
		want string
	}{
		"template":         {func([]int, []int) float64 { return 0 }, "returns 0, not the share right. 0: the right ones are not counted"},
		"integer division": {intDiv, "integer division"},
		"share wrong":      {func(p, l []int) float64 { return 1 - answerAccuracy(p, l) }, "the share of wrong answers"},
		"count":            {func(p, l []int) float64 { return answerAccuracy(p, l) * float64(len(l)) }, "the count of right answers"},
		"count wrong":      {func(p, l []int) float64 { return (1 - answerAccuracy(p, l)) * float64(len(l)) }, "the count of wrong answers"},
		"percent":          {func(p, l []int) float64 { return 100 * answerAccuracy(p, l) }, "a percentage"},
		"first 1000":       {func(p, l []int) float64 { return answerAccuracy(p[:min(len(p), 1000)], l[:min(len(l), 1000)]) }, "do you count every image"},
		"panics":           {func(p, l []int) float64 { return float64(p[len(p)]) }, "Your function stopped"},
	} {
		expectCheck(t, text, name, false, c.want, func() bool { return CheckAccuracy(c.fn, m, d) })
	}

	argmaxLast := func(probs [][]float32) []int { // >= keeps the last of equal values: right too, the rows have no ties
		out := make([]int, len(probs))
		for i, row := range probs {
			for k, v := range row {
				if v >= row[out[i]] {
					out[i] = k
				}
			}
		}
		return out
	}
	for name, fn := range map[string]func([][]float32) []int{"answer": answerPredictClasses, ">=": argmaxLast} {
		expectCheck(t, text, name, true, "agrees on 3 rows", func() bool { return CheckPredictClasses(fn, m, d) })
	}
	argmin := func(probs [][]float32) []int {
		out := make([]int, len(probs))
		for i, row := range probs {
			for k, v := range row {
				if v < row[out[i]] {
					out[i] = k
				}
			}
		}
		return out
	}
	plusOne := func(probs [][]float32) []int {
		out := answerPredictClasses(probs)
		for i := range out {
			out[i]++
		}
		return out
	}
	lastLarger := func(probs [][]float32) []int { // compares with the previous value, not the best so far
		out := make([]int, len(probs))
		for i, row := range probs {
			for k := 1; k < len(row); k++ {
				if row[k] > row[k-1] {
					out[i] = k
				}
			}
		}
		return out
	}
	for name, c := range map[string]struct {
		fn   func([][]float32) []int
		want string
	}{
		"template":    {func(p [][]float32) []int { return make([]int, len(p)) }, "Row 0, [0.100 0.700 0.200], has its largest value at position 1; your function says 0."},
		"argmin":      {argmin, "the position of the smallest value"},
		"plus one":    {plusOne, "Positions count from 0"},
		"short":       {func(p [][]float32) []int { return answerPredictClasses(p[1:]) }, "For 3 rows it returns 2 classes"},
		"last larger": {lastLarger, "your function says"},
	} {
		expectCheck(t, text, name, false, c.want, func() bool { return CheckPredictClasses(c.fn, m, d) })
	}
}

func TestCheckHardestClassAndPrediction(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	d := realData(t)
	_, text := capture(t)
	m := trainedBriefly(t, d)
	p, err := m.PredictAll(d.Test)
	if err != nil {
		t.Fatal(err)
	}
	// The oracle: the per-class shares counted here, from the predictions.
	right, total := make([]int, 10), make([]int, 10)
	for i, y := range p.Split.Labels() {
		total[y]++
		if p.Classes[i] == y {
			right[y]++
		}
	}
	share := func(c int) float64 { return float64(right[c]) / float64(total[c]) }
	hardest, easiest := 0, 0
	for c := range 10 {
		if share(c) < share(hardest) {
			hardest = c
		}
		if share(c) > share(easiest) {
			easiest = c
		}
	}
	name := fashionmnist.ClassNames[hardest]
	for _, answer := range []string{name, " " + strings.ToLower(name) + " ", `"` + name + `"`, strings.ToUpper(name) + "s"} {
		expectCheck(t, text, answer, true, "✓ Right! "+name, func() bool { return CheckHardestClass(m, d, answer) })
	}
	other := (hardest + 1) % 10
	if other == easiest {
		other = (other + 1) % 10
	}
	for _, c := range []struct{ answer, want string }{
		{"", "Write the class's name"},
		{fmt.Sprint(hardest), "is a label; write the class's name"},
		{"Jacket", `"Jacket" is not a class name`},
		{fashionmnist.ClassNames[easiest], "its bar is the longest"},
		{fashionmnist.ClassNames[other], fmt.Sprintf("%.1f%% of the %s images right; another class has a lower share", 100*share(other), fashionmnist.ClassNames[other])},
	} {
		expectCheck(t, text, c.answer, false, c.want, func() bool { return CheckHardestClass(m, d, c.answer) })
		noneContains(t, "CheckHardestClass", text.String(), name+" (")
	}

	// Test image i whose prediction differs from its label and from its neighbours'.
	i := -1
	for j := 1; j < 200; j++ {
		if p.Classes[j] != p.Split.Label(j) && p.Classes[j-1] != p.Classes[j] && p.Classes[j+1] != p.Classes[j] &&
			p.Classes[j-1] != p.Split.Label(j) && p.Classes[j+1] != p.Split.Label(j) && p.Classes[j-1] != p.Classes[j+1] {
			i = j
			break
		}
	}
	if i < 0 {
		t.Fatal("no test image among the first 200 to try CheckPrediction's refusals on")
	}
	predicted := fashionmnist.ClassNames[p.Classes[i]]
	expectCheck(t, text, predicted, true, "The model says "+predicted, func() bool { return CheckPrediction(m, d, i, " "+predicted+" ") })
	unused := 0
	for slices.Contains([]int{p.Classes[i-1], p.Classes[i], p.Classes[i+1], p.Split.Label(i)}, unused) {
		unused++
	}
	for _, c := range []struct{ answer, want string }{
		{"", "Write the class's name"},
		{fashionmnist.ClassNames[p.Split.Label(i)], "its label; the model answers another class"},
		{fashionmnist.ClassNames[p.Classes[i+1]], "a neighbouring image"},
		{fashionmnist.ClassNames[p.Classes[i-1]], "a neighbouring image"},
		{fmt.Sprint(p.Classes[i]), "is a label; write the class's name"},
		{fashionmnist.ClassNames[unused], "The model does not answer"},
	} {
		expectCheck(t, text, c.answer, false, c.want, func() bool { return CheckPrediction(m, d, i, c.answer) })
		noneContains(t, "CheckPrediction", text.String(), predicted)
	}
}

// trainedBriefly returns the article's network trained one epoch on 2,000
// images: its mistakes are many and spread over the classes, enough for
// the checks of chapters 9 and 10.
func trainedBriefly(t *testing.T, d *fashionmnist.Data) *fashion.Model {
	t.Helper()
	m, err := fashion.New(Backend(), fashion.ArticleMLP, Seed)
	if err != nil {
		t.Fatal(err)
	}
	r := fashion.ArticleRecipe()
	r.Epochs, r.Limit, r.Patience = 1, 2000, -1
	if _, err := m.Fit(d.Train, nil, r); err != nil {
		t.Fatal(err)
	}
	return m
}
