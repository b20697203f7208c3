package fashion

import (
	"errors"
	"fmt"
	"slices"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/tensors"
)

// SetRecord gives a model the record saved with its variables: the name of
// each class, and how it was trained (the recipe and the history; nil when
// it was not). savedmodel.Load calls it.
func (m *Model) SetRecord(classNames []string, r *Recipe, h *History) error {
	if len(classNames) != m.classes {
		return fmt.Errorf("%d class names for a model function that scores %d classes", len(classNames), m.classes)
	}
	m.classNames, m.recipe, m.history = slices.Clone(classNames), r, h
	return nil
}

// Resume goes on training a model loaded from a checkpoint of an
// unfinished Fit (see savedmodel.ResumeTraining), with the recipe it was
// started with, from the epoch after the last one its history holds, so
// that it ends where the uninterrupted Fit ends. train and validation must
// be the images the run was started with (train before Recipe.Limit), and
// the backend of the same kind (see RunInfo): otherwise Resume refuses with
// an error saying why. When the recipe restores the best weights, Resume
// calls loadBest for the model of the best epoch so far (from its own
// checkpoint), after these checks. The callbacks see the resumed epochs
// only (OnTrainBegin's FirstEpoch says where training resumes).
func (m *Model) Resume(train, validation *fashionmnist.Split, loadBest func(epoch int) (*Model, error), callbacks ...Callback) (*History, error) {
	if m.recipe == nil || m.history == nil || m.history.Run == nil {
		return nil, errors.New("resume: the model holds no training state (recipe, history and run)")
	}
	if train == nil {
		return nil, errors.New("resume: no training images")
	}
	r, run := *m.recipe, m.history.Run
	used := train
	if r.Limit > 0 {
		var err error
		if used, err = train.Head(r.Limit); err != nil {
			return nil, fmt.Errorf("resume: the run trained on the first %d images of %q; the training images given are %s",
				r.Limit, run.Train.Name, describeSplit(train))
		}
	}
	if err := run.checkContinues(m.backend, used, validation); err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	var best map[string]*tensors.Tensor
	if r.RestoreBestWeights && m.history.BestEpoch > 0 {
		bm, err := loadBest(m.history.BestEpoch)
		if err == nil {
			best, err = bm.snapshot()
		}
		if err != nil {
			return nil, fmt.Errorf("resume: %w", err)
		}
	}
	return m.fit(train, validation, r, m.history, best, callbacks)
}
