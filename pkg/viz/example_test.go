package viz_test

import (
	"image/color"
	"log"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/golden"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// A figure's gonum plots are open to plotters of one's own: here a dashed
// line at a target loss on the loss panel of training curves, with its
// legend entry.
func ExampleFigure_Plots() {
	fig, err := viz.TrainingCurves{
		Title: "Training history",
		Panels: viz.HistoryPanels(map[string][]float64{
			"loss":     {0.52, 0.39, 0.35, 0.33, 0.31, 0.30},
			"val_loss": {0.42, 0.38, 0.36, 0.35, 0.35, 0.36},
		}),
		BestEpoch: 4,
	}.Figure()
	if err != nil {
		log.Fatal(err)
	}
	loss := fig.Plots()[0]
	target := plotter.NewFunction(func(float64) float64 { return 0.32 })
	target.Color = color.RGBA{R: 0xc0, A: 0xff}
	target.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
	loss.Add(target)
	loss.Legend.Add("target (0.32)", target)
	if err := fig.Save("testdata/custom_plotter.png"); err != nil {
		log.Fatal(err)
	}
}

// TestExampleFigure_Plots checks the example's picture against its golden.
func TestExampleFigure_Plots(t *testing.T) {
	golden.CheckExample(t, "custom_plotter.png", ExampleFigure_Plots)
}
