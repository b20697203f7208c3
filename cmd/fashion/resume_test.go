package main

import (
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

// asCLIEnv, set in the environment of a re-run test binary, makes it run the
// fashion command instead of the tests (see TestMain).
const asCLIEnv = "FASHION_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLIEnv) == "1" {
		os.Exit(cli(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// TestKilledTrainingResumes kills a real training process in the middle of
// an epoch, resumes it with --resume, and checks that it ends exactly where
// an uninterrupted run of the same recipe ends.
func TestKilledTrainingResumes(t *testing.T) {
	requireData(t)
	dir := t.TempDir()
	recipe := []string{"--backend", "go", "--offline", "--limit", "2000", "--epochs", "4", "--patience", "-1", "--logdir", ""}

	whole := filepath.Join(dir, "whole")
	if code, out, errOut := runCLI(append([]string{"train", "--out", whole}, recipe...)...); code != 0 {
		t.Fatalf("uninterrupted run: %s\n%s", out, errOut)
	}

	killed := filepath.Join(dir, "killed")
	cmd := exec.Command(os.Args[0], append([]string{"train", "--out", killed}, recipe...)...)
	cmd.Env = append(os.Environ(), asCLIEnv+"=1")
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the checkpoint of epoch 2, then kill the process while it
	// trains epoch 3.
	second := filepath.Join(killed+".checkpoints", "epoch-0002", "model.json")
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(second); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("no checkpoint of epoch 2 after 2 minutes:\n%s", log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(150 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if _, err := os.Stat(filepath.Join(killed, "model.json")); err == nil {
		t.Fatalf("the killed run finished before it was killed:\n%s", log.String())
	}
	if strings.Contains(log.String(), "Epoch 4/4") {
		t.Fatalf("killed too late:\n%s", log.String())
	}

	code, out, errOut := runCLI("train", "--out", killed, "--resume", "--backend", "go", "--offline", "--logdir", "")
	if code != 0 {
		t.Fatalf("resume: %s\n%s", out, errOut)
	}
	if !strings.Contains(out, "Resuming at epoch 3 of 4") && !strings.Contains(out, "Resuming at epoch 4 of 4") {
		t.Errorf("resume output:\n%s", out)
	}

	backend, _, err := backend.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	a, err := savedmodel.Load(backend, whole, fashion.ArticleMLP)
	if err != nil {
		t.Fatal(err)
	}
	b, err := savedmodel.Load(backend, killed, fashion.ArticleMLP)
	if err != nil {
		t.Fatal(err)
	}
	ha, hb := a.History(), b.History()
	if len(ha.Epochs) != 4 || len(hb.Epochs) != 4 {
		t.Fatalf("%d and %d epochs, want 4", len(ha.Epochs), len(hb.Epochs))
	}
	for i := range ha.Epochs {
		if ha.Epochs[i].Loss != hb.Epochs[i].Loss || ha.Epochs[i].ValLoss != hb.Epochs[i].ValLoss {
			t.Errorf("epoch %d: uninterrupted %+v, resumed %+v", i+1, ha.Epochs[i], hb.Epochs[i])
		}
	}
	wa, _ := a.Weights("dense")
	wb, _ := b.Weights("dense")
	if !slices.Equal(wa.Weights[100], wb.Weights[100]) || !slices.Equal(wa.Biases, wb.Biases) {
		t.Error("the resumed model's weights differ from the uninterrupted one's")
	}
}

func TestResumeRefusesRecipeFlags(t *testing.T) {
	code, _, errOut := runCLI("train", "--resume", "--lr", "0.1", "--data-dir", "/nonexistent")
	if code != 2 || !strings.Contains(errOut, "--lr cannot change it") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}
