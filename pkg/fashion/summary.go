package fashion

import (
	"fmt"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/internal/num"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// Layer describes one layer of a model, as a Keras summary lists it, read
// from the model's variables: a layer is a scope holding variables.
type Layer struct {
	// Name is the scope of the layer's variables: "dense", "dense_1", ...
	// for ArticleMLP, as Keras names its layers.
	Name string `json:"name"`
	// Type is "Dense" for a scope with "weights" [inputs, units] (Dense or
	// layers.Dense), "Flatten" for the row Layers puts before a first dense
	// layer of 784 inputs (the images, flattened), "Layer" otherwise.
	Type string `json:"type"`
	// Units is the width of a dense layer's output (784 for Flatten), or 0
	// when the variables do not tell it.
	Units int `json:"units"`
	// Params counts the layer's numbers: weights and biases.
	Params int `json:"params"`
	// Trainable is false for a layer whose variables training does not change.
	Trainable bool `json:"trainable"`
}

// Layers returns the model's layers, in the order the model function
// created their variables, read from the variables themselves.
func (m *Model) Layers() []Layer {
	var layers []Layer
	index := map[string]int{}
	for _, v := range m.variables() {
		name := strings.TrimPrefix(v.Scope(), "/")
		i, ok := index[name]
		if !ok {
			i = len(layers)
			index[name] = i
			layers = append(layers, Layer{Name: name, Type: "Layer"})
		}
		l := &layers[i]
		l.Params += v.Shape().Size()
		l.Trainable = l.Trainable || v.Trainable
		if v.Name() == "weights" && v.Shape().Rank() == 2 {
			l.Type, l.Units = "Dense", v.Shape().Dimensions[1]
			if i == 0 && v.Shape().Dimensions[0] == fashionmnist.ImagePixels {
				layers = append([]Layer{{Name: "flatten", Type: "Flatten", Units: fashionmnist.ImagePixels, Trainable: true}}, layers...)
				index[name]++
			}
		}
	}
	return layers
}

// Summary returns the model's layers as Keras' model.summary() prints them:
// name and type, output shape ("None" is the batch), parameter count, and
// the totals, all read from the model's variables.
func (m *Model) Summary() string {
	var b strings.Builder
	rule := strings.Repeat("_", 65)
	double := strings.Repeat("=", 65)
	fmt.Fprintln(&b, `Model: "sequential"`)
	fmt.Fprintln(&b, rule)
	fmt.Fprintf(&b, " %-28s %-25s %s\n", "Layer (type)", "Output Shape", "Param #")
	fmt.Fprintln(&b, double)
	total, trainable := 0, 0
	for i, l := range m.Layers() {
		if i > 0 {
			fmt.Fprintln(&b)
		}
		shape := "?"
		if l.Units > 0 {
			shape = fmt.Sprintf("(None, %d)", l.Units)
		}
		fmt.Fprintf(&b, " %-28s %-25s %d\n", fmt.Sprintf("%s (%s)", l.Name, l.Type), shape, l.Params)
		total += l.Params
		if l.Trainable {
			trainable += l.Params
		}
	}
	fmt.Fprintln(&b, double)
	fmt.Fprintf(&b, "Total params: %s\n", num.Thousands(total))
	fmt.Fprintf(&b, "Trainable params: %s\n", num.Thousands(trainable))
	fmt.Fprintf(&b, "Non-trainable params: %s\n", num.Thousands(total-trainable))
	fmt.Fprint(&b, rule)
	return b.String()
}
