package savedmodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"github.com/fashion-gomlx/fashion-gomlx/internal/atomicfile"
	"github.com/fashion-gomlx/fashion-gomlx/internal/plainfile"
	"github.com/fashion-gomlx/fashion-gomlx/internal/writepath"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
)

// Checkpoints is a Callback that saves the whole training state after every
// epoch, so that a run that is killed can resume (see ResumeTraining) and end
// exactly where an uninterrupted run ends. Each epoch is a saved model
// directory, dir/epoch-NNNN (see Save): it holds the weights, the
// optimizer's velocities and update count, the recipe and the history
// (from which early stopping's counters are replayed, and which names the
// run, see RunInfo).
//
// A checkpoints directory belongs to one run at a time: its marker file
// names the run. When a new run begins, the checkpoints of the previous
// run are deleted; after each epoch, only the newest Keep epochs of the run
// are kept, and, when the recipe restores the best weights, the best
// epoch's. Checkpoints deletes nothing it did not write: a directory that
// holds other files is refused (see Check), and files a user adds inside
// an epoch's directory stay.
type Checkpoints struct {
	dir  string
	keep int
	run  string // the run being written, set by OnTrainBegin
}

// checkpointsMarkerName is the marker file of a checkpoints directory;
// checkpointsFormat its format.
const (
	checkpointsMarkerName = ".fashion-gomlx-checkpoints"
	checkpointsFormat     = "fashion-gomlx/checkpoints"
)

// checkpointsMarker is the content of the marker file.
type checkpointsMarker struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Run is the ID of the run the checkpoints belong to.
	Run string `json:"run"`
}

// epochDirPattern matches the name of an epoch's checkpoint.
var epochDirPattern = regexp.MustCompile(`^epoch-([0-9]{4,9})$`)

// NewCheckpoints returns a Checkpoints callback writing into dir and keeping
// the newest keep epochs (at least 1).
func NewCheckpoints(dir string, keep int) *Checkpoints {
	return &Checkpoints{dir: dir, keep: max(keep, 1)}
}

// Dir returns the checkpoint directory.
func (c *Checkpoints) Dir() string { return c.dir }

// Check reports, before any work, whether the callback could write its
// checkpoints: the directory must be absent, empty, or one it wrote, and
// writable. It creates nothing.
func (c *Checkpoints) Check() error {
	state, err := inspectCheckpointsDir(c.dir)
	if err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	where := c.dir
	if state == dirAbsent {
		if where, err = writepath.Ancestor(c.dir); err != nil {
			return fmt.Errorf("checkpoints: %w", err)
		}
	}
	if err := writepath.Probe(where); err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	return nil
}

// inspectCheckpointsDir tells whether dir can hold our checkpoints: absent,
// empty, marked, or holding only models of format version 1 (which wrote
// no marker).
func inspectCheckpointsDir(dir string) (dirState, error) {
	entries, state, err := readDirState(dir)
	if err != nil || state != dirOurs {
		return state, err
	}
	if _, err := readCheckpointsMarker(dir); err == nil {
		return dirOurs, nil
	} else if errors.Is(err, plainfile.ErrNotRegular) {
		return 0, err
	}
	for _, e := range entries {
		sub := filepath.Join(dir, e.Name())
		inner, err := plainfile.ReadDir(sub)
		if !e.IsDir() || err != nil || !isV1ModelDir(sub, inner) {
			return 0, notOurs(dir, entries, checkpointsMarkerName)
		}
	}
	return dirOurV1, nil
}

// OnTrainBegin implements TrainBeginner: it takes the directory for the
// run that begins (the History's RunInfo), deleting the checkpoints of any
// other run and those of interrupted saves.
func (c *Checkpoints) OnTrainBegin(m *fashion.Model, _ fashion.TrainInfo) error {
	h := m.History()
	if h == nil || h.Run == nil {
		return errors.New("checkpoints: the training history names no run")
	}
	state, err := inspectCheckpointsDir(c.dir)
	if err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	if state == dirOurV1 {
		entries, _ := plainfile.ReadDir(c.dir)
		for _, e := range entries {
			if err := removeV1ModelDir(filepath.Join(c.dir, e.Name())); err != nil {
				return fmt.Errorf("checkpoints: removing those of an older version: %w", err)
			}
		}
	}
	if err := os.MkdirAll(c.dir, dirPerm); err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	c.run = h.Run.ID
	if marker, err := readCheckpointsMarker(c.dir); err != nil || marker.Run != c.run {
		data, _ := json.Marshal(checkpointsMarker{Format: checkpointsFormat, Version: 1, Run: c.run})
		if err := atomicfile.WriteFile(filepath.Join(c.dir, checkpointsMarkerName), append(data, '\n'), filePerm); err != nil {
			return fmt.Errorf("checkpoints: %w", err)
		}
	}
	return c.prune(m)
}

