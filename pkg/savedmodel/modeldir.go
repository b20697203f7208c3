package savedmodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/internal/atomicfile"
	"github.com/fashion-gomlx/fashion-gomlx/internal/plainfile"
	"github.com/fashion-gomlx/fashion-gomlx/internal/writepath"
)

// The permissions of what a save creates, before the umask: a user whose
// umask is 022 shares the model with others, one whose umask is 077 keeps
// it to themselves (mkdir and touch do the same).
const (
	dirPerm  = 0o777
	filePerm = 0o666
)

// A directory that Save wrote holds a marker file, markerFileName, whose
// line names the format. The marker, not a file name, is what makes the
// directory ours: Save writes into a directory only when it is absent,
// empty or marked, and deletes in it only what it wrote there (the weights
// directories that model.json no longer names, and the temporary files of
// interrupted writes). Files a user adds beside them stay.
const (
	markerFileName = ".fashion-gomlx-model"
	// weightsDirPrefix starts the name of the directory holding a model's
	// GoMLX checkpoint: checkpoint-<random hex>. model.json names the one
	// in use.
	weightsDirPrefix = "checkpoint-"
	// v1WeightsDirName is where format version 1 kept the checkpoint.
	v1WeightsDirName = "checkpoint"
)

// modelMarker returns the content of a model directory's marker file.
func modelMarker() []byte {
	return []byte(modelFormat + " " + strconv.Itoa(modelFormatVersion) + "\n")
}

// dirState says what a directory is to Save.
type dirState int

const (
	dirAbsent dirState = iota // nothing there yet
	dirEmpty                  // an empty directory
	dirOurs                   // a directory with our marker
	dirOurV1                  // a model saved by format version 1: model.json and checkpoint/, nothing else
)

// inspectModelDir tells whether Save may write into dir, and refuses, with
// an error saying why, a file, a directory of someone else's, or a path
// that names nothing.
func inspectModelDir(dir string) (dirState, error) {
	entries, state, err := readDirState(dir)
	if err != nil || state != dirOurs {
		return state, err
	}
	ours, err := marked(dir, markerFileName)
	switch {
	case err != nil:
		return 0, err
	case ours:
		return dirOurs, nil
	case isV1ModelDir(dir, entries):
		return dirOurV1, nil
	}
	return 0, notOurs(dir, entries, markerFileName)
}

// readDirState reads a directory that the program means to write into. It
// returns dirAbsent or dirEmpty, or dirOurs with the entries for the
// caller to check that they are; "" and paths through a file are errors.
func readDirState(dir string) ([]fs.DirEntry, dirState, error) {
	if dir == "" {
		return nil, 0, errors.New("no directory given")
	}
	entries, err := plainfile.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, dirAbsent, nil
	case err != nil:
		if st, statErr := os.Stat(dir); statErr == nil && !st.IsDir() {
			return nil, 0, fmt.Errorf("%s is %s, not a directory", dir, plainfile.Kind(st.Mode()))
		}
		if _, ancestorErr := writepath.Ancestor(dir); ancestorErr != nil {
			return nil, 0, ancestorErr
		}
		return nil, 0, err
	case len(entries) == 0:
		return nil, dirEmpty, nil
	}
	return entries, dirOurs, nil
}

// notOurs is the error for a directory that holds files this program did
// not write, naming a few of them and the marker it lacks.
func notOurs(dir string, entries []fs.DirEntry, marker string) error {
	names := make([]string, 0, 4)
	for _, e := range entries[:min(3, len(entries))] {
		names = append(names, e.Name())
	}
	if len(entries) > 3 {
		names = append(names, "...")
	}
	return fmt.Errorf("%s holds files this program did not write (%s; no %s marker): not writing into it; choose another directory",
		dir, strings.Join(names, ", "), marker)
}

// maxMarkerBytes bounds the size of a marker file read: ours are one line.
const maxMarkerBytes = 4 << 10

// marked reports whether dir holds the marker file name, a regular file
// with a line naming one of this program's formats. Something other than
// a regular file in its place is an error saying what it is.
func marked(dir, name string) (bool, error) {
	data, err := plainfile.ReadFile(filepath.Join(dir, name), maxMarkerBytes)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	}
	return strings.HasPrefix(string(data), "fashion-gomlx/"), nil
}

