package tutorial

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// The exercises of chapter 1 (the goal) and chapter 3 (the tools).

// CheckInputsAndOutputs checks how many numbers the article's network reads
// for one image (one per pixel, once the 28x28 image is flattened) and how
// many it answers with (one per class).
func CheckInputsAndOutputs(inputs, outputs int) bool {
	wantIn, wantOut := fashionmnist.ImagePixels, fashionmnist.NumClasses
	switch {
	case inputs == wantIn && outputs == wantOut:
		return verdict(true, fmt.Sprintf("%d pixel values in, %d class probabilities out: the first and last numbers of %d-500-250-100-%d.",
			wantIn, wantOut, wantIn, wantOut), "")
	case inputs != wantIn:
		return verdict(false, "", fmt.Sprintf("Inputs: an image is %d pixels wide and %d high, and the network reads each pixel as one number.",
			fashionmnist.ImageSize, fashionmnist.ImageSize))
	default:
		return verdict(false, "", "Outputs: the network gives one probability to each class it can choose from; count the class names.")
	}
}

// goTool is what does the work of one of the article's Python tools here.
type goTool struct {
	answers []string // accepted answers, normalised by normaliseTool
	right   string   // what the verdict explains
}

// goTools maps the article's tools (lower case) to their counterparts here.
var goTools = map[string]goTool{
	"python": {[]string{"go"},
		"Go compiles each notebook cell into a program and runs it."},
	"tensorflow": {[]string{"gomlx"},
		"GoMLX builds the model's computation graph and runs it on a backend: pure Go, or XLA as TensorFlow does."},
	"keras": {[]string{"gomlx"},
		"GoMLX's layers, optimizers and training loop do what Keras does; pkg/fashion puts them together."},
	"matplotlib": {[]string{"gonum/plot"},
		"gonum/plot draws every figure of the tutorial (pkg/viz wraps it)."},
	"numpy": {[]string{"go", "gomlx"},
		"Plain Go slices hold the pixels, and GoMLX tensors hold what goes through the model."},
	"pandas": {[]string{"go"},
		"Plain Go structs and slices hold the tables (the class counts, the training history); no data-frame library is needed."},
	"jupyter": {[]string{"gonb"},
		"GoNB is the Jupyter kernel that runs these notebooks in Go."},
}

// normaliseTool turns the ways of naming a Go tool (module path, short
// name, any case) into one spelling.
func normaliseTool(name string) string {
	s := strings.ToLower(strings.TrimSpace(name))
	s = strings.TrimPrefix(s, "https://")
	s = strings.TrimSuffix(s, "/")
	switch s {
	case "golang", "the go language", "go language":
		return "go"
	case "github.com/gomlx/gomlx", "gomlx/gomlx":
		return "gomlx"
	case "github.com/janpfeifer/gonb", "janpfeifer/gonb":
		return "gonb"
	case "gonum.org/v1/plot", "gonum", "gonum plot", "gonum-plot", "plot":
		return "gonum/plot"
	}
	return s
}

// CheckGoEquivalent checks which Go tool does here the job that one of the
// article's Python tools does there ("Matplotlib", "Keras", "NumPy",
// "TensorFlow", "pandas", "Jupyter", "Python"). Module paths and short
// names are both accepted ("gonum.org/v1/plot" or "gonum/plot").
func CheckGoEquivalent(pythonTool, goName string) bool {
	t, ok := goTools[strings.ToLower(strings.TrimSpace(pythonTool))]
	if !ok {
		names := []string{"Python", "TensorFlow", "Keras", "Matplotlib", "NumPy", "pandas", "Jupyter"}
		return verdict(false, "", fmt.Sprintf("%q is not one of the article's tools; ask about one of: %s.", pythonTool, strings.Join(names, ", ")))
	}
	if strings.TrimSpace(goName) == "" {
		return verdict(false, "", fmt.Sprintf("Write the Go library that does %s's job here: the chapter's table lists them.", pythonTool))
	}
	return verdict(slices.Contains(t.answers, normaliseTool(goName)), t.right,
		fmt.Sprintf("%q does not do %s's job here: look at the chapter's table, or at the roles ShowTools prints.", goName, pythonTool))
}
