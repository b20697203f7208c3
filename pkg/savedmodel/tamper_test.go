package savedmodel

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// TestLoadRefusesRecordsNoSaveWrites tampers with the record of model.json
// (the recipe, the history, the class names): each must be refused by Load
// with one line saying what is wrong, where the code reading it would have
// divided by zero, followed a nil pointer or printed a terminal's escape
// sequences. The records a save does write (no recipe for an untrained
// model, another optimizer's record) still load.
func TestLoadRefusesRecordsNoSaveWrites(t *testing.T) {
	m, _ := trainedModel(t)
	good := filepath.Join(t.TempDir(), "good")
	if err := Save(m, good); err != nil {
		t.Fatal(err)
	}
	set := func(change func(mf map[string]any)) func(string) {
		return func(dir string) {
			mf := readModelJSON(t, dir)
			change(mf)
			writeModelJSON(t, dir, mf)
		}
	}
	recipe := func(key string, value any) func(string) {
		return set(func(mf map[string]any) { mf["recipe"].(map[string]any)[key] = value })
	}
	history := func(change func(h map[string]any)) func(string) {
		return set(func(mf map[string]any) { change(mf["history"].(map[string]any)) })
	}
	className := func(name string) func(string) {
		return set(func(mf map[string]any) {
			names := slices.Clone(fashionmnist.ClassNames[:])
			names[3] = name
			mf["class_names"] = names
		})
	}
	tests := []struct {
		name, want string
		change     func(dir string)
	}{
		{"batch size 0", "batch size must be", recipe("batch_size", 0)},
		{"negative batch size", "batch size must be", recipe("batch_size", -32)},
		{"no optimizer", "names no optimizer", recipe("optimizer", nil)},
		{"optimizer not an object", "is corrupt", recipe("optimizer", "sgd")},
		{"negative learning rate", "learning rate must be", recipe("optimizer", map[string]any{"learning_rate": -1, "momentum": 0.9})},
		{"momentum 1", "momentum must be", recipe("optimizer", map[string]any{"learning_rate": 0.01, "momentum": 1})},
		{"no epochs", "epochs must be positive", recipe("epochs", 0)},
		{"steps per execution 0", "steps per execution", recipe("steps_per_execution", 0)},
		{"negative limit", "limit must be", recipe("limit", -5)},
		{"more epochs than the recipe", "more than the recipe's", set(func(mf map[string]any) {
			h := mf["history"].(map[string]any)
			for epoch := 2; epoch <= 3; epoch++ {
				h["epochs"] = append(h["epochs"].([]any), map[string]any{"epoch": epoch, "loss": 1})
			}
			mf["recipe"].(map[string]any)["epochs"] = 2
		})},
		{"epochs out of order", "is epoch 7", history(func(h map[string]any) { h["epochs"].([]any)[0].(map[string]any)["epoch"] = 7 })},
		{"best epoch past the last", "best epoch is 99", history(func(h map[string]any) { h["best_epoch"] = 99 })},
		{"negative best epoch", "best epoch is -1", history(func(h map[string]any) { h["best_epoch"] = -1 })},
		{"terminal escapes in a class name", `holds the character U+001B`, className("Dress\x1b]0;pwned\x07\x1b[2J")},
		{"a line break in a class name", `holds the character U+000A`, className("Dress\nfashion: all good")},
		{"a right-to-left override in a class name", "U+202E", className("Dress\u202ekcab")},
		{"an empty class name", "class name 3: empty", className("")},
		{"a long class name", "more than 100", className(strings.Repeat("Dress", 50))},
		{"a layer's units changed", "the file was changed", set(func(mf map[string]any) {
			mf["layers"].([]any)[1].(map[string]any)["units"] = 5_000_000_000_000
		})},
		{"a layer removed", "the file was changed", set(func(mf map[string]any) { mf["layers"] = mf["layers"].([]any)[:3] })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := modelVariant(t, good, tc.change)
			_, err := Load(testBackend(), dir, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.ContainsAny(err.Error(), "\n\x1b\u202e") {
				t.Fatalf("got %v, want one line of printable text containing %q", err, tc.want)
			}
			// What LatestCheckpoint reads of each epoch (the layers are
			// checked against the model function, when it is built).
			if _, err := readModelFile(dir); err == nil && !strings.Contains(tc.want, "the file was changed") {
				t.Error("readModelFile took a tampered record")
			}
		})
	}
	// What Save writes loads: an untrained model records no recipe or
	// history; a recipe of another optimizer records its name only.
	fresh := filepath.Join(t.TempDir(), "fresh")
	if err := Save(newTestModel(t), fresh); err != nil {
		t.Fatal(err)
	}
	adam := modelVariant(t, good, recipe("optimizer", map[string]any{"name": "adam", "learning_rate": 0.001}))
	for _, dir := range []string{fresh, adam, good} {
		if _, err := Load(testBackend(), dir, nil); err != nil {
			t.Errorf("Load(%s): %v", filepath.Base(dir), err)
		}
	}
}

