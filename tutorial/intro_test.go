package tutorial

import (
	"strings"
	"testing"
)

func TestCheckInputsAndOutputs(t *testing.T) {
	_, text := capture(t)
	if !CheckInputsAndOutputs(784, 10) {
		t.Error("784 inputs and 10 outputs are right")
	}
	for _, c := range []struct {
		in, out int
		hint    string
	}{
		{0, 0, "Inputs:"}, {28, 10, "Inputs:"}, {784, 9, "Outputs:"}, {784, 0, "Outputs:"}, {10, 784, "Inputs:"},
	} {
		text.Reset()
		if CheckInputsAndOutputs(c.in, c.out) {
			t.Errorf("CheckInputsAndOutputs(%d, %d) is right", c.in, c.out)
		}
		if !strings.Contains(text.String(), "✗ Not yet. "+c.hint) {
			t.Errorf("CheckInputsAndOutputs(%d, %d) printed %q", c.in, c.out, text)
		}
	}
}

func TestCheckGoEquivalent(t *testing.T) {
	_, text := capture(t)
	for _, c := range []struct {
		python, goName string
		right          bool
	}{
		{"Matplotlib", "gonum/plot", true},
		{"matplotlib", "gonum.org/v1/plot", true},
		{"Matplotlib", " Gonum ", true},
		{"Matplotlib", "gomlx", false},
		{"Keras", "GoMLX", true},
		{"Keras", "github.com/gomlx/gomlx", true},
		{"Keras", "gonb", false},
		{"TensorFlow", "gomlx", true},
		{"TensorFlow", "go", false},
		{"NumPy", "go", true},
		{"NumPy", "gomlx", true},
		{"NumPy", "gonum/plot", false},
		{"pandas", "Go", true},
		{"Jupyter", "github.com/janpfeifer/gonb", true},
		{"Jupyter", "gomlx", false},
		{"Python", "golang", true},
		{"Matplotlib", "", false},
		{"Seaborn", "gonum/plot", false},
	} {
		text.Reset()
		if got := CheckGoEquivalent(c.python, c.goName); got != c.right {
			t.Errorf("CheckGoEquivalent(%q, %q) = %v, want %v", c.python, c.goName, got, c.right)
		}
		want := "✗ Not yet. "
		if c.right {
			want = "✓ Right! "
		}
		if !strings.HasPrefix(text.String(), want) {
			t.Errorf("CheckGoEquivalent(%q, %q) printed %q", c.python, c.goName, text)
		}
	}
	text.Reset()
	CheckGoEquivalent("Seaborn", "x")
	if !strings.Contains(text.String(), "Matplotlib") {
		t.Errorf("an unknown tool does not list the known ones: %q", text)
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