// OnEpochEnd implements Callback.
func (c *Checkpoints) OnEpochEnd(m *fashion.Model, e fashion.EpochLog) error {
	if c.run == "" {
		return errors.New("checkpoints: OnEpochEnd before OnTrainBegin")
	}
	if err := Save(m, filepath.Join(c.dir, fmt.Sprintf("epoch-%04d", e.Epoch))); err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	crashHook("checkpoint: saved")
	return c.prune(m)
}

// prune deletes the checkpoints of other runs, incomplete ones, and those
// of this run beyond the newest Keep (and the best epoch's, when the recipe
// restores the best weights).
func (c *Checkpoints) prune(m *fashion.Model) error {
	epochs, err := listEpochs(c.dir)
	if err != nil {
		return err
	}
	best := 0
	if r, h := m.Recipe(), m.History(); r != nil && r.RestoreBestWeights && h != nil {
		best = h.BestEpoch
	}
	kept := 0
	for i := len(epochs) - 1; i >= 0; i-- { // newest first
		e := epochs[i]
		ours := e.complete && e.run == c.run
		newest := ours && kept < c.keep
		if newest {
			kept++
		}
		if !newest && !(ours && e.epoch == best) {
			if err := removeModelDir(e.path); err != nil {
				return fmt.Errorf("checkpoints: %w", err)
			}
		}
	}
	return nil
}

// epochEntry is a checkpoint listed by listEpochs.
type epochEntry struct {
	path     string
	epoch    int
	run      string // the ID of the run that wrote it
	complete bool   // model.json names the run: the save finished
}

// listEpochs lists the epoch checkpoints of dir that this program wrote,
// oldest first, complete or not.
func listEpochs(dir string) ([]epochEntry, error) {
	entries, err := plainfile.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	var epochs []epochEntry
	for _, e := range entries {
		match := epochDirPattern.FindStringSubmatch(e.Name())
		path := filepath.Join(dir, e.Name())
		if match == nil || !e.IsDir() || !isMarked(path, markerFileName) {
			continue
		}
		n, _ := strconv.Atoi(match[1])
		entry := epochEntry{path: path, epoch: n}
		entry.run, entry.complete = savedRun(path)
		epochs = append(epochs, entry)
	}
	slices.SortFunc(epochs, func(a, b epochEntry) int { return a.epoch - b.epoch })
	return epochs, nil
}

// savedRun returns the ID of the run whose history a saved model records,
// and whether its model.json could be read.
func savedRun(dir string) (string, bool) {
	data, err := plainfile.ReadFile(filepath.Join(dir, modelFileName), maxModelFileBytes)
	if err != nil {
		return "", false
	}
	var mf struct {
		History *struct {
			Run *struct {
				ID string `json:"id"`
			} `json:"run"`
		} `json:"history"`
	}
	if json.Unmarshal(data, &mf) != nil {
		return "", false
	}
	if mf.History == nil || mf.History.Run == nil {
		return "", true
	}
	return mf.History.Run.ID, true
}

// readCheckpointsMarker reads the marker of a checkpoints directory.
func readCheckpointsMarker(dir string) (*checkpointsMarker, error) {
	data, err := plainfile.ReadFile(filepath.Join(dir, checkpointsMarkerName), maxMarkerBytes)
	if err != nil {
		return nil, err
	}
	var marker checkpointsMarker
	if err := json.Unmarshal(data, &marker); err != nil || marker.Format != checkpointsFormat || marker.Run == "" {
		return nil, fmt.Errorf("%s is corrupt", filepath.Join(dir, checkpointsMarkerName))
	}
	return &marker, nil
}

// removeV1ModelDir deletes a model directory written by format version 1:
// its model.json and checkpoint/, and the directory once empty.
func removeV1ModelDir(dir string) error {
	if err := os.Remove(filepath.Join(dir, modelFileName)); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(dir, v1WeightsDirName)); err != nil {
		return err
	}
	return os.Remove(dir)
}

