package savedmodel

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/internal/atomicfile"
	"github.com/fashion-gomlx/fashion-gomlx/internal/plainfile"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
)

// weightsRef is model.json's record of the model's GoMLX checkpoint: the
// directory holding it and the SHA-256 of each of its two files (the
// index, .json, and the values, .bin), checked before anything is loaded.
type weightsRef struct {
	Dir    string            `json:"dir"`
	SHA256 map[string]string `json:"sha256"`
}

// checkpointIndex is the part of a GoMLX checkpoint's .json file that says
// where each variable's values are in the .bin file.
type checkpointIndex struct {
	Variables []struct {
		ParameterName string
		Dimensions    []int
		DType         dtypes.DType
		Pos, Length   int
	}
	BinFormat string
}

// Bounds on the files of a checkpoint, checked before they are read.
const (
	maxIndexBytes = 16 << 20
	// A model's checkpoint holds its weights (4 bytes each) and, once
	// trained, as many velocities and an update count: between 4 and 8
	// bytes per parameter. The upper bound leaves room for more optimizer
	// state.
	minBytesPerParam, maxBytesPerParam = 4, 12
	maxExtraBytes                      = 1 << 20
	// maxVariableBytes bounds one variable of an index, so that adding up
	// their lengths cannot overflow.
	maxVariableBytes = 1 << 40
)

// writeWeights writes the model's variables as a GoMLX checkpoint into a
// new weights directory of dir, reads it back to check it and take its
// checksums, and syncs it to disk.
func writeWeights(m *fashion.Model, dir string) (weightsRef, error) {
	var suffix [4]byte
	rand.Read(suffix[:])
	ref := weightsRef{Dir: weightsDirPrefix + hex.EncodeToString(suffix[:]), SHA256: map[string]string{}}
	// Created here, not by GoMLX (whose directories are 0770 less the
	// umask), so that the weights are as shared as the rest; and named by
	// an absolute path, which GoMLX takes as it is (it reads a leading "~"
	// as the home directory: a model saved into "./~/m" would put its
	// weights in $HOME/m).
	wdir, err := filepath.Abs(filepath.Join(dir, ref.Dir))
	if err != nil {
		return ref, err
	}
	if err := os.Mkdir(wdir, dirPerm); err != nil {
		return ref, err
	}
	// The checkpoint handler attaches itself to the store it saves: give it a
	// copy, so that the live model stays untouched.
	clone, err := m.Store().Clone()
	if err != nil {
		return ref, err
	}
	defer clone.Finalize()
	// Uncompressed: trained float32 weights barely compress, and gzip would slow
	// the per-epoch checkpoints down.
	h, err := checkpoint.Build(clone).Dir(wdir).WithCompression(checkpoint.BinUncompressed).Done()
	if err != nil {
		return ref, err
	}
	if err := h.Save(); err != nil {
		return ref, err
	}
	// GoMLX ignores some short writes (a full disk): read the files back and
	// check that the values file holds every variable the index lists.
	indexPath, valuesPath, err := checkpointFiles(wdir)
	if err != nil {
		return ref, err
	}
	index, err := plainfile.ReadFile(indexPath, maxIndexBytes)
	if err != nil {
		return ref, err
	}
	values, err := plainfile.ReadFile(valuesPath, int64(m.NumParams())*maxBytesPerParam+maxExtraBytes)
	if err != nil {
		return ref, err
	}
	if err := checkIndex(index, int64(len(values))); err != nil {
		return ref, err
	}
	for path, data := range map[string][]byte{indexPath: index, valuesPath: values} {
		sum := sha256.Sum256(data)
		ref.SHA256[filepath.Base(path)] = hex.EncodeToString(sum[:])
		if err := syncFile(path); err != nil {
			return ref, err
		}
	}
	return ref, atomicfile.SyncDir(wdir)
}

// checkpointFiles returns the index (.json) and values (.bin) files of the
// one GoMLX checkpoint in wdir.
func checkpointFiles(wdir string) (index, values string, err error) {
	entries, err := os.ReadDir(wdir)
	if err != nil {
		return "", "", err
	}
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case checkpoint.JsonNameSuffix:
			index = filepath.Join(wdir, e.Name())
		case checkpoint.BinDataSuffix:
			values = filepath.Join(wdir, e.Name())
		}
	}
	if len(entries) != 2 || index == "" || values == "" {
		return "", "", fmt.Errorf("%s should hold one checkpoint (a .json and a .bin file), it holds %d files", wdir, len(entries))
	}
	return index, values, nil
}

