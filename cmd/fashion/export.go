package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/fashion-gomlx/fashion-gomlx/internal/atomicfile"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/onnxexport"
)

func init() {
	summary := "write a saved model as an ONNX file, for ONNX Runtime outside Go"
	if !onnxexport.Built {
		summary += " (not in this build: go build -tags onnx)"
	}
	commands["export"] = command{summary, runExport}
}

// runExport implements "fashion export --onnx FILE".
func runExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	var mf modelFlags
	mf.register(fs)
	path := fs.String("onnx", "", "write the model to this ONNX file (required)")
	batch := fs.Int("batch", 1, "the number of images the ONNX file takes per call (fixed)")
	if err := fs.parse(args); err != nil {
		return err
	}
	switch {
	case *path == "":
		return fmt.Errorf("%w: --onnx FILE is required", errUsage)
	case *batch <= 0:
		return fmt.Errorf("%w: --batch must be positive, got %d", errUsage, *batch)
	case !onnxexport.Built:
		return onnxexport.ErrNotBuilt
	}
	m, err := mf.loadModel(stderr)
	if err != nil {
		return err
	}
	var file bytes.Buffer
	if err := onnxexport.Write(m, &file, *batch); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(*path, file.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%.2f MB): images float32 [%d, 28, 28] in [0, 1] -> logits float32 [%d, %d]\n",
		*path, float64(file.Len())/1e6, *batch, *batch, len(m.ClassNames()))
	return nil
}
