package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchJSON(t *testing.T) {
	profile := filepath.Join(t.TempDir(), "cpu.prof")
	// 5 steps a pass: an execution of 4 and one of 1, after the same in
	// the warm-up pass.
	code, out, errOut := runCLI("bench", "--backend", "go", "--synthetic", "--steps", "5",
		"--steps-per-execution", "4", "--json", "--cpuprofile", profile)
	if code != 0 {
		t.Fatalf("code %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	var rep benchReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if rep.Steps != 5 || rep.WarmupSteps != 5 || rep.BatchSize != 32 || rep.StepsPerExecution != 4 ||
		rep.Data != "synthetic" || !strings.Contains(rep.Backend, "Go") || rep.Machine.CPUs <= 0 {
		t.Errorf("report %+v", rep)
	}
	if rep.Seconds <= 0 || rep.SamplesPerSecond <= 0 ||
		abs(rep.SecondsPerEpoch-articleTrainImages/rep.SamplesPerSecond) > 1e-9*rep.SecondsPerEpoch {
		t.Errorf("figures: %+v", rep)
	}
	if info, err := os.Stat(profile); err != nil || info.Size() == 0 {
		t.Errorf("CPU profile: %v", err)
	}
}

func TestBenchText(t *testing.T) {
	code, out, errOut := runCLI("bench", "--backend", "go", "--synthetic", "--steps", "2",
		"--steps-per-execution", "2")
	if code != 0 {
		t.Fatalf("code %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	// The warm-up is a pass over the same images, which compiles the graphs.
	for _, want := range []string{"samples/s: ", "seconds per epoch: ", "machine: ", "2 steps of 32 images",
		"after 2 warm-up steps", "mean loss "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBenchBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "--steps", "0"},
		{"bench", "--batch", "0"},
		{"bench", "--synthetic", "--steps", "2000", "--batch", "1000"}, // more images than a split has
		// Values that overflowed the step arithmetic and reported nonsense.
		{"bench", "--synthetic", "--steps", "9223372036854775807"},
		{"bench", "--synthetic", "--steps", "4611686018427387904", "--batch", "4611686018427387904"},
		{"bench", "--synthetic", "--batch", "9223372036854775807"},
	} {
		code, _, errOut := runCLI(args...)
		if code != 2 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: code %d, stderr %q; want status 2 and one line", args, code, errOut)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
