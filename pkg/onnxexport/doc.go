// Package onnxexport writes a trained model as an ONNX file, which ONNX
// Runtime runs outside Go: in Python (onnxruntime), C++, C#, Java, or in a
// web page (onnxruntime-web). The file holds the model function's graph
// with its weights, from images float32 [B, 28, 28] scaled to [0, 1]
// ("images") to logits float32 [B, classes] ("logits"), for a batch size
// B fixed when it is written (GoMLX's ONNX backend has no dynamic axes).
//
// It is built on GoMLX's ml/model/onnx and its ONNX backend
// (github.com/gomlx/compute-onnx), which need cgo and ONNX Runtime's
// shared library (ONNXRUNTIME_SHARED_LIBRARY_PATH, e.g. the one
// onnxruntime's Python wheel ships) even to write the file: they are
// compiled in only with the build tag onnx (go build -tags onnx). Without
// it, Write returns ErrNotBuilt, which says how to get it, and the package
// costs nothing.
//
// It may import pkg/fashion and GoMLX; with the tag, GoMLX's ONNX backend.
package onnxexport
