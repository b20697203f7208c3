package main

import (
	"fmt"
	"io"

	"github.com/fashion-gomlx/fashion-gomlx/internal/writepath"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
)

// runPlots implements "fashion plots".
func runPlots(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("plots", stderr)
	var df dataFlags
	var bf backendFlag
	df.register(fs)
	bf.register(fs)
	modelDir := fs.String("model", "", "directory of a saved model (without it, only the data figures)")
	out := fs.String("out", "figures", "directory to write the PNG and SVG files into")
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := checkFiguresDir(*out); err != nil {
		return err
	}
	data, err := df.load(stderr)
	if err != nil {
		return err
	}
	var m *fashion.Model
	if *modelDir != "" {
		backend, err := bf.open(stderr)
		if err != nil {
			return err
		}
		if m, err = savedmodel.Load(backend, *modelDir, nil); err != nil {
			return err
		}
	}
	written, err := figures.WriteAll(*out, data, m)
	if err != nil {
		return err
	}
	for _, p := range written {
		fmt.Fprintln(stdout, printable(p))
	}
	return nil
}

// figureNamesBytes bounds the names written inside the figures' directory
// ("14-weight-images.png", and a temporary name while it is written).
const figureNamesBytes = 64

// checkFiguresDir finds, before any work, the problems of the directory
// the figures go into: "" and names too long (usage errors); a dangling
// symbolic link, a file, a place where nothing can be written, and a
// directory inside the checkpoints of a run (which holds nothing else).
func checkFiguresDir(dir string) error {
	if dir == "" {
		return fmt.Errorf("%w: --out must name a directory", errUsage)
	}
	if err := writepath.CheckNames(dir, figureNamesBytes); err != nil {
		return fmt.Errorf("%w: --out: %v", errUsage, err)
	}
	resolved, err := writepath.Resolve(dir)
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	d := runPath{flag: "--out", path: dir, resolved: resolved}
	if err := d.checkNotInsideCheckpoints(); err != nil {
		return err
	}
	if err := writepath.CheckDir(dir); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}
