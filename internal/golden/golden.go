// Package golden checks pictures against golden images kept in a test's
// testdata folder, the way gonum/plot tests its own plotters: with
// cmpimg.CheckPlot, testdata/NAME_golden.png beside the freshly drawn
// testdata/NAME.png, and the -regen flag that cmpimg registers
// (go test ./pkg/viz -regen) to rewrite the goldens from the code.
//
// It is for tests only, and imports nothing of the project.
package golden

import (
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/cmpimg"
)

// Saver is a picture that writes itself to a file in the format its
// extension names, such as a *viz.Figure.
type Saver interface {
	Save(path string) error
}

// Check, in a subtest named name, draws pic into testdata/name and
// compares it with the golden (see CheckExample).
func Check(t *testing.T, name string, pic Saver) {
	t.Helper()
	path := filepath.Join("testdata", name)
	CheckExample(t, name, func() {
		if err := pic.Save(path); err != nil {
			t.Fatalf("saving %s: %v", path, err)
		}
	})
}

// CheckExample, in a subtest named name, runs example, which must write
// testdata/name as gonum's examples do, and compares that file with
// testdata/name-with-_golden: pixel for pixel for images, byte for byte
// for SVG. A difference fails the subtest, logs the difference as cmpimg
// does, and leaves the new picture beside the golden for a look; a match
// removes it. With -regen the new picture becomes the golden.
func CheckExample(t *testing.T, name string, example func()) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		cmpimg.CheckPlot(example, t, name)
		if !t.Failed() { // matched, or regenerated: only the golden stays
			path := filepath.Join("testdata", name)
			if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
				t.Error(err)
			}
		}
	})
}
