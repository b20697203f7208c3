//go:build !js

package tutorial

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// readPageWeights reads the weights pageFiles.weights wrote.
func readPageWeights(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	index, err := os.ReadFile(filepath.Join(dir, "weights.json"))
	if err != nil {
		t.Fatal(err)
	}
	values, err := os.ReadFile(filepath.Join(dir, "weights.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return string(index), values
}

// TestPageWeights: the weights written for the page, loaded into a model
// built from the same function with other starting weights, give the
// predictions of the model they were written from; loaded into a model of
// another function, they are refused with a message that says so.
func TestPageWeights(t *testing.T) {
	trained := Must(fashion.New(Backend(), fashion.ArticleMLP, Seed))
	d := smallData(t)
	r := fashion.ArticleRecipe()
	r.Seed, r.Epochs, r.Patience = Seed, 1, -1
	if _, err := trained.Fit(d.Train, nil, r); err != nil {
		t.Fatal(err)
	}
	f := pageFiles{dir: t.TempDir()}
	name, err := f.weights(trained)
	if err != nil || !strings.HasPrefix(name, "weights-") {
		t.Fatalf("weights: %q, %v", name, err)
	}
	if again, err := f.weights(trained); err != nil || again != name {
		t.Errorf("the same weights again: %q, %v; want %q", again, err, name)
	}
	index, values := readPageWeights(t, filepath.Join(f.dir, name))
	if n := len(values); n != 4*trained.NumParams() {
		t.Errorf("%d bytes of weights for %d parameters: the optimizer's state is in", n, trained.NumParams())
	}
	page := Must(fashion.New(Backend(), fashion.ArticleMLP, Seed+1))
	images := [][]float32{d.Train.Scaled(0), d.Train.Scaled(7)}
	before := Must(page.Predict(images))
	if err := loadPageWeights(page, index, values); err != nil {
		t.Fatal(err)
	}
	want, got := Must(trained.Predict(images)), Must(page.Predict(images))
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("image %d: the page's model says %v, the trained one %v", i, got[i], want[i])
		}
		if slices.Equal(before[i], want[i]) {
			t.Errorf("image %d: the model said the same before loading", i)
		}
	}

	other := Must(fashion.New(Backend(), smallMLP, Seed))
	if err := loadPageWeights(other, index, values); err == nil || !strings.Contains(err.Error(), "another model function") {
		t.Errorf("weights of ArticleMLP into smallMLP: %v", err)
	}
	small := Must(fashion.New(Backend(), smallMLP, Seed))
	name, err = f.weights(small)
	if err != nil {
		t.Fatal(err)
	}
	index, values = readPageWeights(t, filepath.Join(f.dir, name))
	if err := loadPageWeights(page, index, values); err == nil || !strings.Contains(err.Error(), "another model function") {
		t.Errorf("weights of smallMLP into ArticleMLP: %v", err)
	}
	// The same variables, one of another shape: the first layer 600 wide.
	wider := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		x = activation.Relu(fashion.Dense(scope.In("dense"), x, 600))
		x = activation.Relu(fashion.Dense(scope.In("dense_1"), x, 250))
		x = activation.Relu(fashion.Dense(scope.In("dense_2"), x, 100))
		return fashion.Dense(scope.In("dense_3"), x, fashionmnist.NumClasses)
	}
	name, err = f.weights(Must(fashion.New(Backend(), wider, Seed)))
	if err != nil {
		t.Fatal(err)
	}
	index, values = readPageWeights(t, filepath.Join(f.dir, name))
	if err := loadPageWeights(page, index, values); err == nil || !strings.Contains(err.Error(), "has shape [784 600], the model function makes it [784 500]") {
		t.Errorf("weights of a wider first layer: %v", err)
	}
	// The model's variables and one more.
	extra := Must(fashion.New(Backend(), fashion.ArticleMLP, Seed))
	if _, err := extra.Store().CreateVariable("/extra/scale", tensors.FromScalar(float32(2))); err != nil {
		t.Fatal(err)
	}
	name, err = f.weights(extra)
	if err != nil {
		t.Fatal(err)
	}
	index, values = readPageWeights(t, filepath.Join(f.dir, name))
	if err := loadPageWeights(page, index, values); err == nil || !strings.Contains(err.Error(), "hold /extra/scale, which the model function does not create") {
		t.Errorf("weights with one variable more: %v", err)
	}
	for _, bad := range []struct{ index, values string }{{"{", ""}, {`{"Variables":[{"ParameterName":"/dense/weights"}]}`, ""}} {
		if err := loadPageWeights(page, bad.index, []byte(bad.values)); err == nil {
			t.Errorf("index %q: no error", bad.index)
		}
	}
	if err := loadPageWeights(page, index, values[:len(values)/2]); err == nil {
		t.Error("half the values: no error")
	}
}