// errNoCheckpoint is returned by ResumeTraining and LatestCheckpoint when
// there is nothing to resume from.
var errNoCheckpoint = errors.New("no checkpoint to resume from")

// CheckpointInfo describes the newest complete checkpoint of a run.
type CheckpointInfo struct {
	// Dir is the checkpoint's directory.
	Dir string
	// Run is the run it belongs to; Recipe its recipe.
	Run    fashion.RunInfo
	Recipe fashion.Recipe
	// Epoch is the last epoch it holds; StoppedEarly says whether early
	// stopping ended the run there.
	Epoch        int
	StoppedEarly bool
}

// Finished reports whether the run had trained all its epochs, or stopped
// early.
func (ci *CheckpointInfo) Finished() bool {
	return ci.StoppedEarly || ci.Epoch >= ci.Recipe.Epochs
}

// LatestCheckpoint describes the checkpoint that ResumeTraining would
// resume from: the newest complete one of the run the directory belongs
// to. It returns an error wrapping errNoCheckpoint when there is none.
func LatestCheckpoint(dir string) (*CheckpointInfo, error) {
	marker, err := readCheckpointsMarker(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, errNoCheckpoint)
	} else if err != nil {
		return nil, err
	}
	epochs, err := listEpochs(dir)
	if err != nil {
		return nil, err
	}
	for i := len(epochs) - 1; i >= 0; i-- {
		e := epochs[i]
		if !e.complete || e.run != marker.Run {
			continue
		}
		mf, err := readModelFile(e.path)
		if err != nil {
			return nil, err
		}
		if mf.Recipe == nil || mf.History == nil || mf.History.Run == nil || len(mf.History.Epochs) != e.epoch {
			return nil, fmt.Errorf("%s holds no training state (recipe, history and run of %d epochs)", e.path, e.epoch)
		}
		return &CheckpointInfo{Dir: e.path, Run: *mf.History.Run, Recipe: *mf.Recipe, Epoch: e.epoch,
			StoppedEarly: mf.History.StoppedEarly}, nil
	}
	return nil, fmt.Errorf("%s: %w (the run %s had not finished an epoch)", dir, errNoCheckpoint, marker.Run)
}

// ResumeTraining loads the newest complete checkpoint of dir's run, a model
// of the model function fn (nil: the one its model.json names, see Load),
// and goes on training it with the recipe it was started with, from the epoch after
// the one saved. train and validation must be the images the run was
// started with (train before Recipe.Limit), and backend of the same kind
// (see RunInfo): otherwise, and when the checkpoint of the best epoch is
// missing although the recipe restores it, ResumeTraining refuses with an
// error saying why. The callbacks see the resumed epochs only
// (OnTrainBegin's FirstEpoch says where training resumes); a Checkpoints
// callback among them goes on writing the same run.
func ResumeTraining(backend compute.Backend, dir string, fn fashion.ModelFn, train, validation *fashionmnist.Split, callbacks ...fashion.Callback) (*fashion.Model, *fashion.History, error) {
	latest, err := LatestCheckpoint(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("resume: %w", err)
	}
	m, err := Load(backend, latest.Dir, fn)
	if err != nil {
		return nil, nil, fmt.Errorf("resume: %w", err)
	}
	h, err := m.Resume(train, validation, func(epoch int) (*fashion.Model, error) {
		return bestModel(backend, dir, fn, m.History().Run.ID, epoch)
	}, callbacks...)
	return m, h, err
}

// bestModel loads the model of the run's best epoch from its checkpoint.
func bestModel(backend compute.Backend, dir string, fn fashion.ModelFn, run string, epoch int) (*fashion.Model, error) {
	epochs, err := listEpochs(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range epochs {
		if e.epoch != epoch || !e.complete || e.run != run {
			continue
		}
		m, err := Load(backend, e.path, fn)
		if err != nil {
			return nil, fmt.Errorf("the best epoch's weights: %w", err)
		}
		if h := m.History(); h == nil || len(h.Epochs) != epoch {
			return nil, fmt.Errorf("%s does not hold epoch %d", e.path, epoch)
		}
		return m, nil
	}
	return nil, fmt.Errorf("the checkpoint of the best epoch (%d), whose weights the recipe restores, is missing from %s", epoch, dir)
}
