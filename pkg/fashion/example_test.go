package fashion_test

import (
	"fmt"
	"log"

	"github.com/fashion-gomlx/fashion-gomlx/internal/fashiontest"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // A program chooses its backends: the examples run on the pure-Go one.
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// The article's model, built from its model function, ArticleMLP; the
// summary is read from the variables the function created.
func ExampleNew() {
	backend, err := compute.NewWithConfig("go") // the pure-Go backend, blank-imported above
	if err != nil {
		log.Fatal(err)
	}
	m, err := fashion.New(backend, fashion.ArticleMLP, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Summary())
	// Output:
	// Model: "sequential"
	// _________________________________________________________________
	//  Layer (type)                 Output Shape              Param #
	// =================================================================
	//  flatten (Flatten)            (None, 784)               0
	//
	//  dense (Dense)                (None, 500)               392500
	//
	//  dense_1 (Dense)              (None, 250)               125250
	//
	//  dense_2 (Dense)              (None, 100)               25100
	//
	//  dense_3 (Dense)              (None, 10)                1010
	// =================================================================
	// Total params: 543,860
	// Trainable params: 543,860
	// Non-trainable params: 0
	// _________________________________________________________________
}

// A model function of one's own, 784-300-100-10 with dropout, trained and
// evaluated by the same calls as the article's model.
func ExampleModel_Fit() {
	myModel := func(scope *model.Scope, images *graph.Node) *graph.Node {
		x := graph.Reshape(images, -1, fashionmnist.ImagePixels)
		x = activation.Relu(fashion.Dense(scope.In("dense"), x, 300))
		x = layers.DropoutStatic(scope, x, 0.2) // Only while training.
		x = activation.Relu(fashion.Dense(scope.In("dense_1"), x, 100))
		return fashion.Dense(scope.In("dense_2"), x, fashionmnist.NumClasses)
	}
	backend, err := compute.NewWithConfig("go") // the pure-Go backend, blank-imported above
	if err != nil {
		log.Fatal(err)
	}
	m, err := fashion.New(backend, myModel, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("parameters:", m.NumParams())

	// Stripes: images a small network learns in seconds (class c is a bright
	// band on rows 2c to 2c+3); fashionmnist.Load gives Fashion-MNIST itself.
	train, validation := fashiontest.Stripes("train", 640, 1), fashiontest.Stripes("validation", 200, 2)
	r := fashion.ArticleRecipe()
	r.Epochs = 3
	r.Optimizer = fashion.SGD{LearningRate: 0.05, Decay: 1e-6, Momentum: 0.9, Nesterov: true}
	history, err := m.Fit(train, validation, r)
	if err != nil {
		log.Fatal(err)
	}
	metrics, err := m.Evaluate(validation)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("epochs:", len(history.Epochs))
	fmt.Println("training loss went down:", history.Last().Loss < history.Epochs[0].Loss)
	fmt.Println("validation accuracy above 0.9:", metrics.Accuracy > 0.9)
	// Output:
	// parameters: 266610
	// epochs: 3
	// training loss went down: true
	// validation accuracy above 0.9: true
}
