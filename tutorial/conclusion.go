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
	const name = "saved-file"
	answer := strings.Trim(strings.TrimSpace(file), "\"'`")
	if answer == "" {
		return verdict(name, false, "", fmt.Sprintf("Write the file's path inside %s between the quotes.", dir))
	}
	answer = filepath.Clean(answer)
	if rel, err := filepath.Rel(filepath.Clean(dir), answer); err == nil && !strings.HasPrefix(rel, "..") {
		answer = rel // The answer started with dir.
	} else if i := strings.Index(filepath.ToSlash(answer), filepath.ToSlash(filepath.Clean(dir))+"/"); i >= 0 {
		answer = answer[i+len(filepath.Clean(dir))+1:] // notebooks/models/..., or an absolute path
	}
	if answer == "." || filepath.IsAbs(answer) || strings.HasPrefix(answer, "..") {
		return verdict(name, false, "", fmt.Sprintf("%q is not a file inside %s: give its path inside the directory.", file, dir))
	}
	if _, err := os.Stat(dir); err != nil {
		return verdict(name, false, "", fmt.Sprintf("There is no saved model in %s: run the cell that saves it first.", dir))
	}
	path := filepath.Join(dir, answer)
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return verdict(name, false, "", fmt.Sprintf("%s is a folder, the checkpoint: its files hold the values of the variables (weights, biases, the optimizer's state) and their index.", answer))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return verdict(name, false, "", fmt.Sprintf("%s holds no file %s: ShowFiles listed the files it holds.", dir, answer))
	}
	var content struct {
		Layers     []fashion.Layer `json:"layers"`
		ClassNames []string        `json:"class_names"`
	}
	if json.Unmarshal(data, &content) == nil && len(content.Layers) > 0 && len(content.ClassNames) > 0 {
		return verdict(name, true, fmt.Sprintf("%s lists the network's %d layers and names its %d classes; the checkpoint beside it holds the numbers.",
			answer, len(content.Layers), len(content.ClassNames)), "")
	}
	why := fmt.Sprintf("%s names no layers and no classes: it is part of the checkpoint, the values of the variables or their index.", answer)
	if strings.HasPrefix(filepath.Base(answer), ".") { // savedmodel's marker, .fashion-gomlx-model
		why = fmt.Sprintf("%s is the marker that says this program wrote the directory (so that a save never deletes files it did not write); it names no layers.", answer)
	}
	return verdict(name, false, "", why)
}

// CheckUpdatesPerEpoch checks how many times the weights change in one epoch
// of the recipe over the whole training partition.
func CheckUpdatesPerEpoch(d *fashionmnist.Data, r fashion.Recipe, n int) bool {
	const name = "updates-per-epoch"
	images, batch := d.Train.Len(), r.BatchSize
	want := (images + batch - 1) / batch
	full, rest := images/batch, images%batch
	right := fmt.Sprintf("%d images in batches of %d: %d full batches", images, batch, full)
	if rest > 0 {
		right += fmt.Sprintf(" and a last one of %d images", rest)
	}
	right += fmt.Sprintf(", so %d updates per epoch.", want)
	var why string
	switch {
	case n == want:
		return verdict(name, true, right, "")
	case n == 0:
		why = "Replace the 0 with your answer."
	case n == full && rest > 0:
		why = fmt.Sprintf("%d counts the full batches only; the %d images left over make one more, smaller batch.", n, rest)
	case n == images || n == d.TrainFile.Len():
		why = fmt.Sprintf("%d counts images; the weights change once per batch of %d.", n, batch)
	case n == (d.TrainFile.Len()+batch-1)/batch:
		why = fmt.Sprintf("%d is the batches of the whole training file; the validation images are not trained on.", n)
	case n == batch:
		why = fmt.Sprintf("%d is the batch size: the images per update.", n)
	case n == want+1:
		why = fmt.Sprintf("%d is one batch too many.", n)
	case r.Epochs > 0 && n == want*r.Epochs:
		why = fmt.Sprintf("%d counts the updates of %d epochs; the question is one epoch.", n, r.Epochs)
	default:
		why = fmt.Sprintf("%d is not the number of batches of %d images in batches of %d.", n, images, batch)
	}
	return verdict(name, false, "", why)
}

// CheckWatchedSplit checks which partition early stopping watched.
func CheckWatchedSplit(split string) bool {
	const name = "watched-split"
	answer := strings.ToLower(strings.Trim(strings.TrimSpace(split), "\"'`."))
	answer = strings.TrimPrefix(answer, "the ")
	for _, suffix := range []string{" set", " loss", " split", " partition", " images", " data"} {
		answer = strings.TrimSuffix(answer, suffix)
	}
	switch answer {
	case "validation", "val", "val_loss", "valid", "validation_loss":
		return verdict(name, true, "Early stopping watched the validation loss (val_loss), measured on 5,000 images the model never trained on; the test set stayed apart for the final exam.", "")
	case "training", "train", "loss", "train_loss", "training_loss":
		return verdict(name, false, "", "The training loss keeps going down while the model learns its images by heart: it cannot tell when to stop.")
	case "test", "testing", "test_loss":
		return verdict(name, false, "", "The test set stays untouched until the final exam of chapter 9, so that its score is honest.")
	case "":
		return verdict(name, false, "", `Write "training", "validation" or "test" between the quotes.`)
	}
	return verdict(name, false, "", fmt.Sprintf(`%q is not one of the partitions: answer "training", "validation" or "test".`, split))
}