// TestSpecialFilesInAModelAreRefused puts a FIFO (which makes a plain open
// wait for a writer for ever) or a device in the place of each file the
// package reads: every one must be refused at once, with an error naming
// it.
func TestSpecialFilesInAModelAreRefused(t *testing.T) {
	m, _ := trainedModel(t)
	good := filepath.Join(t.TempDir(), "good")
	if err := Save(m, good); err != nil {
		t.Fatal(err)
	}
	fifo := func(path string) {
		os.Remove(path)
		if err := syscall.Mkfifo(path, 0o644); err != nil {
			t.Skipf("no FIFOs here: %v", err)
		}
	}
	zero := func(path string) {
		os.Remove(path)
		os.Symlink("/dev/zero", path)
	}
	checkpoints := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "ck")
		train := syntheticSplit(t, "train", 40, 32)
		r := smallRecipe()
		r.Epochs, r.Patience = 1, -1
		if _, err := newTestModel(t).Fit(train, nil, r, NewCheckpoints(dir, 2)); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	tests := []struct {
		name, want string
		try        func(t *testing.T) error
	}{
		{"model.json a FIFO", "model.json is a FIFO", func(t *testing.T) error {
			_, err := Load(testBackend(), modelVariant(t, good, func(d string) { fifo(filepath.Join(d, modelFileName)) }), nil)
			return err
		}},
		{"the checkpoint index a FIFO", "is a FIFO", func(t *testing.T) error {
			_, err := Load(testBackend(), modelVariant(t, good, func(d string) { fifo(weightsFile(t, d, ".json")) }), nil)
			return err
		}},
		{"the checkpoint index /dev/zero", "is a device", func(t *testing.T) error {
			_, err := Load(testBackend(), modelVariant(t, good, func(d string) { zero(weightsFile(t, d, ".json")) }), nil)
			return err
		}},
		{"the values a FIFO", "holds 0 bytes", func(t *testing.T) error {
			_, err := Load(testBackend(), modelVariant(t, good, func(d string) { fifo(weightsFile(t, d, ".bin")) }), nil)
			return err
		}},
		{"the model's marker a FIFO, saving", ".fashion-gomlx-model is a FIFO", func(t *testing.T) error {
			return Save(m, modelVariant(t, good, func(d string) { fifo(filepath.Join(d, markerFileName)) }))
		}},
		{"the model's marker a FIFO, checking", ".fashion-gomlx-model is a FIFO", func(t *testing.T) error {
			return CheckSaveDir(modelVariant(t, good, func(d string) { fifo(filepath.Join(d, markerFileName)) }))
		}},
		{"the model's marker a FIFO, no model.json", "not a saved model", func(t *testing.T) error {
			_, err := Load(testBackend(), modelVariant(t, good, func(d string) {
				fifo(filepath.Join(d, markerFileName))
				os.Remove(filepath.Join(d, modelFileName))
			}), nil)
			return err
		}},
		{"the checkpoints' marker a FIFO, checking", ".fashion-gomlx-checkpoints is a FIFO", func(t *testing.T) error {
			dir := checkpoints(t)
			fifo(filepath.Join(dir, checkpointsMarkerName))
			return NewCheckpoints(dir, 2).Check()
		}},
		{"the checkpoints' marker a FIFO, resuming", ".fashion-gomlx-checkpoints is a FIFO", func(t *testing.T) error {
			dir := checkpoints(t)
			fifo(filepath.Join(dir, checkpointsMarkerName))
			_, err := LatestCheckpoint(dir)
			return err
		}},
		{"an epoch's model.json a FIFO, resuming", "no checkpoint to resume from", func(t *testing.T) error {
			dir := checkpoints(t)
			fifo(filepath.Join(dir, "epoch-0001", modelFileName))
			_, err := LatestCheckpoint(dir)
			return err
		}},
		{"the model directory a FIFO", "is a FIFO", func(t *testing.T) error {
			dir := filepath.Join(t.TempDir(), "model")
			fifo(dir)
			return CheckSaveDir(dir)
		}},
		{"the checkpoints directory a FIFO", "is a FIFO", func(t *testing.T) error {
			dir := filepath.Join(t.TempDir(), "ck")
			fifo(dir)
			return NewCheckpoints(dir, 2).Check()
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- tc.try(t) }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
					t.Errorf("got %v, want one line containing %q", err, tc.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("hangs")
			}
		})
	}
}