// syncFile flushes a file to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// checkIndex checks a checkpoint's index: every variable's byte length is
// what its shape needs, the variables follow each other in the values
// file, and (when valuesSize >= 0) they fill it exactly. So a corrupt or
// hostile index can neither make the loader allocate what the file does
// not hold nor read past it.
func checkIndex(data []byte, valuesSize int64) error {
	var index checkpointIndex
	if err := json.Unmarshal(data, &index); err != nil {
		return fmt.Errorf("the checkpoint's index is corrupt: %w", err)
	}
	if index.BinFormat != checkpoint.BinUncompressed.String() {
		return fmt.Errorf("the checkpoint's values are stored as %q, want %q", index.BinFormat, checkpoint.BinUncompressed)
	}
	var pos int64
	for _, v := range index.Variables {
		n, ok := int64(v.DType.Size()), v.DType.Size() > 0
		for _, d := range v.Dimensions {
			hi, lo := bits.Mul64(uint64(n), uint64(d))
			ok = ok && d >= 0 && hi == 0 && lo < maxVariableBytes
			n = int64(lo)
		}
		if !ok || int64(v.Length) != n || int64(v.Pos) != pos {
			return fmt.Errorf("the checkpoint's index is inconsistent: variable %s of %s %v at byte %d, length %d",
				v.ParameterName, v.DType, v.Dimensions, v.Pos, v.Length)
		}
		pos += n
	}
	if valuesSize >= 0 && pos != valuesSize {
		return fmt.Errorf("the checkpoint's values file holds %d bytes, its index lists %d (a partial write?)", valuesSize, pos)
	}
	return nil
}

// weightsData is a model's checkpoint, read into memory and verified.
type weightsData struct {
	index, values []byte
}

// readWeights reads the checkpoint model.json names, after checking that
// its sizes fit a model of params parameters, and verifies the checksums.
func readWeights(dir string, mf *modelFile, params int64) (*weightsData, error) {
	ref := mf.Weights
	if !strings.HasPrefix(ref.Dir, weightsDirPrefix) || filepath.Base(ref.Dir) != ref.Dir || len(ref.SHA256) != 2 {
		return nil, fmt.Errorf("%s does not name its weights (a checkpoint directory and the checksums of its two files)", modelFileName)
	}
	wdir := filepath.Join(dir, ref.Dir)
	var w weightsData
	for name, want := range ref.SHA256 {
		path := filepath.Join(wdir, name)
		var limit int64
		var dst *[]byte
		switch {
		case filepath.Base(name) != name:
			return nil, fmt.Errorf("%s names a weights file outside its directory: %q", modelFileName, name)
		case filepath.Ext(name) == checkpoint.JsonNameSuffix:
			limit, dst = maxIndexBytes, &w.index
		case filepath.Ext(name) == checkpoint.BinDataSuffix:
			if err := checkValuesSize(path, params); err != nil {
				return nil, err
			}
			limit, dst = params*maxBytesPerParam+maxExtraBytes, &w.values
		default:
			return nil, fmt.Errorf("%s names an unknown weights file %q", modelFileName, name)
		}
		data, err := plainfile.ReadFile(path, limit)
		if err != nil {
			return nil, fmt.Errorf("the checkpoint is missing or unreadable: %w", err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != want {
			return nil, fmt.Errorf("%s is corrupt: its SHA-256 is %x, %s records %s", filepath.Join(ref.Dir, name), sum, modelFileName, want)
		}
		*dst = data
	}
	if w.index == nil || w.values == nil {
		return nil, fmt.Errorf("%s should name a .json and a .bin weights file", modelFileName)
	}
	if err := checkIndex(w.index, int64(len(w.values))); err != nil {
		return nil, err
	}
	return &w, nil
}

// checkValuesSize checks, before reading it, that a checkpoint's values
// file is as large as a model of params parameters needs.
func checkValuesSize(path string, params int64) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("the checkpoint is missing or unreadable: %w", err)
	}
	lo, hi := params*minBytesPerParam, params*maxBytesPerParam+maxExtraBytes
	if st.Size() < lo || st.Size() > hi {
		return fmt.Errorf("%s holds %d bytes, but a model of %d parameters needs between %d and %d: they do not belong together",
			filepath.Base(path), st.Size(), params, lo, hi)
	}
	return nil
}

// loadCheckpoint loads verified checkpoint data into a separate store,
// checks it against the model's variables (shapes, and finite values), and
// copies its values in.
func loadCheckpoint(m *fashion.Model, w *weightsData) error {
	loaded := model.NewStore()
	defer loaded.Finalize()
	if _, err := checkpoint.Load(loaded).FromEmbed(string(w.index), w.values).Immediate().Done(); err != nil {
		return fmt.Errorf("reading the checkpoint: %w", err)
	}
	store := m.Store()
	for v := range store.IterVariables() {
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
		if err := checkFinite(lv.Path(), value); err != nil {
			return err
		}
		value, err = value.LocalClone() // Outlive the loaded store.
		if err != nil {
			return fmt.Errorf("reading %s: %w", lv.Path(), err)
		}
		if v := store.GetVariable(lv.Path()); v != nil {
			if err := v.SetValue(value); err != nil {
				return err
			}
			continue
		}
		if !fashion.IsTrainingState(lv.Path()) {
			return fmt.Errorf("the checkpoint holds %s, which the model function does not create", lv.Path())
		}
		v, err := store.CreateVariable(lv.Path(), value)
		if err != nil {
			return err
		}
		v.SetTrainable(false)
	}
	return nil
}

// errNotFinite marks values that are NaN or infinite.
var errNotFinite = errors.New("values that are NaN or infinite")

// checkFinite refuses a float32 variable holding NaNs or infinities.
func checkFinite(path string, value *tensors.Tensor) error {
	if value.DType() != dtypes.Float32 {
		return nil
	}
	data, err := tensors.CopyFlatData[float32](value)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	bad := 0
	for _, x := range data {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("the checkpoint's %s holds %d %w: the model is corrupt, or its training diverged", path, bad, errNotFinite)
	}
	return nil
}
