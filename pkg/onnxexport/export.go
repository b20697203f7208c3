//go:build onnx

package onnxexport

import (
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/onnx"
)

// backendConfig is GoMLX's ONNX backend on the CPU. It never downloads
// ONNX Runtime: the library comes from ONNXRUNTIME_SHARED_LIBRARY_PATH.
const backendConfig = "onnx:cpu"

// Built reports whether ONNX export is compiled in (the build tag onnx).
const Built = true

// Write writes the model m (on any backend) to w as an ONNX model for
// batches of batch images: its model function, with the model's variables
// as constants, from "images" float32 [batch, 28, 28] to "logits" float32
// [batch, classes]. A model function that uses an operation the exporter
// cannot translate is an error naming the operation.
func Write(m *fashion.Model, w io.Writer, batch int) error {
	if batch <= 0 {
		return fmt.Errorf("onnx export: the batch size must be positive, got %d", batch)
	}
	backend, err := newBackend()
	if err != nil {
		return err
	}
	defer backend.Finalize()
	store := model.NewStore()
	for v := range m.Store().IterVariables() {
		if fashion.IsTrainingState(v.Path()) {
			continue
		}
		value, err := v.Value()
		if err == nil {
			value, err = value.LocalClone()
		}
		if err == nil {
			_, err = store.CreateVariable(v.Path(), value)
		}
		if err != nil {
			return fmt.Errorf("onnx export: %s: %w", v.Path(), err)
		}
	}
	fn := m.ModelFn()
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, images *graph.Node) *graph.Node { return fn(scope, images) })
	if err != nil {
		return fmt.Errorf("onnx export: %w", err)
	}
	defer exec.Finalize()
	input := shapes.Make(dtypes.Float32, batch, fashionmnist.ImageSize, fashionmnist.ImageSize)
	if err := onnx.Save(backend, exec, w, []shapes.Shape{input}, []string{"images"}, []string{"logits"}); err != nil {
		return untranslatable(err)
	}
	return nil
}

// newBackend opens GoMLX's ONNX backend, turning its panics into errors.
func newBackend() (b compute.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("onnx export: %v", r)
		}
	}()
	if b, err = compute.NewWithConfig(backendConfig); err != nil {
		return nil, fmt.Errorf("onnx export: GoMLX's ONNX backend (%s; ONNXRUNTIME_SHARED_LIBRARY_PATH must name ONNX Runtime's library): %w", backendConfig, err)
	}
	return b, nil
}

// notImplemented finds the operation in the ONNX backend's message for an
// operation it lacks: "Erf (42) not implemented for ONNX Runtime backend".
var notImplemented = regexp.MustCompile(`(\w+) \(\d+\) not implemented for ONNX Runtime backend`)

// untranslatable shortens the error of an operation the ONNX backend
// lacks to one line naming it; other errors keep their context.
func untranslatable(err error) error {
	if op := notImplemented.FindStringSubmatch(err.Error()); op != nil && errors.Is(err, compute.ErrNotImplemented) {
		return fmt.Errorf("onnx export: the model function uses %s, which GoMLX's ONNX exporter cannot translate: %w", op[1], compute.ErrNotImplemented)
	}
	return fmt.Errorf("onnx export: %w", err)
}
