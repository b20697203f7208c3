package viz

import (
	"math"
	"testing"
)

func TestSample(t *testing.T) {
	lr := func(t float64) float64 { return 0.01 / (1 + 1e-6*t) }
	xs, ys, err := Sample(lr, 0, 1000, 11)
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) != 11 || xs[0] != 0 || xs[10] != 1000 || xs[5] != 500 {
		t.Errorf("xs = %v", xs)
	}
	if ys[0] != 0.01 || math.Abs(ys[10]-0.01/1.001) > 1e-15 {
		t.Errorf("ys = %v", ys)
	}
	if _, _, err := Sample(lr, 0, 1, 1); err == nil {
		t.Error("1 point: no error")
	}
	if _, _, err := Sample(nil, 0, 1, 5); err == nil {
		t.Error("nil function: no error")
	}
	if _, _, err := Sample(lr, 0, math.Inf(1), 5); err == nil {
		t.Error("infinite range: no error")
	}
}

func TestLearningRateSchedule(t *testing.T) {
	xs, ys, err := Sample(func(t float64) float64 { return 0.01 / (1 + 1e-6*t) }, 0, 60*1719, 300)
	if err != nil {
		t.Fatal(err)
	}
	for _, fromZero := range []bool{false, true} {
		fig, err := LearningRateSchedule{Title: "schedule", Updates: xs, Rates: ys, FromZero: fromZero}.Figure()
		if err != nil {
			t.Fatal(err)
		}
		checkRenders(t, fig, 800, 1000, 350, 600)
	}
	// A constant rate, and a single point, still draw.
	for _, rates := range [][]float64{{0.01, 0.01}, {0.01}} {
		fig, err := LearningRateSchedule{Updates: []float64{0, 1}[:len(rates)], Rates: rates}.Figure()
		if err != nil {
			t.Fatal(err)
		}
		renderPNG(t, fig)
	}
}

func TestLearningRateScheduleBadInput(t *testing.T) {
	for name, s := range map[string]LearningRateSchedule{
		"no points":  {},
		"mismatched": {Updates: []float64{0, 1, 2}, Rates: []float64{0.1, 0.2}},
		"NaN rate":   {Updates: []float64{0, 1}, Rates: []float64{0.1, math.NaN()}},
		"inf update": {Updates: []float64{0, math.Inf(1)}, Rates: []float64{0.1, 0.1}},
		"huge span":  {Updates: []float64{-math.MaxFloat64, math.MaxFloat64}, Rates: []float64{0.1, 0.1}},
	} {
		if _, err := s.Figure(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
