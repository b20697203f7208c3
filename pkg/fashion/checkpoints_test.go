package fashion

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// abortAfter fails training after an epoch, as a crash would.
type abortAfter int

func (a abortAfter) OnEpochEnd(_ *Model, e EpochLog) error {
	if e.Epoch == int(a) {
		return errors.New("simulated crash")
	}
	return nil
}

func TestResumeEndsWhereAnUninterruptedRunEnds(t *testing.T) {
	for _, restoreBest := range []bool{false, true} {
		train := syntheticSplit(t, "train", 150, 30)
		validation := syntheticSplit(t, "validation", 60, 31)
		r := smallRecipe()
		// Shuffled labels: the validation loss soon gets worse, so that early
		// stopping acts after a few epochs and the best epoch is not the last.
		rng := rand.New(rand.NewPCG(5, 6))
		rng.Shuffle(train.Len(), func(i, j int) { train.labels[i], train.labels[j] = train.labels[j], train.labels[i] })
		r.Epochs, r.Patience, r.RestoreBestWeights = 8, 3, restoreBest

		whole := newTestModel(t)
		wantHistory, err := whole.Fit(train, validation, r, NewCheckpoints(t.TempDir(), 2))
		if err != nil {
			t.Fatal(err)
		}

		dir := t.TempDir()
		crashed := newTestModel(t)
		if _, err := crashed.Fit(train, validation, r, NewCheckpoints(dir, 2), abortAfter(2)); err == nil {
			t.Fatal("the simulated crash did not stop training")
		}
		t.Logf("restore best %v: %d epochs, best %d, stopped early %v, restored %v", restoreBest, len(wantHistory.Epochs), wantHistory.BestEpoch, wantHistory.StoppedEarly, wantHistory.RestoredBest)
		resumed, gotHistory, err := ResumeTraining(testBackend(), dir, ArticleMLP, train, validation)
		if err != nil {
			t.Fatal(err)
		}
		if len(wantHistory.Epochs) < 4 || !wantHistory.StoppedEarly || restoreBest && !wantHistory.RestoredBest {
			t.Fatalf("the uninterrupted run should train past the crash, stop early and (restore best %v) restore: %+v", restoreBest, wantHistory)
		}
		if len(gotHistory.Epochs) != len(wantHistory.Epochs) || gotHistory.StoppedEarly != wantHistory.StoppedEarly ||
			gotHistory.BestEpoch != wantHistory.BestEpoch || gotHistory.RestoredBest != wantHistory.RestoredBest {
			t.Fatalf("restore best %v: resumed history %+v, uninterrupted %+v", restoreBest, gotHistory, wantHistory)
		}
		for i, e := range gotHistory.Epochs {
			w := wantHistory.Epochs[i]
			if e.Loss != w.Loss || e.ValLoss != w.ValLoss || e.Accuracy != w.Accuracy || e.LearningRate != w.LearningRate {
				t.Errorf("epoch %d: resumed %+v, uninterrupted %+v", e.Epoch, e, w)
			}
		}
		a, _ := whole.Weights("dense_2")
		b, _ := resumed.Weights("dense_2")
		if !slices.Equal(a.Biases, b.Biases) || !slices.Equal(a.Weights[7], b.Weights[7]) {
			t.Errorf("restore best %v: weights differ after resuming", restoreBest)
		}
	}
}

func TestCheckpointsKeepTheNewest(t *testing.T) {
	dir := t.TempDir()
	m := newTestModel(t)
	r := smallRecipe()
	r.Epochs, r.Patience = 4, -1
	if _, err := m.Fit(syntheticSplit(t, "train", 40, 32), nil, r, NewCheckpoints(dir, 2)); err != nil {
		t.Fatal(err)
	}
	// A temporary directory of an interrupted save is never taken for a checkpoint.
	os.Mkdir(filepath.Join(dir, ".epoch-0005.tmp-123"), 0o755)
	os.Mkdir(filepath.Join(dir, "epoch-0009"), 0o755) // no model.json: incomplete
	epochs, err := epochCheckpoints(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(epochs) != 2 || filepath.Base(epochs[0]) != "epoch-0003" || filepath.Base(epochs[1]) != "epoch-0004" {
		t.Fatalf("checkpoints %v, want epochs 3 and 4", epochs)
	}
	if _, _, err := ResumeTraining(testBackend(), t.TempDir(), ArticleMLP, nil, nil); !errors.Is(err, ErrNoCheckpoint) {
		t.Errorf("resuming from an empty directory: %v", err)
	}
}
