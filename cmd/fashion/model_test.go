package main

import (
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// requireData skips (or, in CI, fails) when the real data is missing.
func requireData(t *testing.T) {
	t.Helper()
	if code, _, errOut := runCLI("data", "--offline"); code != 0 {
		if os.Getenv("FASHION_MNIST_REQUIRE") == "1" {
			t.Fatalf("fashion data: %s", errOut)
		}
		t.Skipf("real data not available: %s", errOut)
	}
}

func TestSummaryCommand(t *testing.T) {
	code, out, errOut := runCLI("summary", "--backend", "go")
	if code != 0 || !strings.Contains(out, "Total params: 543,860") || !strings.Contains(errOut, "backend: ") {
		t.Fatalf("code %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}

func TestTrainEvaluatePredict(t *testing.T) {
	requireData(t)
	dir := t.TempDir()
	modelDir, logs := filepath.Join(dir, "model"), filepath.Join(dir, "runs")
	code, out, errOut := runCLI("train", "--backend", "go", "--offline", "--limit", "640", "--epochs", "2",
		"--out", modelDir, "--logdir", logs)
	if code != 0 {
		t.Fatalf("train: code %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"Epoch 1/2", "Epoch 2/2", "val_accuracy", "model saved to " + modelDir} {
		if !strings.Contains(out, want) {
			t.Errorf("train output lacks %q:\n%s", want, out)
		}
	}
	runs, _ := filepath.Glob(filepath.Join(logs, "run_*", "train", "events.out.tfevents.*"))
	if len(runs) != 1 {
		t.Errorf("TensorBoard event files: %v", runs)
	}

	code, out, errOut = runCLI("evaluate", "--backend", "go", "--offline", "--model", modelDir, "--json")
	if code != 0 {
		t.Fatalf("evaluate: %s", errOut)
	}
	var metrics struct{ Loss, Accuracy float64 }
	if err := json.Unmarshal([]byte(out), &metrics); err != nil || metrics.Accuracy < 0.5 || metrics.Loss <= 0 {
		t.Fatalf("evaluate --json: %v %+v\n%s", err, metrics, out)
	}

	code, out, errOut = runCLI("predict", "--backend", "go", "--offline", "--model", modelDir, "--count", "3", "--json")
	if code != 0 {
		t.Fatalf("predict: %s", errOut)
	}
	var preds struct {
		Predictions []struct {
			Index, Class, Label int
			Name, File          string
			Probability         float64
		}
	}
	if err := json.Unmarshal([]byte(out), &preds); err != nil || len(preds.Predictions) != 3 {
		t.Fatalf("predict --json: %v\n%s", err, out)
	}
	first := preds.Predictions[0]
	if first.Index != 0 || first.Label != 9 || first.Probability <= 0 || first.Probability > 1 || first.Name == "" {
		t.Errorf("first prediction %+v (the first test image is an ankle boot, label 9)", first)
	}

	// A picture of the first test image, ten times larger, dark on white, is
	// converted back to 28x28 and classified.
	picture := filepath.Join(dir, "boot.png")
	writeBigInverted(t, picture)
	code, out, errOut = runCLI("predict", "--backend", "go", "--model", modelDir, "--image", picture, "--json")
	if code != 0 {
		t.Fatalf("predict --image: %s", errOut)
	}
	preds.Predictions = nil
	if err := json.Unmarshal([]byte(out), &preds); err != nil || len(preds.Predictions) != 1 {
		t.Fatalf("predict --image --json: %v\n%s", err, out)
	}
	if p := preds.Predictions[0]; p.File != picture || p.Name == "" || p.Probability <= 0 || p.Label != -1 {
		t.Errorf("picture prediction %+v", p)
	}
	notPicture := filepath.Join(dir, "notes.txt")
	os.WriteFile(notPicture, []byte("not a picture"), 0o644)
	for _, bad := range []string{notPicture, filepath.Join(dir, "missing.png")} {
		code, _, errOut = runCLI("predict", "--backend", "go", "--model", modelDir, "--image", bad)
		if code != 1 || !strings.Contains(errOut, bad) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("predict --image %s: code %d, stderr %q", bad, code, errOut)
		}
	}
}

// writeBigInverted writes the first test image as a 280x280 PNG, dark on a
// white background, as a photo would be.
func writeBigInverted(t *testing.T, path string) {
	t.Helper()
	data, err := fashionmnist.Load(fashionmnist.LoadOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	src := data.Test.Image(0)
	big := image.NewGray(image.Rect(0, 0, 280, 280))
	for y := range 280 {
		for x := range 280 {
			big.Pix[y*280+x] = 255 - src.Pix[(y/10)*28+x/10]
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, big); err != nil {
		t.Fatal(err)
	}
}

func TestBadTrainingOptionsFailBeforeWork(t *testing.T) {
	for _, args := range [][]string{
		{"--epochs", "-1"}, {"--batch", "0"}, {"--lr", "NaN"}, {"--lr", "-0.1"},
		{"--momentum", "1.5"}, {"--limit", "-5"}, {"--steps-per-execution", "0"},
	} {
		code, _, errOut := runCLI(append([]string{"train", "--data-dir", "/nonexistent"}, args...)...)
		if code != 2 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("train %v: code %d, stderr %q; want status 2 and one line", args, code, errOut)
		}
	}
}

func TestUnknownBackend(t *testing.T) {
	for _, args := range [][]string{{"summary"}, {"train", "--data-dir", "/nonexistent"}} {
		code, _, errOut := runCLI(append(args, "--backend", "nosuch")...)
		if code != 1 || !strings.Contains(errOut, `unknown backend "nosuch"`) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: code %d, stderr %q", args, code, errOut)
		}
	}
}

func TestCommandsNeedAModel(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	for _, cmd := range []string{"evaluate", "predict"} {
		code, _, errOut := runCLI(cmd, "--model", missing)
		if code != 1 || !strings.Contains(errOut, "no model at "+missing) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s: code %d, stderr %q", cmd, code, errOut)
		}
	}
}

func TestPlotsWithoutModel(t *testing.T) {
	requireData(t)
	out := filepath.Join(t.TempDir(), "figs")
	code, stdout, errOut := runCLI("plots", "--offline", "--out", out)
	if code != 0 {
		t.Fatalf("plots: %s", errOut)
	}
	pngs, _ := filepath.Glob(filepath.Join(out, "*.png"))
	svgs, _ := filepath.Glob(filepath.Join(out, "*.svg"))
	if len(pngs) != 6 || len(svgs) != 6 || strings.Count(stdout, "\n") != 12 {
		t.Errorf("%d PNG and %d SVG files, output:\n%s", len(pngs), len(svgs), stdout)
	}
}