// isMarked reports whether dir holds the marker file name (see marked).
func isMarked(dir, name string) bool {
	ok, _ := marked(dir, name)
	return ok
}

// Describe says what dir is to this package: "a saved model" or "the
// checkpoints of a training run" when it holds the marker of one (a
// directory this package writes into, and deletes in), "" otherwise. Tools
// use it to keep other data out of such directories.
func Describe(dir string) string {
	if isMarked(dir, markerFileName) {
		return "a saved model"
	}
	if _, err := readCheckpointsMarker(dir); err == nil {
		return "the checkpoints of a training run"
	}
	return ""
}

// isV1ModelDir reports whether a directory holding entries is a model
// saved by format version 1 of this program, which wrote no marker: its
// model.json says so and nothing else is there but the checkpoint.
func isV1ModelDir(dir string, entries []fs.DirEntry) bool {
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{v1WeightsDirName, modelFileName}) {
		return false
	}
	data, err := plainfile.ReadFile(filepath.Join(dir, modelFileName), maxModelFileBytes)
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	return err == nil && json.Unmarshal(data, &head) == nil && head.Format == modelFormat && head.Version == 1
}

// CheckSaveDir reports, before any work, whether Save could write a
// model into dir: it refuses "", a file, a directory that holds files this
// program did not write, and a place where nothing can be written. It
// creates nothing (it writes and removes a probe file).
func CheckSaveDir(dir string) error {
	state, err := inspectModelDir(dir)
	if err != nil {
		return err
	}
	where := dir
	if state == dirAbsent {
		if where, err = writepath.Ancestor(dir); err != nil {
			return err
		}
	}
	return writepath.Probe(where)
}

// prepareModelDir makes dir ready for Save: it creates it if needed and
// marks it as ours. It returns what dir was before.
func prepareModelDir(dir string) (dirState, error) {
	state, err := inspectModelDir(dir)
	if err != nil {
		return 0, err
	}
	if state == dirAbsent {
		if err := os.MkdirAll(dir, dirPerm); err != nil {
			return 0, err
		}
	}
	if state != dirOurs {
		if err := atomicfile.WriteFile(filepath.Join(dir, markerFileName), modelMarker(), filePerm); err != nil {
			return 0, err
		}
	}
	return state, nil
}

// cleanModelDir removes from our directory dir what this program wrote and
// no longer needs: weights directories other than keep (all of them when
// keep is ""), the checkpoint directory of format version 1 when v1 is
// set, and temporary files of interrupted writes.
func cleanModelDir(dir, keep string, v1 bool) error {
	entries, err := plainfile.ReadDir(dir)
	if err != nil {
		return err
	}
	var first error // the first failure; the other entries are still removed
	for _, e := range entries {
		name, path := e.Name(), filepath.Join(dir, e.Name())
		var err error
		switch {
		case e.IsDir() && strings.HasPrefix(name, weightsDirPrefix) && name != keep,
			e.IsDir() && v1 && name == v1WeightsDirName:
			err = os.RemoveAll(path)
		case !e.IsDir() && (atomicfile.IsTemp(name, modelFileName) || atomicfile.IsTemp(name, markerFileName)):
			err = os.Remove(path)
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// removeModelDir deletes a model directory this program wrote: first
// model.json (so that a half-removed directory never looks complete), then
// the weights, then the marker and the directory itself, unless a user's
// files are in it: then they stay, with the marker, so that a later save
// may use the directory again. A directory without our marker is left
// alone.
func removeModelDir(dir string) error {
	if !isMarked(dir, markerFileName) {
		return nil
	}
	if err := os.Remove(filepath.Join(dir, modelFileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := cleanModelDir(dir, "", false); err != nil {
		return err
	}
	entries, err := plainfile.ReadDir(dir)
	if err != nil || len(entries) > 1 {
		return err
	}
	if err := os.Remove(filepath.Join(dir, markerFileName)); err != nil {
		return err
	}
	return os.Remove(dir)
}
