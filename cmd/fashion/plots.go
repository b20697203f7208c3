package main

import (
	"fmt"
	"io"

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
		fmt.Fprintln(stdout, p)
	}
	return nil
}
