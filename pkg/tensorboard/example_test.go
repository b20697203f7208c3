package tensorboard_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/tensorboard"
)

// Logging a training run in the Keras layout and reading the curves back.
func Example() {
	dir, err := os.MkdirTemp("", "logs")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	train, err := tensorboard.NewWriter(filepath.Join(dir, "train"))
	if err != nil {
		log.Fatal(err)
	}
	defer train.Close()
	for epoch, loss := range []float64{0.52, 0.40, 0.36} {
		if err := train.Scalar("epoch_loss", int64(epoch), loss); err != nil {
			log.Fatal(err)
		}
	}
	if err := train.Histogram("dense/kernel", 2, []float64{-0.3, 0.1, 0.2}); err != nil {
		log.Fatal(err)
	}
	if err := train.Text("model", 0, "Dense(128, relu) → Dense(10)"); err != nil {
		log.Fatal(err)
	}
	if err := train.Flush(); err != nil { // durable now, even if killed later
		log.Fatal(err)
	}

	curves, err := tensorboard.Scalars(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range curves["train/epoch_loss"] {
		fmt.Printf("step %d: %.2f\n", p.Step, p.Value)
	}
	// Output:
	// step 0: 0.52
	// step 1: 0.40
	// step 2: 0.36
}

// TestWriteSampleRun writes a Keras-layout run with every kind of summary
// to $TB_SAMPLE_DIR, for checking with TensorBoard itself:
//
//	TB_SAMPLE_DIR=/tmp/tbsample go test -run TestWriteSampleRun ./pkg/tensorboard/
//	python3 pkg/tensorboard/testdata/check_with_tensorboard.py /tmp/tbsample
//
// Without the variable it is skipped.
func TestWriteSampleRun(t *testing.T) {
	dir := os.Getenv("TB_SAMPLE_DIR")
	if dir == "" {
		t.Skip("TB_SAMPLE_DIR not set")
	}
	for run, losses := range map[string][]float64{
		"train":      {0.52, 0.40, 0.36},
		"validation": {0.45, 0.41, 0.39},
	} {
		w, err := tensorboard.NewWriter(filepath.Join(dir, run))
		if err != nil {
			t.Fatal(err)
		}
		for step, l := range losses {
			must(t, w.Scalar("epoch_loss", int64(step), l))
			must(t, w.Scalar("epoch_accuracy", int64(step), 0.8+0.02*float64(step)))
			values := make([]float64, 1000)
			for i := range values {
				values[i] = float64(i%100)/50 - 1 + 0.1*float64(step)
			}
			must(t, w.Histogram("dense/kernel", int64(step), values))
		}
		must(t, w.Text("model", 0, "**"+run+"**: Dense(128, relu) → Dense(10)"))
		must(t, w.Close())
		t.Logf("wrote %s", w.Path())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
