package fashion

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// TestFitStopsWhenTheLossDiverges trains with learning rates that make the
// loss overflow: 1e30 (NaN in the first epoch), and 1e9 with a decay of
// 3e38 (infinite in the second). Fit must stop after the first such
// epoch, with one line saying what happened and what to change, and before
// that epoch's checkpoint.
func TestFitStopsWhenTheLossDiverges(t *testing.T) {
	for _, o := range []SGD{
		{LearningRate: 1e30, Momentum: 0.9, Nesterov: true},
		{LearningRate: 1e9, Decay: 3e38, Momentum: 0.9, Nesterov: true},
	} {
		train := syntheticSplit(t, "train", 100, 60)
		validation := syntheticSplit(t, "validation", 30, 61)
		r := smallRecipe()
		r.Optimizer = o
		dir := t.TempDir()
		h, err := newTestModel(t).Fit(train, validation, r, NewCheckpoints(dir, 2))
		if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "try a lower learning rate") ||
			strings.Contains(err.Error(), "\n") {
			t.Fatalf("%+v: got %v", o, err)
		}
		for _, e := range h.Epochs {
			if checkFiniteLoss(e, r) != nil {
				t.Errorf("%+v: the history keeps the broken epoch %+v", o, e)
			}
		}
		if epochs, _ := listEpochs(dir); len(epochs) != len(h.Epochs) || len(h.Epochs) > 1 {
			t.Errorf("%+v: %d checkpoints for the %d good epochs: %+v", o, len(epochs), len(h.Epochs), epochs)
		}
	}
}

func TestCheckFiniteLoss(t *testing.T) {
	r := ArticleRecipe()
	if err := checkFiniteLoss(EpochLog{Epoch: 3, Loss: 0.5, ValLoss: 0.6}, r); err != nil {
		t.Errorf("finite losses: %v", err)
	}
	for _, e := range []EpochLog{{Loss: math.NaN(), ValLoss: 1}, {Loss: 1, ValLoss: math.Inf(1)}} {
		if err := checkFiniteLoss(e, r); !errors.Is(err, ErrDiverged) {
			t.Errorf("%+v: %v", e, err)
		}
	}
}
