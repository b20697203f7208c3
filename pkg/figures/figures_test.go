package figures

import (
	"encoding/json"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // The tests run on the pure-Go backend.
)

// syntheticData builds a small data set with every class in every split.
func syntheticData(t *testing.T) *fashionmnist.Data {
	t.Helper()
	split := func(name string, n int, seed uint64) *fashionmnist.Split {
		rng := rand.New(rand.NewPCG(seed, 1))
		pixels := make([]byte, n*fashionmnist.ImagePixels)
		labels := make([]byte, n)
		for i := range n {
			labels[i] = byte(i % fashionmnist.NumClasses)
			for k := range fashionmnist.ImagePixels {
				pixels[i*fashionmnist.ImagePixels+k] = byte(rng.IntN(256))
			}
		}
		s, err := fashionmnist.NewSplit(name, pixels, labels)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	train := split("train", 40, 1)
	return &fashionmnist.Data{Source: "synthetic", TrainFile: train, Train: train, Validation: split("validation", 20, 2), Test: split("test", 30, 3)}
}

func TestWriteAll(t *testing.T) {
	d := syntheticData(t)
	backend, err := compute.NewWithConfig("go") // the pure-Go backend, blank-imported above
	if err != nil {
		t.Fatal(err)
	}
	m, err := fashion.New(backend, fashion.ArticleMLP, 1)
	if err != nil {
		t.Fatal(err)
	}
	r := fashion.ArticleRecipe()
	r.Epochs = 2
	if _, err := m.Fit(d.Train, d.Validation, r); err != nil {
		t.Fatal(err)
	}

	dataOnly, err := WriteAll(filepath.Join(t.TempDir(), "data"), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "all")
	all, err := WriteAll(dir, d, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(dataOnly) != 12 || len(all) != 28 {
		t.Fatalf("%d data figures and %d in all, want 12 and 28 (PNG and SVG each)", len(dataOnly), len(all))
	}
	for _, p := range all {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p, ".png") {
			img, err := png.Decode(f)
			if err != nil || img.Bounds().Dx() < 300 || img.Bounds().Dy() < 200 {
				t.Errorf("%s: %v, bounds %v", p, err, img)
			}
		}
		f.Close()
	}

	// A model trained with another optimizer than SGD: its saved record
	// names the optimizer only, so the learning-rate figure does not apply;
	// every other figure is written.
	var other fashion.Recipe
	if err := json.Unmarshal([]byte(`{"epochs": 2, "batch_size": 32, "optimizer": {"name": "*optimizers.Adam"}}`), &other); err != nil {
		t.Fatal(err)
	}
	if err := m.SetRecord(fashionmnist.ClassNames[:], &other, m.History()); err != nil {
		t.Fatal(err)
	}
	rest, err := WriteAll(filepath.Join(t.TempDir(), "other"), d, m)
	if err != nil {
		t.Fatalf("a model of another optimizer: %v", err)
	}
	if len(rest) != 26 || slices.ContainsFunc(rest, func(p string) bool { return strings.Contains(p, "06-learning-rate") }) {
		t.Errorf("a model of another optimizer: %d figures (want 26, without the learning rate): %v", len(rest), rest)
	}
}

func TestFigureErrors(t *testing.T) {
	d := syntheticData(t)
	if _, err := FirstImages(d.Train, 0, 5); err == nil {
		t.Error("FirstImages(0) accepted")
	}
	if _, err := FirstImages(d.Train, 41, 5); err == nil {
		t.Error("FirstImages(41 of 40) accepted")
	}
	if _, err := PixelValues(d.Train, 40, false); err == nil {
		t.Error("Pixels of a missing image accepted")
	}
	if _, err := weightImages("dense_1", &fashion.LayerWeights{Weights: make([][]float32, 500), Biases: make([]float32, 250)}, 10); err == nil {
		t.Error("weight images of a layer whose inputs are not pixels accepted")
	}
	for _, n := range []int{0, 13} {
		lw := &fashion.LayerWeights{Weights: make([][]float32, fashionmnist.ImagePixels), Biases: make([]float32, 12)}
		if _, err := weightImages("dense", lw, n); err == nil {
			t.Errorf("weight images of %d of 12 units accepted", n)
		}
	}
	if _, err := TrainingCurves(&fashion.History{}); err == nil {
		t.Error("empty history accepted")
	}
	only, err := d.Train.Head(3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OnePerClass(only); err == nil || !strings.Contains(err.Error(), "no image of class 3") {
		t.Errorf("OnePerClass with missing classes: %v", err)
	}
}
