package figures

import (
	"math"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/golden"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
)

// The golden-image tests draw every figure of the package from a small
// synthetic data set and made-up predictions, history and weights (no
// model runs), and compare each picture with testdata/NAME_golden.png
// pixel for pixel. After a change meant to alter the pictures, look at
// testdata/NAME.png and rewrite the goldens with
//
//	go test ./pkg/figures -regen

// goldenPredictions returns made-up predictions for a split: the true
// class most probable for two images in three, a neighbour's otherwise.
func goldenPredictions(s *fashionmnist.Split) *fashion.Predictions {
	p := &fashion.Predictions{Split: s}
	for i := range s.Len() {
		row := make([]float32, fashionmnist.NumClasses)
		top := s.Label(i)
		if i%3 == 2 {
			top = (top + 1 + i%4) % fashionmnist.NumClasses
		}
		var sum float64
		for k := range row {
			v := 0.2 + math.Abs(math.Sin(float64(i*fashionmnist.NumClasses+k)))
			if k == top {
				v += 4 + float64(i%5)
			}
			row[k] = float32(v)
			sum += v
		}
		for k := range row {
			row[k] /= float32(sum)
		}
		p.Probabilities = append(p.Probabilities, row)
		p.Classes = append(p.Classes, top)
		p.Confidence = append(p.Confidence, float64(row[top]))
	}
	return p
}

// goldenHistory returns a made-up history of six epochs, best at the
// fourth.
func goldenHistory() *fashion.History {
	h := &fashion.History{BestEpoch: 4}
	for e := 1; e <= 6; e++ {
		f := float64(e)
		h.Epochs = append(h.Epochs, fashion.EpochLog{
			Epoch: e, Loss: 0.6 / (1 + f/2), Accuracy: 0.92 - 0.2/(1+f),
			ValLoss: 0.45/(1+f/4) + 0.02*f, ValAccuracy: 0.88 - 0.1/(1+f),
		})
	}
	return h
}

// goldenWeights returns made-up weights of a layer of fanIn x units.
func goldenWeights(fanIn, units int, scale float64) *fashion.LayerWeights {
	lw := &fashion.LayerWeights{Biases: make([]float32, units)}
	limit := fashion.GlorotLimit(fanIn, units)
	for i := range fanIn {
		row := make([]float32, units)
		for j := range row {
			u := math.Mod(float64(i*units+j)*0.6180339887, 1)
			row[j] = float32(scale * limit * (2*u - 1))
		}
		lw.Weights = append(lw.Weights, row)
	}
	return lw
}

// TestGolden compares every figure of the package with its golden image.
func TestGolden(t *testing.T) {
	d := syntheticData(t)
	p := goldenPredictions(d.Test)
	for _, c := range []struct {
		name   string
		figure func() (*viz.Figure, error)
	}{
		{"first_images.png", func() (*viz.Figure, error) { return FirstImages(d.Train, 10, 5) }},
		{"one_per_class.png", func() (*viz.Figure, error) { return OnePerClass(d.Train) }},
		{"pixels_raw.png", func() (*viz.Figure, error) { return PixelValues(d.Train, 0, false) }},
		{"pixels_scaled.png", func() (*viz.Figure, error) { return PixelValues(d.Train, 0, true) }},
		{"class_distribution.png", func() (*viz.Figure, error) { return ClassDistribution(d) }},
		{"learning_rate.png", func() (*viz.Figure, error) { return LearningRate(fashion.ArticleRecipe(), 2000) }},
		{"training_curves.png", func() (*viz.Figure, error) { return TrainingCurves(goldenHistory()) }},
		{"weight_histogram.png", func() (*viz.Figure, error) {
			sets := map[string]*fashion.LayerWeights{"initial": goldenWeights(40, 25, 1), "trained": goldenWeights(40, 25, 1.4)}
			return WeightHistogram("dense", 40, 25, sets, "initial", "trained")
		}},
		{"weight_images.png", func() (*viz.Figure, error) {
			return weightImages("dense", goldenWeights(fashionmnist.ImagePixels, 12, 1), 10)
		}},
		{"predictions.png", func() (*viz.Figure, error) { return Predictions(p, 10) }},
		{"probabilities.png", func() (*viz.Figure, error) { return Probabilities(p, 2) }},
		{"confusion.png", func() (*viz.Figure, error) { return Confusion(p) }},
		{"class_accuracy.png", func() (*viz.Figure, error) { return ClassAccuracy(p) }},
		{"mistakes.png", func() (*viz.Figure, error) { return Mistakes(p, 5) }},
	} {
		fig, err := c.figure()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		golden.Check(t, c.name, fig)
	}
}
