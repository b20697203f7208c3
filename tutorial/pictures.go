package tutorial

import (
	"fmt"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
)

// PredictPicture classifies your own picture (PNG, JPEG or GIF, any size and
// colour): it converts it the way Fashion-MNIST was made (grayscale, inverted
// when the background is light, trimmed, fitted into 28x28 and centred),
// then shows the 28x28 result beside the model's ten probabilities.
func PredictPicture(m *fashion.Model, path string) string {
	img := Must(fashion.ReadPicture(path))
	probs := Must(m.Predict([][]float32{Must(fashion.ScalePixels(img))}))[0]
	values := make([]float64, len(probs))
	for i, p := range probs {
		values[i] = float64(p)
	}
	name := m.ClassNames()[fashion.ArgMax(probs)]
	fmt.Fprintf(stdout, "%s: %s (p=%.2f)\n", path, name, probs[fashion.ArgMax(probs)])
	Show(viz.ProbabilityChart{
		Title: fmt.Sprintf("%s, as the model sees it: %s", path, name), Probabilities: values,
		ClassNames: m.ClassNames(), Label: -1, Image: img,
	}.Figure())
	return name
}
