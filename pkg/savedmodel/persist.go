package savedmodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/internal/atomicfile"
	"github.com/fashion-gomlx/fashion-gomlx/internal/plainfile"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/gomlx/compute"
)

// A saved model is a directory holding:
//
//	.fashion-gomlx-model  a marker: this program wrote the directory (see
//	                      modeldir.go for what that allows it to delete)
//	model.json            format, the model function's registered name,
//	                      layers (as Summary lists them), class
//	                      names, the recipe and the history of its
//	                      training, and the name and SHA-256 of each
//	                      weights file
//	checkpoint-<hex>/     a GoMLX checkpoint of every variable: weights,
//	                      biases and the optimizer's state (velocities,
//	                      update count)
//
// model.json is written last, atomically: it is the commit of a save. A
// save over an existing model writes the new checkpoint beside the old
// one, then replaces model.json, then deletes the old checkpoint, so that
// a kill at any moment leaves a complete model, the old or the new.
//
// The model function is code, not data: model.json records its name
// when it is registered (fashion.RegisterModelFn), and Load rebuilds the
// model from that function, or the one it is given, and the checkpoint's
// values.
const (
	modelFileName = "model.json"

	// modelFormat names the layout of a saved model directory.
	modelFormat = "fashion-gomlx/mlp"
	// modelFormatVersion is the version of the layout this package writes
	// and reads. Version 2 added the marker and the weights' checksums, and
	// lists the layers where version 1 held an MLP's architecture.
	modelFormatVersion = 2
)

// modelFile is the content of model.json.
type modelFile struct {
	Format     string           `json:"format"`
	Version    int              `json:"version"`
	ModelFn    string           `json:"model_fn,omitempty"` // the registered name of the model function
	Layers     []fashion.Layer  `json:"layers"`
	ClassNames []string         `json:"class_names"`
	Params     int              `json:"params"`
	Recipe     *fashion.Recipe  `json:"recipe,omitempty"`
	History    *fashion.History `json:"history,omitempty"`
	SavedAt    time.Time        `json:"saved_at"`
	Weights    weightsRef       `json:"weights"`
}

// crashHook is called at the points of a save where a crash leaves the
// most to recover from; tests replace it to kill the process there.
var crashHook = func(point string) {}

// raceHook is called where another process acting hurts a reader most;
// tests replace it to act there.
var raceHook = func(point string) {}

// Save writes the model to dir, creating it if needed. A kill at any
// moment leaves dir holding a complete model, the previous one or the new
// one (see the layout above). Save writes only into a directory that is
// absent, empty or one it wrote itself; files a user put in a saved
// model's directory stay. Save is not meant to be called on the same
// directory by two processes at once.
func Save(m *fashion.Model, dir string) error {
	if err := save(m, dir); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	return nil
}

// save implements Save.
func save(m *fashion.Model, dir string) error {
	state, err := prepareModelDir(dir)
	if err != nil {
		return err
	}
	ref, err := writeWeights(m, dir)
	if err != nil {
		os.RemoveAll(filepath.Join(dir, ref.Dir))
		return fmt.Errorf("writing the weights in %s: %w", dir, err)
	}
	crashHook("save: weights written")
	mf := modelFile{
		Format: modelFormat, Version: modelFormatVersion, ModelFn: fashion.ModelFnName(m.ModelFn()), Layers: m.Layers(),
		ClassNames: m.ClassNames(), Params: m.NumParams(), Recipe: m.Recipe(), History: m.History(),
		SavedAt: time.Now().UTC(), Weights: ref,
	}
	data, err := json.MarshalIndent(mf, "", "  ")
	if err == nil {
		err = atomicfile.WriteFile(filepath.Join(dir, modelFileName), append(data, '\n'), filePerm)
	}
	if err != nil {
		os.RemoveAll(filepath.Join(dir, ref.Dir))
		return err
	}
	crashHook("save: committed")
	if err := cleanModelDir(dir, ref.Dir, state == dirOurV1); err != nil {
		return fmt.Errorf("the model is saved in %s, but removing the previous weights failed: %w", dir, err)
	}
	return nil
}

// Load reads a model saved by Save onto backend, rebuilding it from
// fn, the model function it was saved from, or, when fn is nil, from the
// function model.json names: the one registered under that name (see
// fashion.RegisterModelFn; "fashion train" saves ArticleMLP's models, and
// they load with a nil fn). A missing, partial or corrupt directory, one
// written by another version of the format, weights whose checksum does
// not match (random bytes, flipped bits), whose variables or sizes do not
// match those fn creates, or that hold NaNs, is an error that says what is
// wrong; sizes are checked before the weights are read. So is a
// model.json whose record cannot be true: a recipe that Fit would refuse
// (a batch size of 0, no optimizer), a history whose epochs are not
// numbered 1, 2, ..., class names holding control characters.
//
// Load reads while another process may save over the model: a save
// deletes the previous weights once model.json names the new ones, so when
// reading the weights fails and model.json meanwhile names others, Load
// reads the model again (up to maxLoadAttempts times).
func Load(backend compute.Backend, dir string, fn fashion.ModelFn) (*fashion.Model, error) {
	for attempt := 1; ; attempt++ {
		m, mf, err := load(backend, dir, fn)
		if err == nil || mf == nil || attempt == maxLoadAttempts {
			return m, err
		}
		if now, nowErr := readModelFile(dir); nowErr != nil || now.Weights.Dir == mf.Weights.Dir {
			return nil, err // not a save under the reader: the model is broken
		}
	}
}

