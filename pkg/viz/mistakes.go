package viz

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"slices"

	"gonum.org/v1/plot/palette"
)

// defaultMistakes is the number of pictures of a MistakeGallery that does
// not say.
const defaultMistakes = 20

// mostConfidentMistakes returns the indices of the at most n samples the
// model got wrong with the highest confidence (the probability it gave its
// prediction), most confident first; ties keep sample order.
func mostConfidentMistakes(labels, predicted []int, confidence []float64, n int) ([]int, error) {
	if n <= 0 {
		return nil, errorf("most confident mistakes: n = %d, want > 0", n)
	}
	if len(labels) == 0 {
		return nil, errorf("most confident mistakes: no samples")
	}
	if err := checkLen("predictions", len(predicted), len(labels), "labels"); err != nil {
		return nil, err
	}
	if err := checkLen("confidences", len(confidence), len(labels), "labels"); err != nil {
		return nil, err
	}
	if err := checkFinite("confidence", confidence); err != nil {
		return nil, err
	}
	var wrong []int
	for i := range labels {
		if labels[i] != predicted[i] {
			wrong = append(wrong, i)
		}
	}
	slices.SortStableFunc(wrong, func(a, b int) int { return cmp.Compare(confidence[b], confidence[a]) })
	return wrong[:min(n, len(wrong))], nil
}

// MistakeGallery draws the test pictures the model got wrong with the
// highest confidence, each captioned in red with three lines:
// "predicted X", "(p=0.97)" and "true Y".
type MistakeGallery struct {
	// Title is drawn above the gallery; empty for none.
	Title string
	// Images are all the pictures; Labels, Predicted and Confidence (the
	// probability of the predicted class) are given for each.
	Images            []*image.Gray
	Labels, Predicted []int
	Confidence        []float64
	// ClassNames name the classes, by label.
	ClassNames []string
	// Count is the most pictures to show; 0 means 20.
	Count int
	// Cols, Scale and Palette are as in ImageGrid.
	Cols, Scale int
	Palette     palette.Palette
}

// Figure picks the mistakes and returns their picture. It is an error if
// the model made none.
func (g MistakeGallery) Figure() (*Figure, error) {
	if err := checkPredictions(g.Images, g.Predicted, g.Labels, g.ClassNames); err != nil {
		return nil, err
	}
	if g.Labels == nil {
		return nil, errorf("mistake gallery: no labels")
	}
	if g.Count < 0 {
		return nil, errorf("mistake gallery: count %d", g.Count)
	}
	count := g.Count
	if count == 0 {
		count = defaultMistakes
	}
	picked, err := mostConfidentMistakes(g.Labels, g.Predicted, g.Confidence, count)
	if err != nil {
		return nil, err
	}
	if len(picked) == 0 {
		return nil, errorf("mistake gallery: the model made no mistakes on these %d images", len(g.Images))
	}
	grid := ImageGrid{Title: g.Title, Cols: g.Cols, Scale: g.Scale, Palette: g.Palette}
	for _, i := range picked {
		grid.Images = append(grid.Images, g.Images[i])
		grid.Captions = append(grid.Captions, mistakeCaption(g.Predicted[i], g.Labels[i], g.Confidence[i], g.ClassNames))
		grid.CaptionColors = append(grid.CaptionColors, color.Color(wrongColor))
	}
	return grid.Figure()
}

// mistakeCaption returns the caption of a picture of class label wrongly
// predicted as pred with probability p.
func mistakeCaption(pred, label int, p float64, names []string) string {
	return fmt.Sprintf("predicted %s\n(p=%.2f)\ntrue %s", names[pred], p, names[label])
}
