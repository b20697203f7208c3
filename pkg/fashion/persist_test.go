package fashion

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// trainedModel returns a model trained for one short epoch and its data.
func trainedModel(t *testing.T) (*Model, *Split) {
	t.Helper()
	train := syntheticSplit(t, "train", 200, 10)
	validation := syntheticSplit(t, "validation", 50, 11)
	m := newTestModel(t)
	r := smallRecipe()
	r.Epochs = 1
	if _, err := m.Fit(train, validation, r); err != nil {
		t.Fatal(err)
	}
	return m, validation
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m, validation := trainedModel(t)
	dir := filepath.Join(t.TempDir(), "models", "latest")
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadModel(testBackend(), dir, ArticleMLP)
	if err != nil {
		t.Fatal(err)
	}
	before, err := m.PredictSplit(validation, 0, validation.Len())
	if err != nil {
		t.Fatal(err)
	}
	after, err := loaded.PredictSplit(validation, 0, validation.Len())
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if !slices.Equal(before[i], after[i]) {
			t.Fatalf("image %d: predictions differ after loading: %v vs %v", i, before[i], after[i])
		}
	}
	if loaded.History() == nil || len(loaded.History().Epochs) != 1 || loaded.Recipe().Optimizer != m.Recipe().Optimizer {
		t.Errorf("history %+v, recipe %+v not restored", loaded.History(), loaded.Recipe())
	}
	if got := optimizer.GetGlobalStep(loaded.store); got != 7 { // 200 images / 32 = 7 updates.
		t.Errorf("update count %d after loading, want 7", got)
	}
	if !slices.Equal(loaded.ClassNames(), ClassNames[:]) || loaded.NumParams() != 543_860 {
		t.Errorf("class names %v, params %d", loaded.ClassNames(), loaded.NumParams())
	}

	// Saving again replaces the model; nothing else is left beside it.
	if err := loaded.Save(dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("after two saves the parent holds %d entries, want 1", len(entries))
	}
}

func TestSaveRefusesToReplaceOtherData(t *testing.T) {
	m := newTestModel(t)
	dir := t.TempDir()
	precious := filepath.Join(dir, "thesis.tex")
	if err := os.WriteFile(precious, []byte("years of work"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := m.Save(dir)
	if err == nil || !strings.Contains(err.Error(), "does not hold a saved model") {
		t.Fatalf("got %v", err)
	}
	if data, _ := os.ReadFile(precious); string(data) != "years of work" {
		t.Fatal("the user's file was touched")
	}
	if err := m.Save(precious); err == nil {
		t.Error("saving over a file accepted")
	}
}

func TestLoadModelErrors(t *testing.T) {
	m, _ := trainedModel(t)
	good := filepath.Join(t.TempDir(), "good")
	if err := m.Save(good); err != nil {
		t.Fatal(err)
	}
	small, err := New(testBackend(), mlp(7), 1)
	if err != nil {
		t.Fatal(err)
	}
	smallDir := filepath.Join(t.TempDir(), "small")
	if err := small.Save(smallDir); err != nil {
		t.Fatal(err)
	}

	// variant copies the good model and breaks it.
	variant := func(t *testing.T, breakIt func(dir string)) string {
		dir := filepath.Join(t.TempDir(), "model")
		if err := os.CopyFS(dir, os.DirFS(good)); err != nil {
			t.Fatal(err)
		}
		breakIt(dir)
		return dir
	}
	rewriteModelJSON := func(old, new string) func(string) {
		return func(dir string) {
			p := filepath.Join(dir, modelFileName)
			data, _ := os.ReadFile(p)
			if !strings.Contains(string(data), old) {
				t.Fatalf("model.json lacks %q", old)
			}
			os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644)
		}
	}
	checkpointFile := func(dir, suffix string) string {
		matches, _ := filepath.Glob(filepath.Join(dir, checkpointDirName, "checkpoint-*"+suffix))
		if len(matches) != 1 {
			t.Fatalf("checkpoint files %v", matches)
		}
		return matches[0]
	}
	tests := []struct {
		name, want string
		dir        func(t *testing.T) string
	}{
		{"missing", "no model at", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }},
		{"empty directory", "is not a saved model", func(t *testing.T) string { return t.TempDir() }},
		{"corrupt model.json", "is corrupt", func(t *testing.T) string {
			return variant(t, func(dir string) { os.WriteFile(filepath.Join(dir, modelFileName), []byte("{\"format\": "), 0o644) })
		}},
		{"newer version", "newer version", func(t *testing.T) string {
			return variant(t, rewriteModelJSON(`"version": 2`, `"version": 3`))
		}},
		{"other format", "has format", func(t *testing.T) string {
			return variant(t, rewriteModelJSON(ModelFormat, "keras/h5"))
		}},
		{"no checkpoint", "checkpoint is missing", func(t *testing.T) string {
			return variant(t, func(dir string) { os.RemoveAll(filepath.Join(dir, checkpointDirName)) })
		}},
		{"empty checkpoint", "reading the checkpoint", func(t *testing.T) string {
			return variant(t, func(dir string) {
				os.Remove(checkpointFile(dir, ".json"))
			})
		}},
		{"truncated checkpoint data", "reading the checkpoint", func(t *testing.T) string {
			return variant(t, func(dir string) {
				p := checkpointFile(dir, ".bin")
				data, _ := os.ReadFile(p)
				os.WriteFile(p, data[:len(data)/2], 0o644)
			})
		}},
		{"checkpoint of another model function", "the model function needs", func(t *testing.T) string {
			return variant(t, func(dir string) {
				os.RemoveAll(filepath.Join(dir, checkpointDirName))
				os.CopyFS(filepath.Join(dir, checkpointDirName), os.DirFS(filepath.Join(smallDir, checkpointDirName)))
			})
		}},
		{"class names do not match", "names 11 classes; the model function scores 10", func(t *testing.T) string {
			return variant(t, rewriteModelJSON(`"Ankle boot"`, `"Ankle boot", "Hat"`))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir(t)
			_, err := LoadModel(testBackend(), dir, ArticleMLP)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
