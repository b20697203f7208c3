package viz

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// testHistory returns a Keras-style history of the given number of epochs.
func testHistory(epochs int) map[string][]float64 {
	h := map[string][]float64{}
	for e := range epochs {
		f := float64(e)
		h["loss"] = append(h["loss"], 0.5/(1+f/3))
		h["val_loss"] = append(h["val_loss"], 0.4/(1+f/5)+0.01*f)
		h["accuracy"] = append(h["accuracy"], 0.9-0.1/(1+f))
		h["val_accuracy"] = append(h["val_accuracy"], 0.88-0.05/(1+f))
	}
	return h
}

func TestHistoryPanels(t *testing.T) {
	h := testHistory(3)
	h["lr"] = []float64{0.01, 0.01, 0.01}
	panels := HistoryPanels(h)
	var got []string
	for _, p := range panels {
		got = append(got, p.Title)
	}
	if want := []string{"loss", "accuracy", "lr"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("panels %q, want %q", got, want)
	}
	loss := panels[0]
	if len(loss.Series) != 2 || loss.Series[0].Name != "training" || loss.Series[1].Name != "validation" {
		t.Fatalf("loss series: %+v", loss.Series)
	}
	if loss.Series[1].Values[2] != h["val_loss"][2] {
		t.Error("validation series does not hold val_loss")
	}
	if len(panels[2].Series) != 1 || panels[2].Series[0].Name != "training" {
		t.Errorf("lr series: %+v", panels[2].Series)
	}
}

func TestTrainingCurvesPartialHistories(t *testing.T) {
	for _, epochs := range []int{1, 2, 4, 13, 60} {
		best := min(epochs, 10)
		fig, err := TrainingCurves{Title: "history", Panels: HistoryPanels(testHistory(epochs)), BestEpoch: best}.Figure()
		if err != nil {
			t.Fatalf("%d epochs: %v", epochs, err)
		}
		checkRenders(t, fig, 800, 1000, 400, 600)
	}
	// A single panel of any per-epoch series.
	fig, err := TrainingCurves{Panels: []Panel{{Title: "epoch_loss", Series: []Series{{"run 1", []float64{1, 0.5, 0.4}}}}}}.Figure()
	if err != nil {
		t.Fatal(err)
	}
	checkRenders(t, fig, 800, 1000, 400, 600)
}

func TestTrainingCurvesXLabel(t *testing.T) {
	for xLabel, want := range map[string]string{"": ">epoch<", "update": ">update<"} {
		fig, err := TrainingCurves{XLabel: xLabel, Panels: []Panel{{Title: "loss", Series: []Series{{"a", []float64{2, 1}}}}}}.Figure()
		if err != nil {
			t.Fatal(err)
		}
		var svg bytes.Buffer
		if err := fig.Encode(&svg, SVG); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(svg.String(), want) {
			t.Errorf("XLabel %q: the SVG has no %s", xLabel, want)
		}
	}
}

func TestTrainingCurvesBadInput(t *testing.T) {
	h := testHistory(3)
	for name, tc := range map[string]TrainingCurves{
		"no panels":      {},
		"empty panel":    {Panels: []Panel{{Title: "loss"}}},
		"empty series":   {Panels: []Panel{{Title: "loss", Series: []Series{{"training", nil}}}}},
		"NaN loss":       {Panels: []Panel{{Title: "loss", Series: []Series{{"training", []float64{1, math.NaN()}}}}}},
		"best after end": {Panels: HistoryPanels(h), BestEpoch: 4},
		"negative best":  {Panels: HistoryPanels(h), BestEpoch: -1},
	} {
		if _, err := tc.Figure(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestTrainingCurvesExtremeValues checks that values whose range overflows
// give an error, not a hang or a panic.
func TestTrainingCurvesExtremeValues(t *testing.T) {
	tc := TrainingCurves{Panels: []Panel{{Title: "loss", Series: []Series{{"training", []float64{math.MaxFloat64, -math.MaxFloat64}}}}}}
	if _, err := tc.Figure(); err == nil {
		t.Error("values spanning more than MaxFloat64: no error")
	}
}
