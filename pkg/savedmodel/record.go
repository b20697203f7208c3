package savedmodel

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
)

// maxClassNameBytes bounds a class name of model.json: names are words
// ("Ankle boot"), printed in tables and on figures.
const maxClassNameBytes = 100

// check refuses a model.json whose record cannot have come from a save:
// the code that reads the model (evaluate, the figures, a resumed run)
// relies on what Save always writes, so a tampered or corrupt record is
// refused here, with what is wrong, rather than failing there (a batch
// size of 0 divides by zero; a missing optimizer is a nil pointer).
func (mf *modelFile) check() error {
	for i, name := range mf.ClassNames {
		if err := checkClassName(name); err != nil {
			return fmt.Errorf("class name %d: %w", i, err)
		}
	}
	if err := checkRecipe(mf.Recipe); err != nil {
		return err
	}
	return checkHistory(mf.History, mf.Recipe)
}

// checkLayers refuses a model.json whose layers (what the model is said
// to be: a summary prints them) are not those of the model function it is
// loaded with: a file changed by hand ("units": 5000000000000), or saved
// from another function.
func checkLayers(saved, built []fashion.Layer) error {
	same := len(saved) == len(built)
	for i := 0; same && i < len(saved); i++ {
		a, b := saved[i], built[i]
		same = a.Name == b.Name && a.Type == b.Type && a.Units == b.Units && a.Params == b.Params
	}
	if !same {
		return fmt.Errorf("%s describes the layers %s, the model function makes %s: the file was changed, or saved from another model function",
			modelFileName, describeLayers(saved), describeLayers(built))
	}
	return nil
}

// describeLayers lists layers briefly: "dense(500) dense_1(250) ...".
func describeLayers(layers []fashion.Layer) string {
	var b strings.Builder
	for i, l := range layers {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s(%d)", l.Name, l.Units)
	}
	return b.String()
}

// checkClassName refuses an empty class name, a long one, and one holding
// bytes that are not UTF-8 or characters that are not printable (control
// characters, such as the terminal's escape sequences, and line breaks):
// class names are printed as they are.
func checkClassName(name string) error {
	switch {
	case name == "":
		return errors.New("empty")
	case len(name) > maxClassNameBytes:
		return fmt.Errorf("%d bytes long, more than %d", len(name), maxClassNameBytes)
	case !utf8.ValidString(name):
		return fmt.Errorf("%q is not UTF-8", name)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("%+q holds the character %U, which is not printable", name, r)
		}
	}
	return nil
}

// checkRecipe checks a recorded recipe (nil: the model was not trained) as
// Fit would before training with it. The record of an optimizer other than
// SGD holds its name and settings, not the optimizer itself (code, like
// the model function): only the recipe's own settings are checked here;
// resuming a run checks the optimizer too (Fit refuses a record that
// cannot train).
func checkRecipe(r *fashion.Recipe) error {
	if r == nil {
		return nil
	}
	if r.Optimizer == nil {
		return errors.New("the recipe names no optimizer")
	}
	checked := *r
	if _, ok := r.Optimizer.(fashion.SGD); !ok {
		checked.Optimizer = fashion.ArticleRecipe().Optimizer
	}
	if err := checked.Validate(); err != nil {
		return fmt.Errorf("the recipe: %w", err)
	}
	return nil
}

// checkHistory checks a recorded history (nil: the model was not
// trained): epochs numbered 1, 2, ..., no more than the recipe's, and a
// best epoch among them (0 without validation).
func checkHistory(h *fashion.History, r *fashion.Recipe) error {
	if h == nil {
		return nil
	}
	for i, e := range h.Epochs {
		if e.Epoch != i+1 {
			return fmt.Errorf("the history's entry %d is epoch %d, want %d", i+1, e.Epoch, i+1)
		}
	}
	if r != nil && len(h.Epochs) > r.Epochs {
		return fmt.Errorf("the history holds %d epochs, more than the recipe's %d", len(h.Epochs), r.Epochs)
	}
	if h.BestEpoch < 0 || h.BestEpoch > len(h.Epochs) {
		return fmt.Errorf("the history's best epoch is %d, but it holds %d epochs", h.BestEpoch, len(h.Epochs))
	}
	return nil
}
