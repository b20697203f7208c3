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
// many it answers with (one per class). A failure says which of the two is
// wrong, and what the wrong number is if the check recognises it.
func CheckInputsAndOutputs(inputs, outputs int) bool {
	const name = "inputs-outputs"
	wantIn, wantOut := fashionmnist.ImagePixels, fashionmnist.NumClasses
	side := fashionmnist.ImageSize
	if inputs == wantIn && outputs == wantOut {
		return verdict(name, true, fmt.Sprintf("%d pixel values in, %d class probabilities out: the first and last numbers of %d-500-250-100-%d.",
			wantIn, wantOut, wantIn, wantOut), "")
	}
	var why []string
	switch {
	case inputs == 0 && outputs == 0:
		why = append(why, "Replace the two zeros: the number of inputs the network reads for one image, then the number of outputs.")
	case inputs == wantOut && outputs == wantIn:
		why = append(why, "The two numbers are swapped: the inputs come first.")
	default:
		switch inputs {
		case wantIn:
		case side:
			why = append(why, fmt.Sprintf("Inputs: %d is one side of an image; the network reads every pixel.", inputs))
		case 2 * side:
			why = append(why, fmt.Sprintf("Inputs: %d adds the two sides; the pixels fill the whole square.", inputs))
		case 255, 256:
			why = append(why, fmt.Sprintf("Inputs: %d is about the values one pixel can take; the question is how many numbers one image gives.", inputs))
		case 60000, 70000, 55000, 10000:
			why = append(why, fmt.Sprintf("Inputs: %d counts images; the question is per image.", inputs))
		default:
			why = append(why, fmt.Sprintf("Inputs: %d is not the number of pixels of one image.", inputs))
		}
		switch outputs {
		case wantOut:
		case 1:
			why = append(why, "Outputs: one number would be one answer; the network gives a probability to each class.")
		case wantOut - 1:
			why = append(why, fmt.Sprintf("Outputs: %d is the last label, but labels start at 0: count the classes.", outputs))
		default:
			why = append(why, fmt.Sprintf("Outputs: %d is not the number of classes.", outputs))
		}
	}
	return verdict(name, false, "", strings.Join(why, " "))
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
	s := strings.ToLower(strings.Trim(strings.TrimSpace(name), "\"'`"))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s = strings.TrimPrefix(s, "www.")
	s = strings.TrimSuffix(s, "/")
	switch s {
	case "golang", "the go language", "go language":
		return "go"
	case "github.com/gomlx/gomlx", "gomlx/gomlx":
		return "gomlx"
	case "github.com/janpfeifer/gonb", "janpfeifer/gonb":
		return "gonb"
	case "gonum.org/v1/plot", "github.com/gonum/plot", "gonum", "gonum plot", "gonum-plot", "gonumplot", "plot",
		"gonum.org/v1/plot/plotter", "gonum.org/v1/plot/vg":
		return "gonum/plot"
	case "gonum.org/v1/gonum", "github.com/gonum/gonum":
		return "gonum/gonum"
	case "github.com/fashion-gomlx/fashion-gomlx/pkg/viz", "viz":
		return "pkg/viz"
	case "gonb", "go notebook", "go-nb":
		return "gonb"
	}
	return s
}

// wrongTools says why a Go tool does not do a given job, by its normalised
// name, for the answers the check recognises.
var wrongTools = map[string]string{
	"gomlx":       "GoMLX builds, trains and runs the model; it draws nothing.",
	"gonb":        "GoNB runs the notebook's cells; it shows the pictures other code draws.",
	"go":          "Go is the language; the job belongs to a library.",
	"pkg/viz":     "pkg/viz is this project's package of figures: it draws with a Go library. Which one?",
	"gonum/gonum": "that is Gonum's numerical library; the plotting library is a module of its own.",
}

// CheckGoEquivalent checks which Go tool does here the job that one of the
// article's Python tools does there ("Matplotlib", "Keras", "NumPy",
// "TensorFlow", "pandas", "Jupyter", "Python"). Module paths, the old
// import paths and short names are all accepted ("gonum.org/v1/plot",
// "github.com/gonum/plot" or "gonum/plot").
func CheckGoEquivalent(pythonTool, goName string) bool {
	const name = "matplotlib"
	t, ok := goTools[strings.ToLower(strings.TrimSpace(pythonTool))]
	if !ok {
		names := []string{"Python", "TensorFlow", "Keras", "Matplotlib", "NumPy", "pandas", "Jupyter"}
		return verdict(name, false, "", fmt.Sprintf("%q is not one of the article's tools; ask about one of: %s.", pythonTool, strings.Join(names, ", ")))
	}
	answer := normaliseTool(goName)
	switch {
	case answer == "":
		return verdict(name, false, "", fmt.Sprintf("Write the name of the Go library that does %s's job here between the second quotes.", pythonTool))
	case slices.Contains(t.answers, answer):
		return verdict(name, true, t.right, "")
	case answer == strings.ToLower(strings.TrimSpace(pythonTool)):
		return verdict(name, false, "", fmt.Sprintf("%q is the Python tool itself; which Go tool does its job here?", goName))
	case wrongTools[answer] != "":
		return verdict(name, false, "", fmt.Sprintf("%q does not do %s's job here: %s", goName, pythonTool, wrongTools[answer]))
	}
	return verdict(name, false, "", fmt.Sprintf("%q does not do %s's job here: look at the chapter's table, or at the roles ShowTools prints.", goName, pythonTool))
}
