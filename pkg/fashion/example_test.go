package fashion_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // A program chooses its backends: the examples run on the pure-Go one.
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// stripes returns n labelled images a small network learns in seconds: an
// image of class c is dim noise with a bright band on rows 2c to 2c+3. (Use
// fashion.Load for Fashion-MNIST itself.)
func stripes(name string, n int, seed uint64) *fashionmnist.Split {
	rng := rand.New(rand.NewPCG(seed, 1))
	pixels, labels := make([]uint8, n*fashionmnist.ImagePixels), make([]uint8, n)
	for i := range labels {
		c := rng.IntN(fashionmnist.NumClasses)
		labels[i] = uint8(c)
		for k := range fashionmnist.ImagePixels {
			pixels[i*fashionmnist.ImagePixels+k] = uint8(rng.IntN(60))
			if row := k / fashionmnist.ImageSize; row >= 2*c && row < 2*c+4 {
				pixels[i*fashionmnist.ImagePixels+k] = uint8(180 + rng.IntN(70))
			}
		}
	}
	s, err := fashionmnist.NewSplit(name, pixels, labels)
	if err != nil {
		log.Fatal(err)
	}
	return s
}

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

	train, validation := stripes("train", 640, 1), stripes("validation", 200, 2)
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
