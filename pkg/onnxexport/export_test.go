//go:build onnx

package onnxexport

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/fashiontest"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/onnx"
)

// needsRuntime skips a test where ONNX Runtime's library is not given.
func needsRuntime(t *testing.T) {
	if os.Getenv("ONNXRUNTIME_SHARED_LIBRARY_PATH") == "" {
		t.Skip("set ONNXRUNTIME_SHARED_LIBRARY_PATH to ONNX Runtime's libonnxruntime.so (scripts/onnx-check.sh does)")
	}
}

// randomImages returns n images of random pixels in [0, 1].
func randomImages(n int) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(1, 2))
	pixels := make([]float32, n*fashionmnist.ImagePixels)
	for i := range pixels {
		pixels[i] = rng.Float32()
	}
	return tensors.FromFlatDataAndDimensions(pixels, n, fashionmnist.ImageSize, fashionmnist.ImageSize)
}

// TestWriteRunsAsTheModel exports a trained model and runs the file with
// ONNX Runtime (through GoMLX's ml/model/onnx): its logits for 7 images are
// the model's on the pure-Go backend.
func TestWriteRunsAsTheModel(t *testing.T) {
	needsRuntime(t)
	m, err := fashion.New(fashiontest.GoBackend(), fashion.ArticleMLP, 1)
	if err != nil {
		t.Fatal(err)
	}
	r := fashion.ArticleRecipe()
	r.Epochs, r.Patience = 1, -1
	if _, err := m.Fit(fashiontest.SyntheticSplit(t, "train", 320, 1), nil, r); err != nil {
		t.Fatal(err)
	}
	const batch = 7
	var file bytes.Buffer
	if err := Write(m, &file, batch); err != nil {
		t.Fatal(err)
	}
	images := randomImages(batch)
	want, err := model.CallOnce(m.Backend(), m.Store(), func(scope *model.Scope, images *graph.Node) *graph.Node {
		return m.ModelFn()(scope, images)
	}, images)
	if err != nil {
		t.Fatal(err)
	}
	backend, err := compute.NewWithConfig(backendConfig)
	if err != nil {
		t.Fatal(err)
	}
	exec, err := onnx.Load(backend, &file)
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	got, err := exec.Call(randomImages(batch)) // The same images: a tensor is on one backend.
	if err != nil {
		t.Fatal(err)
	}
	g, w := tensors.MustCopyFlatData[float32](got[0]), tensors.MustCopyFlatData[float32](want)
	if len(g) != batch*fashionmnist.NumClasses {
		t.Fatalf("%d logits, want %d", len(g), batch*fashionmnist.NumClasses)
	}
	for i := range w {
		if math.Abs(float64(g[i]-w[i])) > 1e-5*max(1, math.Abs(float64(w[i]))) {
			t.Fatalf("logit %d: %v from the ONNX file, %v from the model", i, g[i], w[i])
		}
	}
}

// TestWriteNamesWhatItCannotTranslate: a model function with an operation
// GoMLX's ONNX backend lacks (Rsqrt) gets a one-line error naming it.
func TestWriteNamesWhatItCannotTranslate(t *testing.T) {
	needsRuntime(t)
	normalised := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		x = graph.Mul(x, graph.Rsqrt(graph.AddScalar(graph.ReduceAndKeep(graph.Square(x), graph.ReduceMean, -1), 1e-6)))
		return fashion.Dense(scope.In("dense"), x, fashionmnist.NumClasses)
	}
	m, err := fashion.New(fashiontest.GoBackend(), normalised, 1)
	if err != nil {
		t.Fatal(err)
	}
	err = Write(m, io.Discard, 1)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "Rsqrt") || !errors.Is(err, compute.ErrNotImplemented) {
		t.Errorf("got %v; want one line naming Rsqrt", err)
	}
}
