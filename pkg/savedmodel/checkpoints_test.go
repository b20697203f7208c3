package savedmodel

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// abortAfter fails training after an epoch, as a crash would.
type abortAfter int

func (a abortAfter) OnEpochEnd(_ *fashion.Model, e fashion.EpochLog) error {
	if e.Epoch == int(a) {
		return errors.New("simulated crash")
	}
	return nil
}

// sameHistories fails unless two histories hold the same epochs and ending.
func sameHistories(t *testing.T, got, want *fashion.History) {
	t.Helper()
	if len(got.Epochs) != len(want.Epochs) || got.StoppedEarly != want.StoppedEarly ||
		got.BestEpoch != want.BestEpoch || got.RestoredBest != want.RestoredBest {
		t.Fatalf("history %+v, want %+v", got, want)
	}
	for i, e := range got.Epochs {
		w := want.Epochs[i]
		if e.Loss != w.Loss || e.ValLoss != w.ValLoss || e.Accuracy != w.Accuracy || e.LearningRate != w.LearningRate {
			t.Errorf("epoch %d: %+v, want %+v", e.Epoch, e, w)
		}
	}
}

// sameWeights fails unless two models hold the same weights, bit for bit.
func sameWeights(t *testing.T, a, b *fashion.Model) {
	t.Helper()
	for _, layer := range []string{"dense", "dense_1", "dense_2", "dense_3"} {
		wa, _ := a.Weights(layer)
		wb, _ := b.Weights(layer)
		if !slices.Equal(wa.Biases, wb.Biases) || !slices.Equal(wa.Weights[3], wb.Weights[3]) {
			t.Fatalf("the weights of %s differ", layer)
		}
	}
}

// divergingSplits returns splits whose validation loss soon gets worse
// (shuffled labels), so that early stopping acts after a few epochs and the
// best epoch is not the last.
func divergingSplits(t testing.TB) (train, validation *fashionmnist.Split) {
	train = syntheticSplit(t, "train", 150, 30)
	validation = syntheticSplit(t, "validation", 60, 31)
	rng := rand.New(rand.NewPCG(5, 6))
	_, labels := train.Bytes() // shared: shuffling them shuffles train's labels
	rng.Shuffle(train.Len(), func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
	return train, validation
}

func TestResumeEndsWhereAnUninterruptedRunEnds(t *testing.T) {
	for _, restoreBest := range []bool{false, true} {
		train, validation := divergingSplits(t)
		r := smallRecipe()
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
		resumed, gotHistory, err := ResumeTraining(testBackend(), dir, fashion.ArticleMLP, train, validation, NewCheckpoints(dir, 2))
		if err != nil {
			t.Fatal(err)
		}
		if len(wantHistory.Epochs) < 4 || !wantHistory.StoppedEarly || restoreBest && !wantHistory.RestoredBest {
			t.Fatalf("the uninterrupted run should train past the crash, stop early and (restore best %v) restore: %+v", restoreBest, wantHistory)
		}
		if gotHistory.Run.ID != crashed.History().Run.ID {
			t.Errorf("the resumed run is %s, want the crashed run %s", gotHistory.Run.ID, crashed.History().Run.ID)
		}
		sameHistories(t, gotHistory, wantHistory)
		sameWeights(t, whole, resumed)
	}
}

// TestOldCheckpointsDoNotOvertakeANewRun: a longer earlier run left epochs
// 2 and 3 in the checkpoints directory; a new run that crashes after its
// first epoch must resume itself, not the earlier run.
func TestOldCheckpointsDoNotOvertakeANewRun(t *testing.T) {
	train := syntheticSplit(t, "train", 64, 40)
	validation := syntheticSplit(t, "validation", 30, 41)
	dir := t.TempDir()
	earlier := smallRecipe()
	earlier.Epochs, earlier.Patience = 3, -1
	if _, err := newTestModel(t).Fit(train, validation, earlier, NewCheckpoints(dir, 2)); err != nil {
		t.Fatal(err)
	}

	r := earlier
	r.Epochs, r.Seed = 2, 7
	whole, err := fashion.New(testBackend(), fashion.ArticleMLP, r.Seed)
	if err != nil {
		t.Fatal(err)
	}
	wantHistory, err := whole.Fit(train, validation, r)
	if err != nil {
		t.Fatal(err)
	}
	crashed, _ := fashion.New(testBackend(), fashion.ArticleMLP, r.Seed)
	if _, err := crashed.Fit(train, validation, r, NewCheckpoints(dir, 2), abortAfter(1)); err == nil {
		t.Fatal("the simulated crash did not stop training")
	}
	epochs, err := listEpochs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(epochs) != 1 || epochs[0].epoch != 1 {
		t.Fatalf("checkpoints after the new run's first epoch: %+v, want only its epoch 1", epochs)
	}
	resumed, gotHistory, err := ResumeTraining(testBackend(), dir, fashion.ArticleMLP, train, validation)
	if err != nil {
		t.Fatal(err)
	}
	sameHistories(t, gotHistory, wantHistory)
	sameWeights(t, whole, resumed)
}

func TestCheckpointsKeepTheNewestOfTheRunAndTheBest(t *testing.T) {
	train, validation := divergingSplits(t)
	r := smallRecipe()
	r.Epochs, r.Patience, r.RestoreBestWeights = 6, -1, true
	dir := t.TempDir()
	m := newTestModel(t)
	h, err := m.Fit(train, validation, r, NewCheckpoints(dir, 2))
	if err != nil {
		t.Fatal(err)
	}
	if h.BestEpoch >= 5 {
		t.Fatalf("the best epoch is %d: want an early one for this test", h.BestEpoch)
	}
	epochs, _ := listEpochs(dir)
	var got []int
	for _, e := range epochs {
		got = append(got, e.epoch)
	}
	if !slices.Equal(got, []int{h.BestEpoch, 5, 6}) {
		t.Errorf("kept epochs %v, want the best (%d) and the newest two", got, h.BestEpoch)
	}

	// An interrupted save is never taken for a checkpoint, and is removed
	// when the next run begins; so are the other run's checkpoints.
	incomplete := filepath.Join(dir, "epoch-0009")
	os.Mkdir(incomplete, 0o755)
	os.WriteFile(filepath.Join(incomplete, markerFileName), modelMarker(), 0o644)
	os.Mkdir(filepath.Join(incomplete, weightsDirPrefix+"0badc0de"), 0o755)
	if latest, err := LatestCheckpoint(dir); err != nil || latest.Epoch != 6 {
		t.Fatalf("latest checkpoint %+v, %v; want epoch 6", latest, err)
	}
	r.Epochs = 1
	if _, err := newTestModel(t).Fit(train, validation, r, NewCheckpoints(dir, 2)); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{checkpointsMarkerName, "epoch-0001"}) {
		t.Errorf("after a new run the directory holds %q", got)
	}
	if _, _, err := ResumeTraining(testBackend(), t.TempDir(), fashion.ArticleMLP, train, validation); !errors.Is(err, errNoCheckpoint) {
		t.Errorf("resuming from an empty directory: %v", err)
	}
}

