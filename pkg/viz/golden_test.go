package viz

import (
	"math"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/golden"

	"gonum.org/v1/plot/palette/moreland"
)

// The golden-image tests draw every figure kind of the package from fixed
// input and compare the picture with testdata/NAME_golden.png, pixel for
// pixel: a change that alters a picture fails here, and leaves the new
// picture as testdata/NAME.png beside the golden. After a change meant to
// alter the pictures, look at them and rewrite the goldens with
//
//	go test ./pkg/viz -regen

// goldenCase is a figure to compare with its golden image.
type goldenCase struct {
	name   string // file name in testdata, without _golden
	figure func() (*Figure, error)
}

// goldenPredictions returns predictions for the test images: every third
// one wrong, with confidences that differ.
func goldenPredictions(n int) (labels, predicted []int, confidence []float64) {
	for i := range n {
		labels = append(labels, i%10)
		p := i % 10
		if i%3 == 1 {
			p = (i*7 + 3) % 10
			if p == i%10 {
				p = (p + 1) % 10
			}
		}
		predicted = append(predicted, p)
		confidence = append(confidence, 0.5+0.45*math.Abs(math.Sin(float64(i))))
	}
	return labels, predicted, confidence
}

// goldenWeights returns two sets of weights, uniform in [-0.1, 0.1] and
// spread wider, without randomness.
func goldenWeights() []Series {
	initial, trained := make([]float64, 4000), make([]float64, 4000)
	for i := range initial {
		u := math.Mod(float64(i)*0.6180339887, 1)
		initial[i] = -0.1 + 0.2*u
		trained[i] = initial[i]*1.3 + 0.02*math.Sin(float64(i))
	}
	return []Series{{Name: "initial", Values: initial}, {Name: "trained", Values: trained}}
}