// maxLoadAttempts bounds the times Load reads a model that saves keep
// replacing under it.
const maxLoadAttempts = 5

// load implements one attempt of Load. It returns the model.json it read,
// if it got that far.
func load(backend compute.Backend, dir string, fn fashion.ModelFn) (*fashion.Model, *modelFile, error) {
	m, built, err := loadModelFile(backend, dir, fn)
	if err != nil {
		return nil, built, err
	}
	// Building the model takes longer than a save: model.json is read again
	// right before the weights it names, so that a save between the two
	// reads is rare.
	mf, err := readModelFile(dir)
	if err != nil {
		return nil, built, err
	}
	if mf.ModelFn != built.ModelFn || len(mf.ClassNames) != len(built.ClassNames) {
		return nil, built, fmt.Errorf("load %s: %s changed while it was read", dir, modelFileName)
	}
	raceHook("load: model.json read")
	w, err := readWeights(dir, mf, int64(m.NumParams()))
	if err != nil {
		return nil, mf, fmt.Errorf("load %s: %w", dir, err)
	}
	if err := m.SetRecord(mf.ClassNames, mf.Recipe, mf.History); err != nil {
		return nil, mf, fmt.Errorf("load %s: %w", dir, err)
	}
	if err := loadCheckpoint(m, w); err != nil {
		return nil, mf, fmt.Errorf("load %s: %w", dir, err)
	}
	return m, mf, nil
}

// loadModelFile reads model.json and builds the model it describes, with
// fresh variables.
func loadModelFile(backend compute.Backend, dir string, fn fashion.ModelFn) (*fashion.Model, *modelFile, error) {
	mf, err := readModelFile(dir)
	if err != nil {
		return nil, nil, err
	}
	if fn == nil {
		if mf.ModelFn == "" {
			return nil, mf, fmt.Errorf("load %s: %s names no model function (the model was saved from one not registered with fashion.RegisterModelFn): give the function", dir, modelFileName)
		}
		if fn, err = fashion.LookupModelFn(mf.ModelFn); err != nil {
			return nil, mf, fmt.Errorf("load %s: %w", dir, err)
		}
	}
	m, err := fashion.New(backend, fn, 0)
	if err != nil {
		return nil, mf, fmt.Errorf("load %s: %w", dir, err)
	}
	if classes := len(m.ClassNames()); len(mf.ClassNames) != classes {
		return nil, mf, fmt.Errorf("load %s: %s names %d classes; the model function scores %d", dir, modelFileName, len(mf.ClassNames), classes)
	}
	if err := checkLayers(mf.Layers, m.Layers()); err != nil {
		return nil, mf, fmt.Errorf("load %s: %w", dir, err)
	}
	return m, mf, nil
}

// maxModelFileBytes bounds the size of a model.json Load reads. Ours
// are a few kilobytes; the history of 10,000 epochs stays under 3 MB.
const maxModelFileBytes = 16 << 20

// readModelFile reads and checks dir/model.json.
func readModelFile(dir string) (*modelFile, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("load: no model at %s: %w", dir, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("load: %s is not a directory", dir)
	}
	path := filepath.Join(dir, modelFileName)
	data, err := plainfile.ReadFile(path, maxModelFileBytes)
	switch {
	case errors.Is(err, fs.ErrNotExist) && isMarked(dir, markerFileName):
		return nil, fmt.Errorf("load: %s holds no complete model (no %s: a save was interrupted?)", dir, modelFileName)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("load: %s is not a saved model (no %s)", dir, modelFileName)
	case err != nil:
		return nil, fmt.Errorf("load: %w (a model's description holds %d MB at most)", err, maxModelFileBytes>>20)
	}
	var mf modelFile
	if err := json.Unmarshal(data, &mf); err != nil {
		return nil, fmt.Errorf("load: %s is corrupt: %w", path, err)
	}
	switch {
	case mf.Format != modelFormat:
		return nil, fmt.Errorf("load: %s has format %q, want %q", path, mf.Format, modelFormat)
	case mf.Version > modelFormatVersion:
		return nil, fmt.Errorf("load: %s was written by a newer version of this program (format version %d; this one reads %d)",
			path, mf.Version, modelFormatVersion)
	case mf.Version == 1:
		return nil, fmt.Errorf("load: %s was saved by an older version of this program (format version 1, without checksums): train the model again",
			dir)
	case mf.Version != modelFormatVersion:
		return nil, fmt.Errorf("load: %s has unknown format version %d (this program reads %d)", path, mf.Version, modelFormatVersion)
	}
	if err := mf.check(); err != nil {
		return nil, fmt.Errorf("load: %s is corrupt: %w", path, err)
	}
	return &mf, nil
}
