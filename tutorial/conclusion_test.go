package tutorial

import (
	"fmt"
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
	for _, right := range []string{"model.json", " model.json ", "./model.json", dir + "/model.json", `"model.json"`, "notebooks/" + dir + "/model.json"} {
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
	if !strings.Contains(text.String(), checkpoint+" is a folder, the checkpoint") || !strings.Contains(text.String(), "it is part of the checkpoint") {
		t.Errorf("no hint for the checkpoint folder:\n%s", text)
	}
	expectCheck(t, text, "marker", false, "the marker that says this program wrote the directory", func() bool { return CheckSavedFile(dir, ".fashion-gomlx-model") })
	expectCheck(t, text, "empty", false, "Write the file's path", func() bool { return CheckSavedFile(dir, "") })
	expectCheck(t, text, "missing", false, "holds no file weights.h5", func() bool { return CheckSavedFile(dir, "weights.h5") })
	noneContains(t, "CheckSavedFile", text.String(), "model.json")
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
	d.TrainFile = d.Train
	expectCheck(t, text, "4", true, "3 full batches and a last one of 4 images, so 4 updates", func() bool { return CheckUpdatesPerEpoch(d, r, 4) })
	for _, c := range []struct {
		n    int
		want string
	}{
		{0, "Replace the 0"},
		{3, "counts the full batches only; the 4 images left over make one more"},
		{100, "counts images"},
		{32, "the batch size"},
		{5, "one batch too many"},
		{240, "the updates of 60 epochs"},
		{7, "7 is not the number of batches"},
	} {
		expectCheck(t, text, fmt.Sprint(c.n), false, c.want, func() bool { return CheckUpdatesPerEpoch(d, r, c.n) })
	}
	text.Reset()
	if !CheckUpdatesPerEpoch(syntheticData(t, 64), r, 2) || strings.Contains(text.String(), "last one") {
		t.Errorf("CheckUpdatesPerEpoch on 64 images:\n%s", text)
	}
}

func TestCheckWatchedSplit(t *testing.T) {
	_, text := capture(t)
	for _, right := range []string{"validation", " Validation ", "the validation set", "val", "val_loss", "validation loss", `"validation"`, "Validation."} {
		expectCheck(t, text, right, true, "watched the validation loss", func() bool { return CheckWatchedSplit(right) })
	}
	for _, c := range []struct{ answer, want string }{
		{"", "Write \"training\", \"validation\" or \"test\""},
		{"training", "cannot tell when to stop"},
		{"loss", "cannot tell when to stop"},
		{"train set", "cannot tell when to stop"},
		{"test", "final exam of chapter 9"},
		{"accuracy", "is not one of the partitions"},
	} {
		expectCheck(t, text, c.answer, false, c.want, func() bool { return CheckWatchedSplit(c.answer) })
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
	if !CheckUpdatesPerEpoch(d, r, 1719) || CheckUpdatesPerEpoch(d, r, 1718) || CheckUpdatesPerEpoch(d, r, 1875) {
		t.Error("CheckUpdatesPerEpoch(1719)")
	}
	if !strings.Contains(text.String(), "1875 is the batches of the whole training file") {
		t.Errorf("1875:\n%s", text)
	}
	if !strings.Contains(text.String(), "55000 images in batches of 32: 1718 full batches and a last one of 24 images, so 1719 updates per epoch.") {
		t.Errorf("verdict:\n%s", text)
	}
}
