package tutorial

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// Exercises of chapters 11 and 12: what a saved model holds, and a look back
// at training.

// CheckSavedFile checks which file of a saved model directory holds the
// architecture and the class names: the answer names a file inside dir (a
// path relative to dir, or one that starts with dir), and the check reads it.
func CheckSavedFile(dir, file string) bool {
	hint := fmt.Sprintf("Open the JSON files ShowFiles listed: one describes the model, the others belong to the checkpoint. Answer with its path inside %s.", dir)
	file = filepath.Clean(strings.TrimSpace(file))
	if rel, err := filepath.Rel(filepath.Clean(dir), file); err == nil && !strings.HasPrefix(rel, "..") {
		file = rel // The answer started with dir.
	}
	if file == "." || filepath.IsAbs(file) || strings.HasPrefix(file, "..") {
		return verdict(false, "", hint)
	}
	if _, err := os.Stat(dir); err != nil {
		return verdict(false, "", fmt.Sprintf("There is no saved model in %s: run the cell that saves it first.", dir))
	}
	path := filepath.Join(dir, file)
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return verdict(false, "", fmt.Sprintf("%s is a folder, and the files in it hold numbers: the weights, biases and optimizer state. %s", file, hint))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return verdict(false, "", fmt.Sprintf("%s holds no file %s. %s", dir, file, hint))
	}
	var content struct {
		Layers     []fashion.Layer `json:"layers"`
		ClassNames []string        `json:"class_names"`
	}
	if json.Unmarshal(data, &content) != nil || len(content.Layers) == 0 || len(content.ClassNames) == 0 {
		return verdict(false, "", fmt.Sprintf("%s names no layers and no classes: it is part of the checkpoint, the values of the variables. %s", file, hint))
	}
	return verdict(true, fmt.Sprintf("%s lists the network's %d layers and names its %d classes; the checkpoint beside it holds the numbers.",
		file, len(content.Layers), len(content.ClassNames)), "")
}

// CheckUpdatesPerEpoch checks how many times the weights change in one epoch
// of the recipe over the whole training partition.
func CheckUpdatesPerEpoch(d *fashionmnist.Data, r fashion.Recipe, n int) bool {
	images, batch := d.Train.Len(), r.BatchSize
	want := (images + batch - 1) / batch
	full, rest := images/batch, images%batch
	right := fmt.Sprintf("%d images in batches of %d: %d full batches", images, batch, full)
	if rest > 0 {
		right += fmt.Sprintf(" and a last one of %d images", rest)
	}
	right += fmt.Sprintf(", so %d updates per epoch.", want)
	hint := fmt.Sprintf("The weights change once per batch of %d images; count the batches of the %d training images, the last, smaller one included.", batch, images)
	if n == full && rest > 0 {
		hint = fmt.Sprintf("Close: %d full batches leave %d images over, and they make one more, smaller batch.", full, rest)
	}
	return verdict(n == want, right, hint)
}

// CheckWatchedSplit checks which partition early stopping watched.
func CheckWatchedSplit(split string) bool {
	switch strings.ToLower(strings.TrimSpace(split)) {
	case "validation", "val", "validation set", "the validation set":
		return verdict(true, "Early stopping watched the validation loss, measured on 5,000 images the model never trained on; the test set stayed apart for the final exam.", "")
	case "training", "train", "training set", "the training set":
		return verdict(false, "", "The training loss keeps going down while the model learns its images by heart: it cannot tell when to stop.")
	case "test", "test set", "the test set":
		return verdict(false, "", "The test set stays untouched until the final exam of chapter 9, so that its score is honest.")
	}
	return verdict(false, "", `Answer "training", "validation" or "test".`)
}