// TestSaveHonoursTheUmask saves a model and a training's checkpoints
// (inside the model's directory, as a user's files) under three umasks:
// what they create (directories, the weights' directories GoMLX writes in
// included, and files) must have the permissions mkdir and touch would
// give, so that a model saved with umask 022 can be read by others, and
// one saved with 077 by nobody else.
func TestSaveHonoursTheUmask(t *testing.T) {
	m := newTestModel(t)
	for _, tc := range []struct {
		umask          int
		dirMode, fMode fs.FileMode
	}{{0o022, 0o755, 0o644}, {0o077, 0o700, 0o600}, {0o002, 0o775, 0o664}} {
		old := syscall.Umask(tc.umask)
		dir := filepath.Join(t.TempDir(), "model")
		err := Save(m, dir)
		if err == nil { // and the checkpoints of a training
			r := smallRecipe()
			r.Epochs, r.Patience = 1, -1
			_, err = newTestModel(t).Fit(syntheticSplit(t, "train", 40, 32), nil, r, NewCheckpoints(filepath.Join(dir, "ck"), 2))
		}
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			info, _ := d.Info()
			want := tc.fMode
			if d.IsDir() {
				want = tc.dirMode
			}
			if info.Mode().Perm() != want {
				t.Errorf("umask %03o: %s has mode %v, want %v", tc.umask, strings.TrimPrefix(path, dir), info.Mode().Perm(), want)
			}
			return nil
		})
	}
}

// TestLoadRereadsAModelSavedUnderIt saves over a model at the worst moment
// for a reader, between its reads of model.json and of the weights it
// names (which the save deletes), once and then at every attempt: Load
// must read the new model in the first case, and say what happened in the
// second.
func TestLoadRereadsAModelSavedUnderIt(t *testing.T) {
	a, b := newTestModel(t), newTestModel(t)
	dir := filepath.Join(t.TempDir(), "model")
	if err := Save(a, dir); err != nil {
		t.Fatal(err)
	}
	defer func() { raceHook = func(string) {} }()
	for _, always := range []bool{false, true} {
		saves := 0
		raceHook = func(point string) {
			if point == "load: model.json read" && (always || saves == 0) {
				saves++
				if err := Save([]*fashion.Model{a, b}[saves%2], dir); err != nil {
					t.Fatal(err)
				}
			}
		}
		_, err := Load(testBackend(), dir, nil)
		switch {
		case !always && (err != nil || saves != 1):
			t.Errorf("a save under the reader: %v (%d saves)", err, saves)
		case always && (err == nil || saves != maxLoadAttempts || !strings.Contains(err.Error(), "missing or unreadable")):
			t.Errorf("saves under every attempt: %v (%d saves)", err, saves)
		}
	}
}

// TestLoadWhileSavesReplaceTheModel loads a model again and again while
// another goroutine saves other models over it: each save deletes the
// weights the previous model.json named, under readers that read that
// model.json. Every load must succeed, with one of the saved models.
func TestLoadWhileSavesReplaceTheModel(t *testing.T) {
	models := []*fashion.Model{newTestModel(t), newTestModel(t)}
	dir := filepath.Join(t.TempDir(), "model")
	if err := Save(models[0], dir); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	saves := 0
	wg.Go(func() {
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := Save(models[i%2], dir); err != nil {
				t.Error(err)
				return
			}
			saves++
		}
	})
	loads, failed := 0, 0
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); loads++ {
		if _, err := Load(testBackend(), dir, nil); err != nil {
			failed++
			t.Errorf("load %d: %v", loads, err)
		}
	}
	close(stop)
	wg.Wait()
	if saves < 3 {
		t.Errorf("only %d saves ran beside %d loads: the test did not race them", saves, loads)
	}
	t.Logf("%d loads during %d saves, %d failed", loads, saves, failed)
}

// TestSaveTakesATildeLiterally saves into "~/model", a directory named "~"
// in the current directory (a shell expands an unquoted ~ before the tool
// sees it): everything goes there, nothing into the home directory (GoMLX
// expands a leading ~ in the paths it is given).
func TestSaveTakesATildeLiterally(t *testing.T) {
	work, home := t.TempDir(), t.TempDir()
	t.Chdir(work)
	t.Setenv("HOME", home)
	m := newTestModel(t)
	if err := Save(m, filepath.Join("~", "model")); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, home); len(got) != 0 {
		t.Errorf("the save wrote %v into the home directory", got)
	}
	if _, err := Load(testBackend(), filepath.Join(work, "~", "model"), nil); err != nil {
		t.Error(err)
	}
	if err := Save(m, "~nosuchuser/model"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a name starting with ~ and an unknown user: %v", err)
	}
}
