package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
)

// training is a "fashion train" process.
type training struct {
	cmd    *exec.Cmd
	stderr strings.Builder
}

// startTraining starts "fashion train" as a process and returns it once
// its output says that epoch 1 is over.
func startTraining(t *testing.T, args ...string) *training {
	t.Helper()
	tr := &training{cmd: cliProcess(append([]string{"train"}, args...)...)}
	stdout, _ := tr.cmd.StdoutPipe()
	tr.cmd.Stderr = &tr.stderr
	if err := tr.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.cmd.Process.Kill() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "Epoch 1/") {
	}
	go io.Copy(io.Discard, stdout)
	return tr
}

// wait waits for the process to end and returns its exit status.
func (tr *training) wait() int {
	tr.cmd.Wait()
	return tr.cmd.ProcessState.ExitCode()
}

// shellWords splits a command line that shellQuote wrote.
func shellWords(line string) []string {
	var words []string
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimSpace(line) {
		if line[0] == '\'' {
			end := strings.Index(line[1:], "'")
			words = append(words, line[1:end+1])
			line = line[end+2:]
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		words, line = append(words, word), rest
	}
	return words
}

// TestCtrlCEndsTheEpochAndSaysHowToResume interrupts a training with
// SIGINT during its second epoch: it must say so at once, finish that
// epoch and its checkpoint, stop with exit status 130 and one line giving
// the command that resumes the run; that command must end exactly where
// an uninterrupted run ends. A second Ctrl-C stops at once, the last
// checkpoint kept.
func TestCtrlCEndsTheEpochAndSaysHowToResume(t *testing.T) {
	requireData(t)
	dir := t.TempDir()
	recipe := []string{"--backend", "go", "--offline", "--limit", "500", "--epochs", "3", "--patience", "-1", "--logdir", ""}
	whole := filepath.Join(dir, "whole")
	if code, out, errOut := runCLI(append([]string{"train", "--out", whole}, recipe...)...); code != 0 {
		t.Fatalf("uninterrupted run: %s\n%s", out, errOut)
	}

	out := filepath.Join(dir, "interrupted")
	tr := startTraining(t, append([]string{"--out", out}, recipe...)...)
	tr.cmd.Process.Signal(syscall.SIGINT)
	if code := tr.wait(); code != 130 {
		t.Fatalf("exit status %d, want 130:\n%s", code, tr.stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(tr.stderr.String()), "\n")
	last := lines[len(lines)-1]
	if len(lines) != 3 || !strings.Contains(lines[1], "interrupted: finishing epoch") ||
		!strings.Contains(last, "fashion train: interrupted: the checkpoint of epoch") || !strings.Contains(last, "--resume` continues the run") {
		t.Fatalf("stderr:\n%s", tr.stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "model.json")); err == nil {
		t.Error("an interrupted run saved its model as if it had finished")
	}
	latest, err := savedmodel.LatestCheckpoint(out + ".checkpoints")
	if err != nil || latest.Epoch < 1 || latest.Epoch > 2 {
		t.Fatalf("the last checkpoint: %+v %v", latest, err)
	}
	resume := shellWords(last[strings.Index(last, "`")+1 : strings.LastIndex(last, "`")])
	if resume[0] != "fashion" || resume[1] != "train" || resume[len(resume)-1] != "--resume" {
		t.Fatalf("the resume command %q", resume)
	}
	if code, stdout, errOut := runCLI(resume[1:]...); code != 0 {
		t.Fatalf("%v: %s\n%s", resume, stdout, errOut)
	}
	if !sameModels(t, whole, out) {
		t.Error("the interrupted and resumed run ended elsewhere than the uninterrupted one")
	}

	// Twice: at once, with the checkpoint of epoch 1 kept.
	out = filepath.Join(dir, "twice")
	tr = startTraining(t, append([]string{"--out", out}, recipe...)...)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if _, err := savedmodel.LatestCheckpoint(out + ".checkpoints"); err == nil || time.Now().After(deadline) {
			break
		}
	}
	tr.cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	tr.cmd.Process.Signal(syscall.SIGINT)
	if code := tr.wait(); code != 130 || time.Since(start) > 2*time.Second {
		t.Fatalf("exit status %d after %v:\n%s", code, time.Since(start), tr.stderr.String())
	}
	if !strings.Contains(tr.stderr.String(), "--resume` continues the run") {
		t.Errorf("stderr:\n%s", tr.stderr.String())
	}
	if latest, err := savedmodel.LatestCheckpoint(out + ".checkpoints"); err != nil || latest.Epoch < 1 {
		t.Errorf("the last checkpoint: %+v %v", latest, err)
	}
}
