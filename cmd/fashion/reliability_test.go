package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/internal/backend"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
)

// cliProcess returns a command running this test binary as the fashion
// tool (see TestMain), as a separate process.
func cliProcess(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asCLIEnv+"=1")
	return cmd
}

// checkOneLine fails unless stderr is exactly one line holding want.
func checkOneLine(t *testing.T, what, stderr, want string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") || !strings.Contains(stderr, want) {
		t.Errorf("%s: stderr %q, want one line containing %q", what, stderr, want)
	}
}

// checkErrorLine fails unless stderr is one error line holding want, after
// the line naming the backend when the command got that far.
func checkErrorLine(t *testing.T, what, stderr, want string) {
	t.Helper()
	if rest, ok := strings.CutPrefix(stderr, "backend: "); ok {
		_, stderr, _ = strings.Cut(rest, "\n")
	}
	checkOneLine(t, what, stderr, want)
}

func TestStdoutCarriesOnlyResults(t *testing.T) {
	// GoMLX's Go backend prints "Go backend: parallelism set to 2" to
	// os.Stdout; it must not reach the tool's output.
	cmd := cliProcess("bench", "--synthetic", "--json", "--backend", "go:parallelism=2", "--steps", "2", "--warmup", "0", "--steps-per-execution", "2")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	var rep benchReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	if !strings.Contains(stderr.String(), "parallelism set to 2") {
		t.Errorf("the backend's message is not on stderr either: %q", stderr.String())
	}
}

func TestStdoutWriteFailuresFail(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer full.Close()
	for _, args := range [][]string{{"help"}, {"summary", "--backend", "go"}} {
		cmd := cliProcess(args...)
		cmd.Stdout = full
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != 1 {
			t.Errorf("%v with stdout on a full device: exit status %d (%v), want 1", args, code, err)
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if last := lines[len(lines)-1]; !strings.Contains(last, "no space left on device") || len(lines) > 2 {
			t.Errorf("%v: stderr %q", args, stderr.String())
		}
	}
}

func TestTrainFindsPathProblemsBeforeWork(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	os.WriteFile(file, []byte("x"), 0o644)
	tfjs := filepath.Join(dir, "tfjs")
	os.Mkdir(tfjs, 0o755)
	os.WriteFile(filepath.Join(tfjs, "model.json"), []byte(`{"format": "layers-model"}`), 0o644)
	model := filepath.Join(dir, "model")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--out", ""}, 2, "--out must name a directory"},
		{[]string{"--out", "/"}, 2, "is the root directory"},
		{[]string{"--out", model, "--checkpoints", model}, 2, "the same directory"},
		{[]string{"--out", model, "--checkpoints", filepath.Join(model, "ck")}, 2, "inside --out"},
		{[]string{"--out", file}, 1, "is a file"},
		{[]string{"--out", filepath.Join(file, "model")}, 1, "is a file"},
		{[]string{"--out", tfjs}, 1, "did not write"},
		{[]string{"--out", model, "--checkpoints", tfjs}, 1, "did not write"},
		{[]string{"--out", "/proc/fashion-model"}, 1, "cannot write in /proc"},
		{[]string{"--out", model, "--resume"}, 1, "no checkpoint to resume from"},
	}
	for _, tc := range tests {
		// A missing data directory and an unknown backend: had the tool gone
		// past its checks, it would have said so.
		args := append([]string{"train", "--data-dir", "/nonexistent", "--backend", "nosuch"}, tc.args...)
		code, _, errOut := runCLI(args...)
		if code != tc.code {
			t.Errorf("%v: exit status %d, want %d", tc.args, code, tc.code)
		}
		checkOneLine(t, strings.Join(tc.args, " "), errOut, tc.want)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"notes.txt", "tfjs"}) {
		t.Errorf("the checks left %q behind", got)
	}
	if _, err := os.Stat("/.checkpoints"); err == nil {
		t.Error("--out / left /.checkpoints behind")
	}
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestTwoTrainingsOnOneDirectory(t *testing.T) {
	requireData(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "model")
	first := cliProcess("train", "--backend", "go", "--offline", "--limit", "500", "--epochs", "50", "--patience", "-1",
		"--logdir", "", "--out", out)
	var log strings.Builder
	first.Stdout, first.Stderr = &log, &log
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		first.Process.Kill()
		first.Wait()
	}()
	marker := filepath.Join(out+".checkpoints", "epoch-0001", "model.json")
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first training wrote no checkpoint in 2 minutes:\n%s", log.String())
		}
	}
	for _, args := range [][]string{
		{"--out", out, "--limit", "500"},
		{"--out", filepath.Join(dir, "other"), "--checkpoints", out + ".checkpoints", "--limit", "500"},
		{"--out", out, "--resume"},
	} {
		code, _, errOut := runCLI(append([]string{"train", "--backend", "go", "--offline", "--logdir", ""}, args...)...)
		if code != 1 {
			t.Errorf("%v while another training runs: exit status %d", args, code)
		}
		checkErrorLine(t, strings.Join(args, " "), errOut, "another training is writing to")
	}
}

func TestTrainDivergingSaysWhatToChange(t *testing.T) {
	requireData(t)
	out := filepath.Join(t.TempDir(), "model")
	code, _, errOut := runCLI("train", "--backend", "go", "--offline", "--limit", "320", "--epochs", "2", "--lr", "1e30",
		"--logdir", "", "--out", out)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "the training loss became NaN") || !strings.Contains(last, "try a lower learning rate") {
		t.Errorf("stderr %q", errOut)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a diverged model was saved")
	}
}

