//go:build !onnx

package onnxexport

import (
	"io"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
)

// Built reports whether ONNX export is compiled in (the build tag onnx).
const Built = false

// Write is built without ONNX export (no build tag onnx): it returns
// ErrNotBuilt.
func Write(m *fashion.Model, w io.Writer, batch int) error { return ErrNotBuilt }
