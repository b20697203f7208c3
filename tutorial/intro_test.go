package tutorial

import (
	"fmt"
	"testing"
)

func TestCheckInputsAndOutputs(t *testing.T) {
	_, text := capture(t)
	expectCheck(t, text, "784, 10", true, "784 pixel values in, 10 class probabilities out", func() bool { return CheckInputsAndOutputs(784, 10) })
	for _, c := range []struct {
		in, out int
		want    string
	}{
		{0, 0, "Replace the two zeros"},
		{28, 10, "28 is one side of an image"},
		{56, 10, "adds the two sides"},
		{784, 9, "9 is the last label, but labels start at 0"},
		{784, 1, "one number would be one answer"},
		{10, 784, "swapped"},
		{60000, 10, "counts images"},
		{256, 10, "the values one pixel can take"},
		{100, 10, "100 is not the number of pixels"},
		{784, 12, "12 is not the number of classes"},
		{28, 9, "Outputs: 9"},
	} {
		expectCheck(t, text, fmt.Sprint(c.in, c.out), false, c.want, func() bool { return CheckInputsAndOutputs(c.in, c.out) })
		noneContains(t, "CheckInputsAndOutputs", text.String(), "784", " 10")
	}
}

func TestCheckOR(t *testing.T) {
	_, text := capture(t)
	for _, right := range [][]float64{{1, 1, -0.5}, {1, 1, -1}, {2, 3, -0.1}, {0.5, 0.5, -0.25}} {
		expectCheck(t, text, fmt.Sprint(right), true, "one straight line", func() bool { return CheckOR(right[:2], right[2]) })
	}
	for _, c := range []struct {
		w    []float64
		bias float64
		want string
	}{
		{[]float64{0, 0}, 0, "at (0, 0) the sum is 0 ≥ 0, so the unit answers 1 where OR answers 0"},
		{[]float64{1, 1}, -1.5, "gets 2 of the 4 inputs wrong: at (0, 1) the sum is -0.5 < 0"},
		{[]float64{1, 1}, 0, "at (0, 0) the sum is 0 ≥ 0"},
		{[]float64{-1, -1}, 0.5, "gets 4 of the 4 inputs wrong"},
		{[]float64{1, 0}, -0.5, "at (0, 1) the sum is -0.5 < 0"},
		{[]float64{1, 1, 1}, -0.5, "yours has 3"},
	} {
		expectCheck(t, text, fmt.Sprint(c.w, c.bias), false, c.want, func() bool { return CheckOR(c.w, c.bias) })
	}
}

func TestCheckGoEquivalent(t *testing.T) {
	_, text := capture(t)
	for _, c := range []struct {
		python, goName string
		right          bool
		want           string
	}{
		{"Matplotlib", "gonum/plot", true, "gonum/plot draws"},
		{"matplotlib", "gonum.org/v1/plot", true, "gonum/plot draws"},
		{"Matplotlib", "github.com/gonum/plot", true, "gonum/plot draws"},
		{"Matplotlib", "https://github.com/gonum/plot", true, "gonum/plot draws"},
		{"Matplotlib", " Gonum ", true, "gonum/plot draws"},
		{"Matplotlib", "gonum plot", true, "gonum/plot draws"},
		{"Matplotlib", `"gonum/plot"`, true, "gonum/plot draws"},
		{"Matplotlib", "", false, "Write the name of the Go library"},
		{"Matplotlib", "gomlx", false, "it draws nothing"},
		{"Matplotlib", "GoNB", false, "it shows the pictures other code draws"},
		{"Matplotlib", "matplotlib", false, "is the Python tool itself"},
		{"Matplotlib", "pkg/viz", false, "this project's package"},
		{"Matplotlib", "gonum.org/v1/gonum", false, "Gonum's numerical library"},
		{"Matplotlib", "plotly", false, "look at the chapter's table"},
		{"Keras", "GoMLX", true, "GoMLX's layers"},
		{"Keras", "github.com/gomlx/gomlx", true, "GoMLX's layers"},
		{"Keras", "gonb", false, "runs the notebook's cells"},
		{"TensorFlow", "gomlx", true, "computation graph"},
		{"TensorFlow", "go", false, "the job belongs to a library"},
		{"NumPy", "go", true, "Go slices"},
		{"NumPy", "gomlx", true, "Go slices"},
		{"NumPy", "gonum/plot", false, "look at the chapter's table"},
		{"pandas", "Go", true, "structs and slices"},
		{"Jupyter", "github.com/janpfeifer/gonb", true, "Jupyter kernel"},
		{"Jupyter", "gomlx", false, "it draws nothing"},
		{"Python", "golang", true, "compiles each notebook cell"},
		{"Seaborn", "gonum/plot", false, "Matplotlib"},
	} {
		expectCheck(t, text, c.python+"/"+c.goName, c.right, c.want, func() bool { return CheckGoEquivalent(c.python, c.goName) })
	}
}

func TestGateFigures(t *testing.T) {
	rec, _ := capture(t)
	ShowGate("xor")
	ShowTLU("AND", []float64{1, 1}, -1.5)
	ShowTLU("OR", []float64{1, 1}, -1.5) // wrong for two inputs: drawn in red
	ShowTLU("mine", []float64{0, 0}, 1)  // no line: all the square answers 1
	expectImages(t, rec, 0, 4)
}

func TestShowGateUnknown(t *testing.T) {
	_, _ = capture(t)
	defer func() {
		if r := recover(); r != "exit(1)" {
			t.Fatalf("recovered %v, want exit(1)", r)
		}
	}()
	ShowGate("MAYBE")
	t.Fatal("ShowGate accepted an unknown gate")
}

func TestFormatSum(t *testing.T) {
	for _, c := range []struct {
		w    []float64
		bias float64
		want string
	}{
		{[]float64{1, 1}, -1.5, "x1 + x2 − 1.5"},
		{[]float64{-1, 2}, 0.5, "−x1 + 2·x2 + 0.5"},
		{[]float64{0, 0}, 0, "0"},
		{[]float64{0, -0.5}, 0, "−0.5·x2"},
	} {
		if got := formatSum(c.w, c.bias); got != c.want {
			t.Errorf("formatSum(%v, %v) = %q, want %q", c.w, c.bias, got, c.want)
		}
	}
}