// TestResumeContinuesTheRunItClaims resumes a run that trains on the
// validation images too (--include-validation): the resumed epoch must
// train on the same images, and end where the uninterrupted run ended.
func TestResumeContinuesTheRunItClaims(t *testing.T) {
	requireData(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "model")
	common := []string{"--backend", "go", "--offline", "--logdir", "", "--out", out}
	code, stdout, errOut := runCLI(append([]string{"train", "--include-validation", "--limit", "600", "--epochs", "2", "--patience", "-1"}, common...)...)
	if code != 0 {
		t.Fatalf("train: %s\n%s", stdout, errOut)
	}
	whole := filepath.Join(dir, "whole")
	if err := os.Rename(out, whole); err != nil {
		t.Fatal(err)
	}
	// As if killed during epoch 2: only the checkpoint of epoch 1 is left.
	if err := os.RemoveAll(filepath.Join(out+".checkpoints", "epoch-0002")); err != nil {
		t.Fatal(err)
	}
	code, stdout, errOut = runCLI(append([]string{"train", "--resume"}, common...)...)
	if code != 0 || !strings.Contains(stdout, "Resuming at epoch 2 of 2, on 600 images") {
		t.Fatalf("resume: code %d\n%s\n%s", code, stdout, errOut)
	}
	backend, _, _ := backend.NewBackend("go")
	a, err := savedmodel.Load(backend, whole, fashion.ArticleMLP)
	if err != nil {
		t.Fatal(err)
	}
	b, err := savedmodel.Load(backend, out, fashion.ArticleMLP)
	if err != nil {
		t.Fatal(err)
	}
	if a.History().Epochs[1].Loss != b.History().Epochs[1].Loss {
		t.Errorf("epoch 2's loss: uninterrupted %v, resumed %v: the resumed epoch trained on other images",
			a.History().Epochs[1].Loss, b.History().Epochs[1].Loss)
	}
	wa, _ := a.Weights("dense")
	wb, _ := b.Weights("dense")
	if !slices.Equal(wa.Weights[300], wb.Weights[300]) || !slices.Equal(wa.Biases, wb.Biases) {
		t.Error("the resumed model's weights differ from the uninterrupted one's")
	}
	code, _, errOut = runCLI(append([]string{"train", "--resume", "--include-validation"}, common...)...)
	if code != 2 {
		t.Errorf("--resume --include-validation: exit status %d", code)
	}
	checkOneLine(t, "--resume --include-validation", errOut, "--include-validation cannot change it")
}

func TestCorruptModelsAreRefused(t *testing.T) {
	requireData(t)
	backend, _, _ := backend.NewBackend("go")
	m, err := fashion.New(backend, fashion.ArticleMLP, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "model")
	if err := savedmodel.Save(m, dir); err != nil {
		t.Fatal(err)
	}
	bins, _ := filepath.Glob(filepath.Join(dir, "checkpoint*", "*.bin"))
	if len(bins) != 1 {
		t.Fatalf("weights files %v", bins)
	}
	data, _ := os.ReadFile(bins[0])
	data[12345] ^= 1
	os.WriteFile(bins[0], data, 0o644)
	for _, args := range [][]string{{"evaluate", "--offline"}, {"predict", "--offline"}, {"summary"}} {
		cmd := args[0]
		code, _, errOut := runCLI(append(args, "--backend", "go", "--model", dir)...)
		if code != 1 {
			t.Errorf("%s of a model with a flipped bit: exit status %d", cmd, code)
		}
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if last := lines[len(lines)-1]; !strings.Contains(last, "is corrupt: its SHA-256") || len(lines) > 2 {
			t.Errorf("%s: stderr %q", cmd, errOut)
		}
	}
}

func TestDataDirectoryProblemsHaveTheirOwnMessage(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "train-images-idx3-ubyte.gz"), 0o755)
	for _, tc := range []struct{ dir, want string }{
		{filepath.Join(dir, "nope"), "does not exist"},
		{dir, "train-images-idx3-ubyte.gz is a directory"},
	} {
		code, _, errOut := runCLI("data", "--data-dir", tc.dir)
		if code != 1 || strings.Contains(errOut, "lacks") {
			t.Errorf("--data-dir %s: exit status %d, stderr %q", tc.dir, code, errOut)
		}
		checkOneLine(t, tc.dir, errOut, tc.want)
	}
}

// TestFailedTrainingLeavesNothing: a training that fails before it trains
// (an unknown backend, no data) creates nothing where it would have saved.
func TestFailedTrainingLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, args := range [][]string{{"--backend", "nosuch"}, {"--backend", "go", "--data-dir", "/nonexistent"}} {
		if code, _, errOut := runCLI(append([]string{"train"}, args...)...); code != 1 {
			t.Errorf("%v: exit status %d, %q", args, code, errOut)
		}
	}
	if got := dirNames(t, dir); len(got) != 0 {
		t.Errorf("a failed training left %q", got)
	}
}

func TestErrorsOfSeveralLinesArePrintedOnOne(t *testing.T) {
	err := errors.Join(errors.New("first problem"), errors.New("  second problem\n"))
	if got := oneLine(err); got != "first problem; second problem" {
		t.Errorf("oneLine = %q", got)
	}
}

func TestAPanicIsOneLine(t *testing.T) {
	commands["crash"] = command{"panics, for this test", func([]string, io.Writer, io.Writer) error { panic("boom") }}
	defer delete(commands, "crash")
	code, _, errOut := runCLI("crash")
	if code != 1 {
		t.Errorf("exit status %d", code)
	}
	checkOneLine(t, "a panic", errOut, "internal error: boom")
}