func TestCheckpointsDeleteOnlyWhatTheyWrote(t *testing.T) {
	train := syntheticSplit(t, "train", 40, 32)
	r := smallRecipe()
	r.Epochs, r.Patience = 3, -1

	// A directory of someone else's is refused before and during training.
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "results.csv"), []byte("1,2"), 0o644)
	if err := NewCheckpoints(foreign, 2).Check(); err == nil || !strings.Contains(err.Error(), "did not write") {
		t.Errorf("Check of a directory with other files: %v", err)
	}
	if _, err := newTestModel(t).Fit(train, nil, r, NewCheckpoints(foreign, 2)); err == nil {
		t.Error("training wrote checkpoints into a directory of someone else's")
	}
	if got := dirNames(t, foreign); !slices.Equal(got, []string{"results.csv"}) {
		t.Errorf("the directory now holds %q", got)
	}

	// A user's file inside our checkpoints directory, or inside a pruned
	// epoch, stays.
	dir := t.TempDir()
	ck := NewCheckpoints(dir, 1)
	if err := ck.Check(); err != nil {
		t.Fatal(err)
	}
	r.Epochs = 1
	if _, err := newTestModel(t).Fit(train, nil, r, ck); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "README"), []byte("my runs"), 0o644)
	os.WriteFile(filepath.Join(dir, "epoch-0001", "note"), []byte("a good epoch"), 0o644)
	r.Epochs = 2
	if _, err := newTestModel(t).Fit(train, nil, r, NewCheckpoints(dir, 1)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"README", "epoch-0001/note"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("the user's %s is gone: %v", p, err)
		}
	}
	// The new run saved its epoch 1 beside the note, then pruned it.
	if got := dirNames(t, filepath.Join(dir, "epoch-0001")); !slices.Equal(got, []string{markerFileName, "note"}) {
		t.Errorf("the pruned epoch holds %q, want the note and the marker", got)
	}
	if latest, err := LatestCheckpoint(dir); err != nil || latest.Epoch != 2 {
		t.Errorf("latest checkpoint %+v, %v; want epoch 2", latest, err)
	}
}

