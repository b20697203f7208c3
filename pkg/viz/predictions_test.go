package viz

import (
	"image"
	"image/color"
	"math"
	"testing"
)

func TestPredictionCaption(t *testing.T) {
	for _, c := range []struct {
		pred, label int
		text        string
		clr         color.Color
	}{
		{9, 9, "Ankle boot", rightColor},
		{6, 0, "Shirt\n(true: T-shirt/top)", wrongColor},
		{2, -1, "Pullover", textColor},
	} {
		text, clr := predictionCaption(c.pred, c.label, testClassNames)
		if text != c.text || clr != c.clr {
			t.Errorf("predictionCaption(%d, %d) = %q, %v; want %q, %v", c.pred, c.label, text, clr, c.text, c.clr)
		}
	}
}

// countCaptionPixels counts the figure pixels near clr in the caption area
// under picture i of a grid.
func countCaptionPixels(fig image.Image, l gridLayout, i int, clr color.Color) int {
	cx, cy := l.caption(i)
	r0, g0, b0, _ := clr.RGBA()
	n := 0
	for y := int(cy); y < int(cy)+30; y++ {
		for x := int(cx - l.colW/2); x < int(cx+l.colW/2); x++ {
			r, g, b, _ := fig.At(x, y).RGBA()
			d := math.Abs(float64(r)-float64(r0)) + math.Abs(float64(g)-float64(g0)) + math.Abs(float64(b)-float64(b0))
			if d < 3*0x1000 {
				n++
			}
		}
	}
	return n
}

func TestPredictionGridCaptionColours(t *testing.T) {
	images := testImages(4)
	pred, labels := []int{9, 6, 1, 3}, []int{9, 0, 1, 4}
	g := PredictionGrid{Title: "predictions", Images: images, Predicted: pred, Labels: labels, ClassNames: testClassNames}
	fig, err := g.Figure()
	if err != nil {
		t.Fatal(err)
	}
	out := checkRenders(t, fig, 500, 1000, 200, 600)
	// The grid PredictionGrid draws, to find the captions.
	l := (ImageGrid{Title: g.Title, Images: images, Captions: []string{"Ankle boot", "Shirt\n(true: T-shirt/top)", "Trouser", "Dress\n(true: Coat)"}}).layout()
	for i := range images {
		right := pred[i] == labels[i]
		green, red := countCaptionPixels(out, l, i, rightColor), countCaptionPixels(out, l, i, wrongColor)
		if right && (green < 20 || red > 0) || !right && (red < 20 || green > 0) {
			t.Errorf("caption %d (right: %v) has %d green and %d red pixels", i, right, green, red)
		}
	}
}

func TestPredictionGridBadInput(t *testing.T) {
	imgs := testImages(3)
	for name, g := range map[string]PredictionGrid{
		"no images":         {Predicted: []int{}, ClassNames: testClassNames},
		"no class names":    {Images: imgs, Predicted: []int{1, 2, 3}},
		"too few predicted": {Images: imgs, Predicted: []int{1, 2}, ClassNames: testClassNames},
		"too many labels":   {Images: imgs, Predicted: []int{1, 2, 3}, Labels: []int{1, 2, 3, 4}, ClassNames: testClassNames},
		"predicted 10":      {Images: imgs, Predicted: []int{1, 2, 10}, ClassNames: testClassNames},
		"label -1":          {Images: imgs, Predicted: []int{1, 2, 3}, Labels: []int{1, -1, 3}, ClassNames: testClassNames},
	} {
		if _, err := g.Figure(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Unknown truth is fine: black captions.
	if _, err := (PredictionGrid{Images: imgs, Predicted: []int{1, 2, 3}, ClassNames: testClassNames}).Figure(); err != nil {
		t.Error(err)
	}
}

func TestProbabilityChart(t *testing.T) {
	probs := []float64{0.30, 0.001, 0.02, 0.01, 0.004, 0, 0.62, 0, 0.045, 0}
	for _, c := range []ProbabilityChart{
		{Probabilities: probs, ClassNames: testClassNames, Label: 0, Image: testImage(1)},
		{Probabilities: probs, ClassNames: testClassNames, Label: 6},
		{Title: "unknown truth", Probabilities: probs, ClassNames: testClassNames, Label: -1},
	} {
		fig, err := c.Figure()
		if err != nil {
			t.Fatal(err)
		}
		checkRenders(t, fig, 800, 1000, 300, 500)
	}
}

func TestProbabilityChartBadInput(t *testing.T) {
	probs := make([]float64, 10)
	probs[3] = 1
	for name, c := range map[string]ProbabilityChart{
		"no class names":    {Probabilities: probs},
		"too few":           {Probabilities: probs[:9], ClassNames: testClassNames},
		"above 1":           {Probabilities: append([]float64{1.5}, probs[1:]...), ClassNames: testClassNames},
		"negative":          {Probabilities: append([]float64{-0.1}, probs[1:]...), ClassNames: testClassNames},
		"NaN":               {Probabilities: append([]float64{math.NaN()}, probs[1:]...), ClassNames: testClassNames},
		"label 10":          {Probabilities: probs, ClassNames: testClassNames, Label: 10},
		"label -2":          {Probabilities: probs, ClassNames: testClassNames, Label: -2},
		"image of no pixel": {Probabilities: probs, ClassNames: testClassNames, Image: image.NewGray(image.Rectangle{})},
	} {
		if _, err := c.Figure(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