// TestPageTestSet: the test split written for the page is its labels, then
// its pixels; written again only when it changed.
func TestPageTestSet(t *testing.T) {
	s, _, _ := fakeTest(t, 30)
	f := pageFiles{dir: t.TempDir()}
	name, err := f.testSet(s)
	if err != nil {
		t.Fatal(err)
	}
	data, err := readGzip(filepath.Join(f.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	pixels, labels := s.Bytes()
	if !bytes.Equal(data[:30], labels) || !bytes.Equal(data[30:], pixels) {
		t.Error("the file is not the labels, then the pixels")
	}
	st, _ := os.Stat(filepath.Join(f.dir, name))
	if _, err := f.testSet(s); err != nil {
		t.Fatal(err)
	}
	if st2, _ := os.Stat(filepath.Join(f.dir, name)); !os.SameFile(st, st2) {
		t.Error("the same split was written again")
	}
	other, _, _ := fakeTest(t, 20)
	if _, err := f.testSet(other); err != nil {
		t.Fatal(err)
	}
	if data, _ := readGzip(filepath.Join(f.dir, name)); len(data) != 20*(1+fashionmnist.ImagePixels) {
		t.Errorf("another split: %d bytes", len(data))
	}
}

// TestPageProgram builds the page program of a cell as GoNB lays it out
// (main.go beside the cell's program, a go.work that uses this checkout),
// for GOOS=js GOARCH=wasm: a gzipped WebAssembly module and Go's support
// script; once per cell program. A cell that does not compile for the page
// and a program without GoNB's main.go beside it are errors that say so.
func TestPageProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a WebAssembly program")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	version, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		t.Skipf("go env: %v", err)
	}
	cell := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(cell, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module gonb_cell\n\ngo 1.26\n")
	write("go.work", fmt.Sprintf("go %s\n\nuse (\n\t.\n\t%s\n)\n", strings.TrimPrefix(strings.TrimSpace(string(version)), "go"), repo))
	write("main.go", `package main

import (
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/tutorial"
)

var modelFn fashion.ModelFn = fashion.ArticleMLP

func main() {
	tutorial.DrawGarment(modelFn, "models/tutorial")
}
`)
	exe := filepath.Join(cell, "gonb_cell")
	write("gonb_cell", "the cell's program, 1")
	f := pageFiles{dir: t.TempDir()}
	name, err := f.programOf(exe)
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := readGzip(filepath.Join(f.dir, name, "page.wasm.gz"))
	if err != nil || !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		t.Fatalf("page.wasm.gz: %v, starts with %q", err, wasm[:min(len(wasm), 8)])
	}
	if js, err := os.ReadFile(filepath.Join(f.dir, name, "wasm_exec.js")); err != nil || !bytes.Contains(js, []byte("globalThis.Go = class")) {
		t.Errorf("wasm_exec.js: %v", err)
	}
	// The same cell program: the same page program, not built again.
	write("main.go", "package main\n\nfunc main() { undefined() }\n")
	if again, err := f.programOf(exe); err != nil || again != name {
		t.Errorf("the same cell program again: %q, %v; want %q", again, err, name)
	}
	// Another cell program, whose code does not compile.
	write("gonb_cell", "the cell's program, 2")
	if _, err := f.programOf(exe); err == nil || !strings.Contains(err.Error(), "compiling the cell for the page") || !strings.Contains(err.Error(), "undefined") {
		t.Errorf("a cell that does not compile: %v", err)
	}
	os.Remove(filepath.Join(cell, "main.go"))
	if _, err := f.programOf(exe); err == nil || !strings.Contains(err.Error(), "GoNB writes") {
		t.Errorf("no main.go: %v", err)
	}
}

// smallMLP is a 784-300-100-10 network: the article's layer names, fewer
// layers, other shapes.
func smallMLP(scope *model.Scope, images *graph.Node) *graph.Node {
	x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
	x = activation.Relu(fashion.Dense(scope.In("dense"), x, 300))
	x = activation.Relu(fashion.Dense(scope.In("dense_1"), x, 100))
	return fashion.Dense(scope.In("dense_2"), x, fashionmnist.NumClasses)
}
