package fashion

import (
	"fmt"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// Predictions holds what a model predicts for every image of a split.
type Predictions struct {
	// Split is the split predicted.
	Split *fashionmnist.Split
	// Probabilities has one row per image, one probability per class.
	Probabilities [][]float32
	// Classes holds the predicted class of each image (the most probable).
	Classes []int
	// Confidence holds the probability of each predicted class.
	Confidence []float64
}

// PredictAll predicts every image of a split, in batches.
func (m *Model) PredictAll(s *fashionmnist.Split) (*Predictions, error) {
	p := &Predictions{Split: s}
	for from := 0; from < s.Len(); from += evalBatchSize {
		probs, err := m.PredictSplit(s, from, min(from+evalBatchSize, s.Len()))
		if err != nil {
			return nil, err
		}
		for _, row := range probs {
			c := ArgMax(row)
			p.Probabilities = append(p.Probabilities, row)
			p.Classes = append(p.Classes, c)
			p.Confidence = append(p.Confidence, float64(row[c]))
		}
	}
	return p, nil
}

// Right returns how many images were predicted right.
func (p *Predictions) Right() int {
	right := 0
	for i, c := range p.Classes {
		if c == p.Split.Label(i) {
			right++
		}
	}
	return right
}

// Accuracy returns the fraction of images predicted right.
func (p *Predictions) Accuracy() float64 {
	return float64(p.Right()) / float64(len(p.Classes))
}

// String summarises the predictions.
func (p *Predictions) String() string {
	return fmt.Sprintf("%d predictions on %q, accuracy %.4f", len(p.Classes), p.Split.Name(), p.Accuracy())
}
