// Package fashiontest holds what the tests of pkg/fashion and
// pkg/savedmodel share: small, learnable splits and the backends they run
// on. It may import pkg/fashionmnist and the backends (internal/backend),
// never pkg/fashion (whose own tests import it).
package fashiontest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/backend"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // The pure-Go backend the tests run on.
)

// SyntheticSplit returns n images a small network can learn quickly (see
// Stripes), failing the test if it cannot make them. The same name, size and
// seed give the same images.
func SyntheticSplit(t testing.TB, name string, n int, seed uint64) *fashionmnist.Split {
	t.Helper()
	s, err := stripes(name, n, rand.New(rand.NewPCG(seed, 99)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Stripes returns n labelled images a small network learns in seconds, for
// the packages' examples: an image of class c is dim noise with a bright band
// on rows 2c to 2c+3. The same name, size and seed give the same images.
// It panics if it cannot make them (it can, for n >= 0): examples read
// more simply without an error. (Use fashionmnist.Load for Fashion-MNIST
// itself.)
func Stripes(name string, n int, seed uint64) *fashionmnist.Split {
	s, err := stripes(name, n, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		panic(err)
	}
	return s
}

// stripes draws the images of SyntheticSplit and Stripes from rng.
func stripes(name string, n int, rng *rand.Rand) (*fashionmnist.Split, error) {
	pixels := make([]byte, n*fashionmnist.ImagePixels)
	labels := make([]byte, n)
	for i := range n {
		c := rng.IntN(fashionmnist.NumClasses)
		labels[i] = byte(c)
		img := pixels[i*fashionmnist.ImagePixels : (i+1)*fashionmnist.ImagePixels]
		for k := range img {
			img[k] = byte(rng.IntN(60))
			if row := k / fashionmnist.ImageSize; row >= 2*c && row < 2*c+4 {
				img[k] = byte(180 + rng.IntN(70))
			}
		}
	}
	return fashionmnist.NewSplit(name, pixels, labels)
}

// GoBackend returns GoMLX's pure-Go backend, one for all the tests of a
// package.
var GoBackend = sync.OnceValue(func() compute.Backend {
	b, err := compute.NewWithConfig("go")
	if err != nil {
		panic(err)
	}
	return b
})

// BackendEnv names the variable that chooses the backend of Backend.
const BackendEnv = "FASHION_TEST_BACKEND"

// Backend returns the backend the tests of pkg/fashion run on, one for all
// of them: the one $FASHION_TEST_BACKEND names, in GoMLX's format (e.g.
// xla:/path/to/pjrt_c_api_cpu_plugin.so; scripts/test.sh runs the tests a
// second time on XLA's CPU plugin so), else the pure-Go backend. A
// backend that cannot be made panics: the tests must not quietly run on
// another.
var Backend = sync.OnceValue(func() compute.Backend {
	config := os.Getenv(BackendEnv)
	if config == "" {
		return GoBackend()
	}
	b, _, err := backend.NewBackend(config)
	if err != nil {
		panic(fmt.Sprintf("$%s=%q: %v", BackendEnv, config, err))
	}
	return b
})
