package savedmodel_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"

	"github.com/fashion-gomlx/fashion-gomlx/internal/fashiontest"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // A program chooses its backends: the example runs on the pure-Go one.
)

// A saved model is its variables; the model function is code, and
// Load takes it to rebuild the model.
func ExampleLoad() {
	backend, err := compute.NewWithConfig("go") // the pure-Go backend, blank-imported above
	if err != nil {
		log.Fatal(err)
	}
	m, err := fashion.New(backend, fashion.ArticleMLP, 1)
	if err != nil {
		log.Fatal(err)
	}
	r := fashion.ArticleRecipe()
	r.Epochs, r.Patience = 1, -1
	// Stripes: images a small network learns in seconds (class c is a bright
	// band on rows 2c to 2c+3); fashionmnist.Load gives Fashion-MNIST itself.
	if _, err := m.Fit(fashiontest.Stripes("train", 320, 1), nil, r); err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "example-model-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := savedmodel.Save(m, filepath.Join(dir, "mine")); err != nil {
		log.Fatal(err)
	}
	loaded, err := savedmodel.Load(backend, filepath.Join(dir, "mine"), fashion.ArticleMLP)
	if err != nil {
		log.Fatal(err)
	}
	test := fashiontest.Stripes("test", 5, 3)
	before, err := m.PredictSplit(test, 0, test.Len())
	if err != nil {
		log.Fatal(err)
	}
	after, err := loaded.PredictSplit(test, 0, test.Len())
	if err != nil {
		log.Fatal(err)
	}
	for i := range before {
		fmt.Println(fashion.ArgMax(before[i]) == fashion.ArgMax(after[i]), slices.Equal(before[i], after[i]))
	}
	fmt.Println("epochs in the loaded history:", len(loaded.History().Epochs))
	// Output:
	// true true
	// true true
	// true true
	// true true
	// true true
	// epochs in the loaded history: 1
}
