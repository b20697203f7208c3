package tutorial

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
)

func TestCheckSavedFile(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("GOMLX_BACKEND", "go")
	_, text := capture(t)
	dir := filepath.Join("models", "saved")
	if CheckSavedFile(dir, "model.json") {
		t.Error("CheckSavedFile accepted an answer before the model was saved")
	}
	if !strings.Contains(text.String(), "run the cell that saves it first") {
		t.Errorf("missing directory:\n%s", text)
	}
	m, err := fashion.New(Backend(), fashion.ArticleMLP, Seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := savedmodel.Save(m, dir); err != nil {
		t.Fatal(err)
	}
	for _, right := range []string{"model.json", " model.json ", "./model.json", dir + "/model.json"} {
		if !CheckSavedFile(dir, right) {
			t.Errorf("CheckSavedFile(%q) = false", right)
		}
	}
	checkpoints, _ := filepath.Glob(filepath.Join(dir, "checkpoint-*"))
	if len(checkpoints) != 1 {
		t.Fatalf("checkpoint directories %v", checkpoints)
	}
	checkpoint := filepath.Base(checkpoints[0])
	for _, wrong := range []string{"", ".", checkpoint, "weights.h5", "../saved/model.json", "/etc/passwd", dir} {
		if CheckSavedFile(dir, wrong) {
			t.Errorf("CheckSavedFile(%q) = true", wrong)
		}
	}
	// Every file of the checkpoint is a wrong answer, however it is named.
	err = filepath.WalkDir(checkpoints[0], func(path string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && CheckSavedFile(dir, path) {
			t.Errorf("CheckSavedFile accepted checkpoint file %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "✓ Right! model.json lists the network's 5 layers and names its 10 classes") {
		t.Errorf("verdicts:\n%s", text)
	}
	if !strings.Contains(text.String(), checkpoint+" is a folder") || !strings.Contains(text.String(), "it is part of the checkpoint") {
		t.Errorf("no hint for the checkpoint folder:\n%s", text)
	}
}

// syntheticData returns data whose training partition holds n blank images.
func syntheticData(t *testing.T, n int) *fashionmnist.Data {
	t.Helper()
	s, err := fashionmnist.NewSplit("train", make([]uint8, n*fashionmnist.ImagePixels), make([]uint8, n))
	if err != nil {
		t.Fatal(err)
	}
	return &fashionmnist.Data{Train: s}
}

func TestCheckUpdatesPerEpoch(t *testing.T) {
	_, text := capture(t)
	r := fashion.ArticleRecipe()
	d := syntheticData(t, 100) // 3 batches of 32 and one of 4
	if !CheckUpdatesPerEpoch(d, r, 4) || CheckUpdatesPerEpoch(d, r, 3) || CheckUpdatesPerEpoch(d, r, 100) {
		t.Error("CheckUpdatesPerEpoch on 100 images")
	}
	for _, want := range []string{"3 full batches and a last one of 4 images, so 4 updates", "Close: 3 full batches leave 4 images over"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("verdicts lack %q:\n%s", want, text)
		}
	}
	text.Reset()
	if !CheckUpdatesPerEpoch(syntheticData(t, 64), r, 2) || strings.Contains(text.String(), "last one") {
		t.Errorf("CheckUpdatesPerEpoch on 64 images:\n%s", text)
	}
}

func TestCheckWatchedSplit(t *testing.T) {
	_, text := capture(t)
	for _, right := range []string{"validation", " Validation ", "the validation set", "val"} {
		if !CheckWatchedSplit(right) {
			t.Errorf("CheckWatchedSplit(%q) = false", right)
		}
	}
	for _, wrong := range []string{"training", "test", "", "?"} {
		if CheckWatchedSplit(wrong) {
			t.Errorf("CheckWatchedSplit(%q) = true", wrong)
		}
	}
	for _, want := range []string{"cannot tell when to stop", "final exam of chapter 9", `Answer "training", "validation" or "test".`} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("hints lack %q:\n%s", want, text)
		}
	}
}

// TestCheckUpdatesPerEpochArticle checks the article's numbers on the real
// partitions: ceil(55000 / 32) = 1719.
func TestCheckUpdatesPerEpochArticle(t *testing.T) {
	d, err := fashionmnist.Load(fashionmnist.LoadOptions{Offline: true})
	if err != nil {
		if os.Getenv("FASHION_MNIST_REQUIRE") == "1" {
			t.Fatal(err)
		}
		t.Skip("real data not available:", err)
	}
	_, text := capture(t)
	r := fashion.ArticleRecipe()
	if !CheckUpdatesPerEpoch(d, r, 1719) || CheckUpdatesPerEpoch(d, r, 1718) {
		t.Error("CheckUpdatesPerEpoch(1719)")
	}
	if !strings.Contains(text.String(), "55000 images in batches of 32: 1718 full batches and a last one of 24 images, so 1719 updates per epoch.") {
		t.Errorf("verdict:\n%s", text)
	}
}
