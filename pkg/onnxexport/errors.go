package onnxexport

import "errors"

// ErrNotBuilt is Write's error in a build without the tag onnx.
var ErrNotBuilt = errors.New("this build has no ONNX export: build with the tag onnx " +
	"(go build -tags onnx ./cmd/fashion; cgo), and point ONNXRUNTIME_SHARED_LIBRARY_PATH at ONNX Runtime's " +
	"libonnxruntime.so (README, \"The model outside Go\")")
