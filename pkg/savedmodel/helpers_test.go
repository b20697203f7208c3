package savedmodel

import (
	"fmt"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/fashiontest"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// testBackend returns the pure-Go backend, shared by the tests.
var testBackend = fashiontest.GoBackend

// syntheticSplit returns n images a small network can learn quickly.
var syntheticSplit = fashiontest.SyntheticSplit

// newTestModel builds the article's model with seed 1.
func newTestModel(t testing.TB) *fashion.Model {
	t.Helper()
	m, err := fashion.New(testBackend(), fashion.ArticleMLP, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// smallRecipe trains briefly with a larger learning rate.
func smallRecipe() fashion.Recipe {
	r := fashion.ArticleRecipe()
	r.Epochs = 3
	r.Optimizer = fashion.SGD{LearningRate: 0.05, Decay: 1e-6, Momentum: 0.9, Nesterov: true}
	return r
}

// mlp returns the model function of a multilayer perceptron with the given
// hidden layers and 10 classes, named as ArticleMLP names its layers: what a
// learner writes for another architecture.
func mlp(hidden ...int) fashion.ModelFn {
	return func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		for i, units := range hidden {
			x = activation.Relu(fashion.Dense(scope.In("%s", layerName(i)), x, units))
		}
		return fashion.Dense(scope.In("%s", layerName(len(hidden))), x, fashionmnist.NumClasses)
	}
}

// layerName is Keras' name of dense layer i: dense, dense_1, dense_2, ...
func layerName(i int) string {
	if i == 0 {
		return "dense"
	}
	return fmt.Sprintf("dense_%d", i)
}