func TestResumeRefusesAnotherRun(t *testing.T) {
	train := syntheticSplit(t, "training file", 120, 50)
	validation := syntheticSplit(t, "validation", 30, 51)
	r := smallRecipe()
	r.Epochs, r.Limit = 3, 100
	dir := t.TempDir()
	if _, err := newTestModel(t).Fit(train, validation, r, NewCheckpoints(dir, 2), abortAfter(1)); err == nil {
		t.Fatal("the simulated crash did not stop training")
	}
	fewer, _ := train.Slice("train", 0, 80)
	other := syntheticSplit(t, "training file", 120, 52)
	tests := []struct {
		name             string
		train, valid     *fashionmnist.Split
		want             string
		changeBackendTag bool
	}{
		// The saved limit (100) is larger than the split: one line, no panic.
		{"fewer images than the limit", fewer, validation, `the first 100 images of "training file"`, false},
		{"other images of the same size", other, validation, "are other images", false},
		{"no validation", train, nil, "none are given", false},
		{"another backend", train, validation, "resume it on the same backend", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := filepath.Join(t.TempDir(), "ck")
			os.CopyFS(d, os.DirFS(dir))
			if tc.changeBackendTag {
				p := filepath.Join(d, "epoch-0001")
				mf := readModelJSON(t, p)
				mf["history"].(map[string]any)["run"].(map[string]any)["backend"] = "xla"
				writeModelJSON(t, p, mf)
			}
			_, _, err := ResumeTraining(testBackend(), d, fashion.ArticleMLP, tc.train, tc.valid)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line containing %q", err, tc.want)
			}
		})
	}
}

func TestResumeNeedsTheBestEpoch(t *testing.T) {
	train, validation := divergingSplits(t)
	r := smallRecipe()
	r.Epochs, r.Patience, r.RestoreBestWeights = 6, -1, true
	dir := t.TempDir()
	m := newTestModel(t)
	if _, err := m.Fit(train, validation, r, NewCheckpoints(dir, 1), abortAfter(5)); err == nil {
		t.Fatal("the simulated crash did not stop training")
	}
	best := m.History().BestEpoch
	if best == 5 {
		t.Fatal("want a best epoch before the crash")
	}
	os.RemoveAll(filepath.Join(dir, fmt.Sprintf("epoch-%04d", best)))
	_, _, err := ResumeTraining(testBackend(), dir, fashion.ArticleMLP, train, validation)
	if err == nil || !strings.Contains(err.Error(), "best epoch") {
		t.Fatalf("got %v", err)
	}
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// TestFitStopsWhenTheLossDiverges trains with learning rates that make the
// loss overflow: 1e30 (NaN in the first epoch), and 1e9 with a decay of
// 3e38 (infinite in the second). Fit must stop after the first such
// epoch, with one line saying what happened and what to change, and before
// that epoch's checkpoint.
func TestFitStopsWhenTheLossDiverges(t *testing.T) {
	for _, o := range []fashion.SGD{
		{LearningRate: 1e30, Momentum: 0.9, Nesterov: true},
		{LearningRate: 1e9, Decay: 3e38, Momentum: 0.9, Nesterov: true},
	} {
		train := syntheticSplit(t, "train", 100, 60)
		validation := syntheticSplit(t, "validation", 30, 61)
		r := smallRecipe()
		r.Optimizer = o
		dir := t.TempDir()
		h, err := newTestModel(t).Fit(train, validation, r, NewCheckpoints(dir, 2))
		if !errors.Is(err, fashion.ErrDiverged) || !strings.Contains(err.Error(), "try a lower learning rate") ||
			strings.Contains(err.Error(), "\n") {
			t.Fatalf("%+v: got %v", o, err)
		}
		for _, e := range h.Epochs {
			if !finite(e.Loss) || !finite(e.ValLoss) {
				t.Errorf("%+v: the history keeps the broken epoch %+v", o, e)
			}
		}
		if epochs, _ := listEpochs(dir); len(epochs) != len(h.Epochs) || len(h.Epochs) > 1 {
			t.Errorf("%+v: %d checkpoints for the %d good epochs: %+v", o, len(epochs), len(h.Epochs), epochs)
		}
	}
}
