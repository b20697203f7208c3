package fashion

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
)

// A saved model is a directory holding:
//
//	model.json   format, layers (as Summary lists them), class names, the
//	             recipe and the history of its training
//
// The model function is code, not data: LoadModel takes it, and rebuilds
// the model from it and the checkpoint's values.
//
//	checkpoint/  a GoMLX checkpoint of every variable: weights, biases and
//	             the optimizer's state (velocities, update count)
const (
	modelFileName     = "model.json"
	checkpointDirName = "checkpoint"

	// ModelFormat names the layout of a saved model directory.
	ModelFormat = "fashion-gomlx/mlp"
	// ModelFormatVersion is the version of the layout this package writes.
	// It reads it and version 1, which also held an MLP's architecture (it
	// had the same variables as ArticleMLP).
	ModelFormatVersion = 2
)

// modelFile is the content of model.json.
type modelFile struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	Layers     []Layer   `json:"layers"`
	ClassNames []string  `json:"class_names"`
	Params     int       `json:"params"`
	Recipe     *Recipe   `json:"recipe,omitempty"`
	History    *History  `json:"history,omitempty"`
	SavedAt    time.Time `json:"saved_at"`
}

// Save writes the model to dir: first into a temporary directory beside
// it, then renamed into place, so that dir always holds a complete model
// (the previous one until the new one is whole). An existing dir is
// replaced only if it holds a saved model: Save never deletes anything else.
func (m *Model) Save(dir string) (err error) {
	if st, statErr := os.Stat(dir); statErr == nil {
		if !st.IsDir() {
			return fmt.Errorf("save: %s exists and is not a directory", dir)
		}
		if !isModelDir(dir) && !isEmptyDir(dir) {
			return fmt.Errorf("save: %s exists and does not hold a saved model; not replacing it", dir)
		}
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-*")
	if err != nil {
		return fmt.Errorf("save: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := m.writeTo(tmp); err != nil {
		return fmt.Errorf("save %s: %w", dir, err)
	}
	if err := replaceDir(tmp, dir); err != nil {
		return fmt.Errorf("save %s: %w", dir, err)
	}
	return nil
}

// writeTo writes the checkpoint and model.json into an empty directory and
// syncs every file.
func (m *Model) writeTo(dir string) error {
	// The checkpoint handler attaches itself to the store it saves: give it a
	// copy, so that the live model stays untouched.
	clone, err := m.store.Clone()
	if err != nil {
		return err
	}
	defer clone.Finalize()
	// Uncompressed: trained float32 weights barely compress, and gzip would slow
	// the per-epoch checkpoints down.
	h, err := checkpoint.Build(clone).Dir(filepath.Join(dir, checkpointDirName)).WithCompression(checkpoint.BinUncompressed).Done()
	if err != nil {
		return err
	}
	if err := h.Save(); err != nil {
		return err
	}
	mf := modelFile{
		Format: ModelFormat, Version: ModelFormatVersion, Layers: m.Layers(),
		ClassNames: m.classNames, Params: m.NumParams(), Recipe: m.recipe, History: m.history,
		SavedAt: time.Now().UTC(),
	}
	data, err := json.MarshalIndent(mf, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, modelFileName), append(data, '\n'), 0o644); err != nil {
		return err
	}
	return syncTree(dir)
}

// syncTree flushes every file under dir to disk.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}

// replaceDir renames src to dst, moving an existing dst aside first and
// deleting it only once src is in place.
func replaceDir(src, dst string) error {
	if _, err := os.Stat(dst); errors.Is(err, os.ErrNotExist) {
		return os.Rename(src, dst)
	}
	old := src + ".old"
	if err := os.Rename(dst, old); err != nil {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		if restoreErr := os.Rename(old, dst); restoreErr != nil {
			return fmt.Errorf("%w (and the previous model is left in %s: %v)", err, old, restoreErr)
		}
		return err
	}
	return os.RemoveAll(old)
}

// isModelDir reports whether dir holds a model.json.
func isModelDir(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, modelFileName))
	return err == nil && st.Mode().IsRegular()
}

