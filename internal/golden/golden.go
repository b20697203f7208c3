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

// Check, in a subtest named name, draws pic into testdata/name and compares it, pixel for pixel
// (byte for byte for formats other than images), with
// testdata/name-with-_golden; a difference fails t, logs the difference
// as cmpimg does, and leaves the new picture beside the golden for a look.
// With -regen the new picture becomes the golden.
func Check(t *testing.T, name string, pic Saver) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		path := filepath.Join("testdata", name)
		cmpimg.CheckPlot(func() {
			if err := pic.Save(path); err != nil {
				t.Fatalf("saving %s: %v", path, err)
			}
		}, t, name)
		if !t.Failed() { // matched, or regenerated: only the golden stays
			if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
				t.Error(err)
			}
		}
	})
}
