package viz

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestHistogramBins(t *testing.T) {
	bins := histogramBins([]float64{-1, -0.99, 0, 0.49, 0.5, 1}, -1, 0.5, 4)
	want := []float64{2, 0, 2, 2} // [-1,-0.5) [-0.5,0) [0,0.5) [0.5,1]
	for i, b := range bins {
		if b.Weight != want[i] {
			t.Errorf("bin %d [%v, %v) holds %v, want %v", i, b.Min, b.Max, b.Weight, want[i])
		}
	}
	if bins[0].Min != -1 || bins[3].Max != 1 {
		t.Errorf("bins span [%v, %v], want [-1, 1]", bins[0].Min, bins[3].Max)
	}
}

func TestWeightHistogram(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	limit := math.Sqrt(6.0 / (784 + 500))
	initial, trained := make([]float64, 5000), make([]float64, 5000)
	for i := range initial {
		initial[i] = (2*rng.Float64() - 1) * limit
		trained[i] = initial[i] + 0.02*rng.NormFloat64()
	}
	for _, sets := range [][]Series{{{"initial", initial}}, {{"initial", initial}, {"trained", trained}}} {
		fig, err := WeightHistogram{Title: "dense", Weights: sets, Limit: limit}.Figure()
		if err != nil {
			t.Fatal(err)
		}
		checkRenders(t, fig, 800, 1000, 350, 600)
	}
	// Zeros only (the biases at the start) still draw.
	fig, err := WeightHistogram{Weights: []Series{{"biases", make([]float64, 10)}}, Bins: 5}.Figure()
	if err != nil {
		t.Fatal(err)
	}
	renderPNG(t, fig)
}

func TestWeightHistogramBadInput(t *testing.T) {
	w := []Series{{"w", []float64{0.1, -0.1}}}
	for name, h := range map[string]WeightHistogram{
		"no weights":     {},
		"empty set":      {Weights: []Series{{"w", nil}}},
		"NaN weight":     {Weights: []Series{{"w", []float64{math.NaN()}}}},
		"negative limit": {Weights: w, Limit: -0.1},
		"NaN limit":      {Weights: w, Limit: math.NaN()},
		"negative bins":  {Weights: w, Bins: -3},
		"huge span":      {Weights: []Series{{"w", []float64{-math.MaxFloat64, math.MaxFloat64}}}},
	} {
		if _, err := h.Figure(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
