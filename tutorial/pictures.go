package tutorial

import (
	"fmt"
	"image"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
)

// ShowPicture shows a 28x28 picture beside the probability a model gives
// each class for it, and prints the most probable class.
func ShowPicture(title string, img *image.Gray, probs []float32, classNames []string) {
	if len(probs) != len(classNames) {
		check(fmt.Errorf("%d probabilities for %d classes", len(probs), len(classNames)))
	}
	values := make([]float64, len(probs))
	best := 0
	for i, p := range probs {
		values[i] = float64(p)
		if p > probs[best] {
			best = i
		}
	}
	fmt.Fprintf(stdout, "%s: %s (p=%.2f)\n", title, classNames[best], probs[best])
	Show(viz.ProbabilityChart{
		Title: fmt.Sprintf("%s, as the model sees it: %s", title, classNames[best]), Probabilities: values,
		ClassNames: classNames, Label: -1, Image: img,
	}.Figure())
}
