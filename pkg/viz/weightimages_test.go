package viz

import (
	"image"
	"image/color"
	"math"
	"testing"

	"gonum.org/v1/plot/palette/moreland"
)

// TestWeightImagesColours checks that each weight is drawn, where its
// pixel lies, in the colour of its value on a scale symmetric around 0.
func TestWeightImagesColours(t *testing.T) {
	weights := [][]float64{{-2, -1, 0, 0.5, 1, 2}, {0, 0, 0, 0, 0, -0.25}}
	const scale = 10
	wi := WeightImages{Weights: weights, Width: 3, Height: 2, Scale: scale}
	fig, err := wi.Figure()
	if err != nil {
		t.Fatal(err)
	}
	img := renderPNG(t, fig)
	l := (ImageGrid{Images: []*image.Gray{image.NewGray(image.Rect(0, 0, 3, 2)), image.NewGray(image.Rect(0, 0, 3, 2))},
		Captions: []string{"unit 0", "unit 1"}, Scale: scale}).layout()
	colors := moreland.SmoothBlueRed().Palette(255).Colors()
	for u, w := range weights {
		x0, y0 := l.cell(u, 3, 2)
		for i, v := range w {
			x, y := int(x0)+(i%3)*scale+scale/2, int(y0)+(i/3)*scale+scale/2
			got := color.RGBAModel.Convert(img.At(x, y))
			want := color.RGBAModel.Convert(heatColor(colors, v, -2, 2))
			if got != want {
				t.Errorf("unit %d, weight %d (%v): drawn %v, want %v", u, i, v, got, want)
			}
		}
	}
	if got := len(fig.Plots()); got != 1 {
		t.Errorf("%d plots, want 1 (the colour bar)", got)
	}
}

func TestWeightImagesBadInput(t *testing.T) {
	for name, wi := range map[string]WeightImages{
		"no units":      {Width: 2, Height: 1},
		"no size":       {Weights: [][]float64{{1}}},
		"short unit":    {Weights: [][]float64{{1, 2}, {3}}, Width: 2, Height: 1},
		"NaN":           {Weights: [][]float64{{1, math.NaN()}}, Width: 2, Height: 1},
		"captions":      {Weights: [][]float64{{1, 2}}, Width: 2, Height: 1, Captions: []string{"a", "b"}},
		"empty palette": {Weights: [][]float64{{1, 2}}, Width: 2, Height: 1, Palette: emptyPalette{}},
		"negative cols": {Weights: [][]float64{{1, 2}}, Width: 2, Height: 1, Cols: -1},
	} {
		if _, err := wi.Figure(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// All zero still draws.
	if _, err := (WeightImages{Weights: [][]float64{{0, 0}}, Width: 2, Height: 1}).Figure(); err != nil {
		t.Error(err)
	}
}
