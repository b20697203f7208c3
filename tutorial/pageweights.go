package tutorial

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
)

// The weights the page loads: the model's variables, without the
// optimizer's state, as a GoMLX checkpoint (an index, .json, and the
// values, .bin), which the kernel writes from the saved model it loaded
// (pagefiles.go) and the page program reads into a model built from the
// same model function (widgets_page.go).

// pageWeightsIndex is the part of a GoMLX checkpoint's index that names its
// variables and their shapes.
type pageWeightsIndex struct {
	Variables []struct {
		ParameterName string
		Dimensions    []int
	}
}

// checkpointKeyPrefix starts the name of every variable in a GoMLX
// checkpoint's index ("var:/dense/weights").
const checkpointKeyPrefix = "var:"

// loadPageWeights sets the variables of m, a model just built from its
// model function, to the values of a checkpoint written by
// writePageWeights. The checkpoint must hold exactly the model's
// variables, with the same shapes: weights of another model function are an
// error that names the first difference.
func loadPageWeights(m *fashion.Model, index string, values []byte) error {
	var idx pageWeightsIndex
	if err := json.Unmarshal([]byte(index), &idx); err != nil {
		return fmt.Errorf("the weights' index is corrupt: %w", err)
	}
	saved := map[string][]int{}
	for _, v := range idx.Variables {
		path, ok := strings.CutPrefix(v.ParameterName, checkpointKeyPrefix)
		if !ok {
			return fmt.Errorf("the weights' index names %q, not a variable", v.ParameterName)
		}
		if !fashion.IsTrainingState(path) { // GoMLX's checkpoint may add the global step
			saved[path] = v.Dimensions
		}
	}
	for v := range m.Store().IterVariables() {
		if fashion.IsTrainingState(v.Path()) {
			continue
		}
		dims, ok := saved[v.Path()]
		if !ok {
			return fmt.Errorf("the weights lack %s, which the model function creates: they are of another model function", v.Path())
		}
		if !slices.Equal(dims, v.Shape().Dimensions) {
			return fmt.Errorf("the weights' %s has shape %v, the model function makes it %v: they are of another model function",
				v.Path(), dims, v.Shape().Dimensions)
		}
		delete(saved, v.Path())
	}
	if len(saved) > 0 {
		return fmt.Errorf("the weights hold %s, which the model function does not create: they are of another model function",
			strings.Join(slices.Sorted(maps.Keys(saved)), ", "))
	}
	loaded := model.NewStore()
	defer loaded.Finalize()
	if _, err := checkpoint.Load(loaded).FromEmbed(index, values).Immediate().Done(); err != nil {
		return fmt.Errorf("reading the weights: %w", err)
	}
	for v := range m.Store().IterVariables() {
		if fashion.IsTrainingState(v.Path()) {
			continue
		}
		value, err := loaded.GetVariable(v.Path()).Value()
		if err == nil {
			value, err = value.LocalClone() // outlive the loaded store
		}
		if err == nil {
			err = v.SetValue(value)
		}
		if err != nil {
			return fmt.Errorf("reading the weights' %s: %w", v.Path(), err)
		}
	}
	return nil
}

// pageConfig is what a widget's output tells its page program and its
// script: page.js passes it, with the widget's element id, as JSON in
// $FASHION_WIDGET.
type pageConfig struct {
	Root     string `json:"root,omitempty"`     // the widget's element id, set by page.js
	Program  string `json:"program"`            // the folder of the page program, in the widgets' folder
	Weights  string `json:"weights"`            // the folder of the model's weights
	TestSet  string `json:"testSet,omitempty"`  // the file of the test split (the browser)
	Pen      int    `json:"pen,omitempty"`      // the pad's pen, in pixels
	MaxBytes int    `json:"maxBytes,omitempty"` // the largest picture file the pad reads
}
