package viz

import (
	"math"
	"slices"
	"testing"
)

func TestMostConfidentMistakes(t *testing.T) {
	labels := []int{0, 1, 2, 3, 4, 5}
	preds := []int{0, 2, 2, 1, 0, 4}
	conf := []float64{0.99, 0.6, 0.9, 0.8, 0.6, 0.95}
	got, err := mostConfidentMistakes(labels, preds, conf, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{5, 3, 1}; !slices.Equal(got, want) { // 0.95, 0.8, then the first of two 0.6
		t.Errorf("mostConfidentMistakes = %v, want %v", got, want)
	}
	all, err := mostConfidentMistakes(labels, preds, conf, 100)
	if err != nil || !slices.Equal(all, []int{5, 3, 1, 4}) {
		t.Errorf("all mistakes = %v, %v", all, err)
	}
	for name, c := range map[string]struct {
		labels, preds []int
		conf          []float64
		n             int
	}{
		"n = 0":          {labels, preds, conf, 0},
		"no samples":     {nil, nil, nil, 3},
		"short preds":    {labels, preds[:5], conf, 3},
		"short conf":     {labels, preds, conf[:5], 3},
		"NaN confidence": {labels, preds, append([]float64{math.NaN()}, conf[1:]...), 3},
	} {
		if _, err := mostConfidentMistakes(c.labels, c.preds, c.conf, c.n); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestMistakeCaption(t *testing.T) {
	if got, want := mistakeCaption(6, 0, 0.974, testClassNames), "predicted Shirt\n(p=0.97)\ntrue T-shirt/top"; got != want {
		t.Errorf("mistakeCaption = %q, want %q", got, want)
	}
}

func TestMistakeGallery(t *testing.T) {
	n := 60
	images := testImages(n)
	labels, preds, conf := make([]int, n), make([]int, n), make([]float64, n)
	for i := range n {
		labels[i], preds[i], conf[i] = i%10, i%10, 0.5+float64(i)/200
		if i%4 == 0 {
			preds[i] = (i + 3) % 10
		}
	}
	g := MistakeGallery{Title: "mistakes", Images: images, Labels: labels, Predicted: preds, Confidence: conf, ClassNames: testClassNames, Count: 10}
	fig, err := g.Figure()
	if err != nil {
		t.Fatal(err)
	}
	checkRenders(t, fig, 700, 1000, 300, 700)
	g.Predicted = labels
	if _, err := g.Figure(); err == nil {
		t.Error("no mistakes: no error")
	}
	g.Predicted, g.Labels = preds, nil
	if _, err := g.Figure(); err == nil {
		t.Error("no labels: no error")
	}
}
