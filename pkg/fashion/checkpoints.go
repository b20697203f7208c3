package fashion

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
)

// Checkpoints is a Callback that saves the whole training state after every
// epoch, so that a run that is killed can resume (see ResumeTraining) and end
// exactly where an uninterrupted run ends. Each epoch is a saved model
// directory, dir/epoch-NNNN, written atomically (see Model.Save): it holds
// the weights, the optimizer's velocities and update count, the recipe and
// the history (from which early stopping's counters are replayed). Only the
// newest Keep epochs are kept. When the recipe restores the best weights,
// the best epoch is also kept, as dir/best.
type Checkpoints struct {
	dir  string
	keep int
}

// bestDirName is the checkpoint of the best epoch, for RestoreBestWeights.
const bestDirName = "best"

// NewCheckpoints returns a Checkpoints callback writing into dir and keeping
// the newest keep epochs (at least 1).
func NewCheckpoints(dir string, keep int) *Checkpoints {
	return &Checkpoints{dir: dir, keep: max(keep, 1)}
}

// Dir returns the checkpoint directory.
func (c *Checkpoints) Dir() string { return c.dir }

// OnEpochEnd implements Callback.
func (c *Checkpoints) OnEpochEnd(m *Model, e EpochLog) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	if err := m.Save(filepath.Join(c.dir, fmt.Sprintf("epoch-%04d", e.Epoch))); err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	if r := m.Recipe(); r != nil && r.RestoreBestWeights && m.History().BestEpoch == e.Epoch {
		if err := m.Save(filepath.Join(c.dir, bestDirName)); err != nil {
			return fmt.Errorf("checkpoints: %w", err)
		}
	}
	epochs, err := epochCheckpoints(c.dir)
	if err != nil {
		return err
	}
	for len(epochs) > c.keep {
		if err := os.RemoveAll(epochs[0]); err != nil {
			return fmt.Errorf("checkpoints: %w", err)
		}
		epochs = epochs[1:]
	}
	return nil
}

// epochCheckpoints lists the complete epoch checkpoints of dir, oldest
// first. Temporary directories of an interrupted save are not listed.
func epochCheckpoints(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "epoch-[0-9][0-9][0-9][0-9]"))
	if err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	var complete []string
	for _, m := range matches {
		if isModelDir(m) {
			complete = append(complete, m)
		}
	}
	sort.Strings(complete)
	return complete, nil
}

// ErrNoCheckpoint is returned by ResumeTraining when there is nothing to
// resume from.
var ErrNoCheckpoint = errors.New("no checkpoint to resume from")

// ResumeTraining loads the newest complete checkpoint of dir, a model of
// the model function fn, and goes on training it with the recipe it was
// started with, from the epoch after the one saved. The callbacks see the
// resumed epochs only (OnTrainBegin's FirstEpoch says where training
// resumes).
func ResumeTraining(backend compute.Backend, dir string, fn ModelFn, train, validation *Split, callbacks ...Callback) (*Model, *History, error) {
	epochs, err := epochCheckpoints(dir)
	if err != nil {
		return nil, nil, err
	}
	if len(epochs) == 0 {
		return nil, nil, fmt.Errorf("resume: %s: %w", dir, ErrNoCheckpoint)
	}
	latest := epochs[len(epochs)-1]
	m, err := LoadModel(backend, latest, fn)
	if err != nil {
		return nil, nil, fmt.Errorf("resume: %w", err)
	}
	if m.recipe == nil || m.history == nil {
		return nil, nil, fmt.Errorf("resume: %s holds no training state (recipe and history)", latest)
	}
	var best map[string]*tensors.Tensor
	if m.recipe.RestoreBestWeights {
		bestModel, err := LoadModel(backend, filepath.Join(dir, bestDirName), fn)
		if err != nil {
			return nil, nil, fmt.Errorf("resume: the best epoch's weights: %w", err)
		}
		if best, err = bestModel.snapshot(); err != nil {
			return nil, nil, fmt.Errorf("resume: %w", err)
		}
	}
	h, err := m.fit(train, validation, *m.recipe, m.history, best, callbacks)
	return m, h, err
}
