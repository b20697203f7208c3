package savedmodel_test

import (
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // A program chooses its backends: the example runs on the pure-Go one.
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
	if _, err := m.Fit(stripes("train", 320, 1), nil, r); err != nil {
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
	test := stripes("test", 5, 3)
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