// isEmptyDir reports whether dir is an empty directory.
func isEmptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

// LoadModel reads a model saved by Save onto backend, rebuilding it from
// fn, the model function it was saved from (ArticleMLP for the models
// "fashion train" saves). A missing, partial or corrupt directory, one
// written by another version of the format, or a checkpoint whose
// variables do not match those fn creates is an error that says what is
// wrong.
func LoadModel(backend compute.Backend, dir string, fn ModelFn) (*Model, error) {
	mf, err := readModelFile(dir)
	if err != nil {
		return nil, err
	}
	m, err := New(backend, fn, 0)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	if len(mf.ClassNames) != m.classes {
		return nil, fmt.Errorf("load %s: %s names %d classes; the model function scores %d", dir, modelFileName, len(mf.ClassNames), m.classes)
	}
	m.classNames, m.recipe, m.history = mf.ClassNames, mf.Recipe, mf.History
	if err := m.loadCheckpoint(filepath.Join(dir, checkpointDirName)); err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	return m, nil
}

// readModelFile reads and checks dir/model.json.
func readModelFile(dir string) (*modelFile, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("load: no model at %s: %w", dir, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("load: %s is not a directory", dir)
	}
	path := filepath.Join(dir, modelFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("load: %s is not a saved model (no %s)", dir, modelFileName)
	} else if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	var mf modelFile
	if err := json.Unmarshal(data, &mf); err != nil {
		return nil, fmt.Errorf("load: %s is corrupt: %w", path, err)
	}
	switch {
	case mf.Format != ModelFormat:
		return nil, fmt.Errorf("load: %s has format %q, want %q", path, mf.Format, ModelFormat)
	case mf.Version == 1:
	case mf.Version > ModelFormatVersion:
		return nil, fmt.Errorf("load: %s was written by a newer version of this program (format version %d; this one reads versions 1 to %d)",
			path, mf.Version, ModelFormatVersion)
	case mf.Version != ModelFormatVersion:
		return nil, fmt.Errorf("load: %s has unknown format version %d (this program reads versions 1 to %d)", path, mf.Version, ModelFormatVersion)
	}
	if len(mf.ClassNames) == 0 {
		return nil, fmt.Errorf("load: %s names no classes", path)
	}
	return &mf, nil
}

// loadCheckpoint reads a GoMLX checkpoint into a separate store, checks it
// against the model's variables, and copies its values in.
func (m *Model) loadCheckpoint(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("the checkpoint is missing: %w", err)
	}
	loaded := model.NewStore()
	defer loaded.Finalize()
	if _, err := checkpoint.Load(loaded).Dir(dir).Immediate().Done(); err != nil {
		return fmt.Errorf("reading the checkpoint: %w", err)
	}
	for v := range m.store.IterVariables() {
		lv := loaded.GetVariable(v.Path())
		if lv == nil {
			return fmt.Errorf("the checkpoint lacks variable %s", v.Path())
		}
		if !lv.Shape().Equal(v.Shape()) {
			return fmt.Errorf("the checkpoint's %s has shape %s, the model function needs %s", v.Path(), lv.Shape(), v.Shape())
		}
	}
	for lv := range loaded.IterVariables() {
		value, err := lv.Value()
		if err != nil {
			return fmt.Errorf("reading %s: %w", lv.Path(), err)
		}
		value, err = value.LocalClone() // Outlive the loaded store.
		if err != nil {
			return fmt.Errorf("reading %s: %w", lv.Path(), err)
		}
		if v := m.store.GetVariable(lv.Path()); v != nil {
			if err := v.SetValue(value); err != nil {
				return err
			}
			continue
		}
		if !isTrainingState(lv.Path()) {
			return fmt.Errorf("the checkpoint holds %s, which the model function does not create", lv.Path())
		}
		v, err := m.store.CreateVariable(lv.Path(), value)
		if err != nil {
			return err
		}
		v.SetTrainable(false)
	}
	return nil
}