func goldenCases(t *testing.T) []goldenCase {
	images := testImages(15)
	labels, predicted, confidence := goldenPredictions(len(images))
	probs := []float64{0.02, 0.01, 0.05, 0.03, 0.11, 0.0, 0.62, 0.0, 0.15, 0.01}
	scaled := make([]float32, 28*28)
	for i, v := range images[3].Pix {
		scaled[i] = float32(v) / 255
	}
	return []goldenCase{
		{"image_grid.png", func() (*Figure, error) {
			names := make([]string, 10)
			for i := range names {
				names[i] = testClassNames[i]
			}
			return ImageGrid{Title: "The first 10 images", Images: images[:10], Captions: names}.Figure()
		}},
		{"image_grid_binary.png", func() (*Figure, error) {
			return ImageGrid{Images: images[:4], Cols: 4, Scale: 3, Palette: Reverse(Grayscale())}.Figure()
		}},
		{"prediction_grid.png", func() (*Figure, error) {
			return PredictionGrid{Title: "Predictions", Images: images[:10], Labels: labels[:10], Predicted: predicted[:10], ClassNames: testClassNames}.Figure()
		}},
		{"mistake_gallery.png", func() (*Figure, error) {
			return MistakeGallery{Title: "The most confident mistakes", Images: images, Labels: labels, Predicted: predicted,
				Confidence: confidence, ClassNames: testClassNames, Count: 4}.Figure()
		}},
		{"image_view.png", func() (*Figure, error) {
			return ImageView{Title: "Image 3, raw pixels", Image: GrayRaster(images[3])}.Figure()
		}},
		{"image_view_scaled.png", func() (*Figure, error) {
			r, err := NewRaster(scaled, 28, 28, 0, 1)
			if err != nil {
				return nil, err
			}
			return ImageView{Title: "Image 3, scaled", Image: r, ValueLabel: "pixel / 255", Scale: 8,
				Palette: moreland.Kindlmann().Palette(256)}.Figure()
		}},
		{"confusion_matrix.png", func() (*Figure, error) {
			return ConfusionMatrix{Title: "Confusion matrix", Counts: testConfusion(t), ClassNames: testClassNames}.Figure()
		}},
		{"class_accuracy.png", func() (*Figure, error) {
			return ClassAccuracy{Title: "Accuracy per class", Counts: testConfusion(t), ClassNames: testClassNames}.Figure()
		}},
		{"class_distribution.png", func() (*Figure, error) {
			var counts []Series
			for i, name := range []string{"train", "validation", "test"} {
				s := Series{Name: name}
				for c := range 10 {
					s.Values = append(s.Values, float64([]int{5400, 600, 1000}[i]+(c*37+i*11)%50))
				}
				counts = append(counts, s)
			}
			return ClassDistribution{Title: "Images per class", ClassNames: testClassNames, Counts: counts}.Figure()
		}},
		{"training_curves.png", func() (*Figure, error) {
			return TrainingCurves{Title: "Training history", Panels: HistoryPanels(testHistory(12)), BestEpoch: 8}.Figure()
		}},
		{"training_curves_steps.png", func() (*Figure, error) {
			panel := Panel{Title: "loss per step", YLabel: "loss"}
			for r, name := range []string{"lr 0.1", "lr 0.01", "lr 0.001"} {
				s := Series{Name: name}
				for i := range 30 {
					s.Values = append(s.Values, 2.3*math.Exp(-float64(i)*[]float64{0.2, 0.08, 0.01}[r])+0.1)
				}
				panel.Series = append(panel.Series, s)
			}
			return TrainingCurves{Panels: []Panel{panel}, XLabel: "step"}.Figure()
		}},
		{"learning_rate.png", func() (*Figure, error) {
			xs, ys, err := Sample(func(t float64) float64 { return 0.01 / (1 + 1e-5*t) }, 0, 30000, 300)
			if err != nil {
				return nil, err
			}
			return LearningRateSchedule{Title: "lr(t) = 0.01 / (1 + 1e-05 t)", Updates: xs, Rates: ys}.Figure()
		}},
		{"weight_histogram.png", func() (*Figure, error) {
			return WeightHistogram{Title: "Weights of dense (784 x 500)", Weights: goldenWeights(), Limit: math.Sqrt(6.0 / 1284)}.Figure()
		}},
		{"probability_chart.png", func() (*Figure, error) {
			return ProbabilityChart{Probabilities: probs, ClassNames: testClassNames, Label: 0, Image: images[0]}.Figure()
		}},
		{"probability_chart_bars.png", func() (*Figure, error) {
			return ProbabilityChart{Title: "Your picture", Probabilities: probs, ClassNames: testClassNames, Label: -1}.Figure()
		}},
		{"weight_images.png", func() (*Figure, error) {
			var units [][]float64
			for u := range 8 {
				w := make([]float64, 28*28)
				for i := range w {
					x, y := float64(i%28-14), float64(i/28-14)
					w[i] = 0.05 * math.Sin((x*math.Cos(float64(u))+y*math.Sin(float64(u)))/3)
				}
				units = append(units, w)
			}
			return WeightImages{Title: "Weights into the first 8 units", Weights: units, Width: 28, Height: 28, Cols: 4, Scale: 4}.Figure()
		}},
		{"linear_boundary.png", linearBoundary},
		{"linear_boundary.svg", linearBoundary}, // the vector path, byte for byte
	}
}

// linearBoundary is the golden LinearBoundary figure.
func linearBoundary() (*Figure, error) {
	points := gatePoints([4]int{0, 1, 1, 1})
	points[0].Label, points[3].Label = "(0, 0)", "(1, 1)"
	points[1].Marked, points[1].Label = true, "wrong side"
	return LinearBoundary{Title: "OR: w = (1, 1), b = -1.5", XLabel: "x1", YLabel: "x2", Points: points,
		Boundary: &HalfPlane{Weights: [2]float64{1, 1}, Bias: -1.5}, Margin: 0.5}.Figure()
}

// TestGolden compares every figure kind with its golden image.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		fig, err := c.figure()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		golden.Check(t, c.name, fig)
	}
}
