package viz

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestConfusionCounts(t *testing.T) {
	labels := []int{0, 0, 1, 2, 2, 2, 1}
	preds := []int{0, 1, 1, 2, 0, 2, 1}
	got, err := ConfusionCounts(labels, preds, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int{{1, 1, 0}, {0, 2, 0}, {1, 0, 2}}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("ConfusionCounts = %v, want %v", got, want)
			}
		}
	}
}

func TestConfusionCountsSumToSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 1000
	labels, preds := make([]int, n), make([]int, n)
	for i := range labels {
		labels[i], preds[i] = rng.IntN(10), rng.IntN(10)
	}
	counts, err := ConfusionCounts(labels, preds, 10)
	if err != nil {
		t.Fatal(err)
	}
	total, diag, right := 0, 0, 0
	for i, row := range counts {
		for _, v := range row {
			total += v
		}
		diag += row[i]
	}
	for i := range labels {
		if labels[i] == preds[i] {
			right++
		}
	}
	if total != n || diag != right {
		t.Errorf("counts sum to %d (want %d), diagonal %d (want %d)", total, n, diag, right)
	}
	_, overall, err := Accuracies(counts)
	if err != nil || overall != float64(right)/n {
		t.Errorf("Accuracies overall = %v, %v; want %v", overall, err, float64(right)/n)
	}
}

func TestConfusionCountsBadInput(t *testing.T) {
	for name, c := range map[string]struct {
		labels, preds []int
		n             int
	}{
		"no samples":    {nil, nil, 10},
		"mismatched":    {[]int{1, 2}, []int{1}, 10},
		"label too big": {[]int{10}, []int{1}, 10},
		"negative pred": {[]int{1}, []int{-1}, 10},
		"zero classes":  {[]int{0}, []int{0}, 0},
	} {
		if _, err := ConfusionCounts(c.labels, c.preds, c.n); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestAccuracies(t *testing.T) {
	per, overall, err := Accuracies([][]int{{3, 1, 0}, {0, 0, 0}, {1, 1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if per[0] != 0.75 || !math.IsNaN(per[1]) || per[2] != 0.5 || overall != 5.0/8 {
		t.Errorf("Accuracies = %v, %v", per, overall)
	}
	for name, m := range map[string][][]int{
		"empty":      nil,
		"ragged":     {{1, 2}, {3}},
		"no samples": {{0, 0}, {0, 0}},
		"negative":   {{1, -1}, {0, 1}},
	} {
		if _, _, err := Accuracies(m); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func testConfusion(t *testing.T) [][]int {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	labels, preds := make([]int, 10000), make([]int, 10000)
	for i := range labels {
		labels[i], preds[i] = i%10, i%10
		if rng.Float64() < 0.12 {
			preds[i] = rng.IntN(10)
		}
	}
	counts, err := ConfusionCounts(labels, preds, 10)
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

func TestConfusionMatrixFigure(t *testing.T) {
	fig, err := ConfusionMatrix{Title: "Confusion matrix", Counts: testConfusion(t), ClassNames: testClassNames}.Figure()
	if err != nil {
		t.Fatal(err)
	}
	checkRenders(t, fig, 700, 1000, 650, 900)
	// All zeros still draw.
	zeros := [][]int{{0, 0}, {0, 0}}
	if _, err := (ConfusionMatrix{Counts: zeros, ClassNames: []string{"a", "b"}}).Figure(); err != nil {
		t.Error(err)
	}
}

func TestClassAccuracyFigure(t *testing.T) {
	fig, err := ClassAccuracy{Title: "Accuracy per class", Counts: testConfusion(t), ClassNames: testClassNames}.Figure()
	if err != nil {
		t.Fatal(err)
	}
	checkRenders(t, fig, 800, 1000, 300, 500)
	// A class without test samples reads n/a.
	m := [][]int{{5, 1}, {0, 0}}
	if _, err := (ClassAccuracy{Counts: m, ClassNames: []string{"a", "b"}}).Figure(); err != nil {
		t.Error(err)
	}
}

func TestConfusionFiguresBadInput(t *testing.T) {
	names := []string{"a", "b"}
	for name, m := range map[string]ConfusionMatrix{
		"no names":      {Counts: [][]int{{1}}},
		"too few rows":  {Counts: [][]int{{1, 2}}, ClassNames: names},
		"short row":     {Counts: [][]int{{1, 2}, {3}}, ClassNames: names},
		"negative":      {Counts: [][]int{{1, 2}, {3, -4}}, ClassNames: names},
		"empty palette": {Counts: [][]int{{1, 2}, {3, 4}}, ClassNames: names, Palette: emptyPalette{}},
	} {
		if _, err := m.Figure(); err == nil {
			t.Errorf("confusion matrix, %s: no error", name)
		}
		if m.Palette != nil {
			continue
		}
		if _, err := (ClassAccuracy{Counts: m.Counts, ClassNames: m.ClassNames}).Figure(); err == nil {
			t.Errorf("class accuracy, %s: no error", name)
		}
	}
}
