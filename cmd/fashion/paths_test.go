package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/internal/backend"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
)

// savedModel saves an untrained model of the article into dir.
func savedModel(t *testing.T, dir string) string {
	t.Helper()
	b, _, err := backend.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	m, err := fashion.New(b, fashion.ArticleMLP, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := savedmodel.Save(m, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkpointsDir makes dir look like the checkpoints of a run: its marker.
func checkpointsDir(t *testing.T, dir string) string {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	marker := `{"format":"fashion-gomlx/checkpoints","version":1,"run":"0123456789abcdef"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, ".fashion-gomlx-checkpoints"), []byte(marker), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestEveryPathOfARunIsCheckedBeforeWork gives "fashion train" paths that
// each fail only once training is over when checked late (a minute or an
// hour lost): the logs inside the model, dangling symbolic links, names
// too long, a directory inside another run's checkpoints or inside a saved
// model, a FIFO. Each must be refused in one line, with exit status 2 for
// paths that contradict each other or break the file system's limits and
// 1 for what the file system holds, before the backend and the data (a
// missing data directory and an unknown backend would have said so), and
// leave nothing behind.
func TestEveryPathOfARunIsCheckedBeforeWork(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	model := savedModel(t, "saved")
	checkpointsDir(t, "run.checkpoints")
	os.Symlink("nowhere", "dangling")
	os.Symlink("loop-b", "loop-a")
	os.Symlink("loop-a", "loop-b")
	os.WriteFile("notes.txt", []byte("my notes\n"), 0o644)
	syscall.Mkfifo("fifo", 0o644)
	os.Mkdir("real", 0o755)
	os.Symlink("real", "alias")
	long := strings.Repeat("x", 250)
	before := dirNames(t, dir)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--out", "m", "--logdir", "m"}, 2, "--out and --logdir are the same directory"},
		{[]string{"--out", "m", "--logdir", "m/runs"}, 2, "--logdir m/runs is inside --out m"},
		{[]string{"--out", "m", "--logdir", "m.checkpoints/runs"}, 2, "is inside --checkpoints"},
		{[]string{"--out", "m", "--checkpoints", "c", "--logdir", "c"}, 2, "are the same directory"},
		{[]string{"--out", "real", "--checkpoints", "alias"}, 2, "are the same directory"},
		{[]string{"--out", "alias/m", "--checkpoints", "real/m/ck"}, 2, "is inside --out"},
		{[]string{"--out", long}, 2, "is 262 bytes long: file systems allow 255"},
		{[]string{"--out", strings.Repeat("d/", 2100)}, 2, "over the limit of 4095"},
		{[]string{"--out", "dangling"}, 1, "dangling is a symbolic link to nowhere, which does not exist"},
		{[]string{"--out", "m", "--checkpoints", "dangling"}, 1, "which does not exist"},
		{[]string{"--out", "m", "--logdir", "dangling/runs"}, 1, "which does not exist"},
		{[]string{"--out", "loop-a"}, 1, "too many levels of symbolic links"},
		{[]string{"--out", "run.checkpoints/epoch-0001", "--checkpoints", "b"}, 1, "the checkpoints of a training run"},
		{[]string{"--out", filepath.Join(model, "sub")}, 1, "is inside " + filepath.Join(dir, model) + ", a saved model"},
		{[]string{"--out", "m", "--checkpoints", filepath.Join(model, "ck")}, 1, "a saved model"},
		{[]string{"--out", "m", "--logdir", "run.checkpoints"}, 1, "--logdir run.checkpoints is the checkpoints of a training run"},
		{[]string{"--out", "m", "--logdir", "notes.txt"}, 1, "notes.txt is a file, not a directory"},
		{[]string{"--out", "fifo"}, 1, "fifo is a FIFO"},
		{[]string{"--out", "m", "--checkpoints", "fifo"}, 1, "is a FIFO"},
		{[]string{"--out", "notes.txt/m"}, 1, "notes.txt is a file, not a directory"},
	}
	for _, tc := range tests {
		done := make(chan struct{})
		var code int
		var errOut string
		go func() {
			args := append([]string{"train", "--data-dir", "/nonexistent", "--backend", "nosuch"}, tc.args...)
			code, _, errOut = runCLI(args...)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%v hangs", tc.args)
		}
		what := strings.Join(tc.args, " ")
		if len(what) > 80 {
			what = what[:80] + "..."
		}
		if code != tc.code {
			t.Errorf("%s: exit status %d, want %d (%q)", what, code, tc.code, errOut)
		}
		checkOneLine(t, what, errOut, tc.want)
	}
	if got := dirNames(t, dir); !slices.Equal(got, before) {
		t.Errorf("the checks left %q, had %q", got, before)
	}
	// With the logs beside the model, or the logs inside another saved
	// model (a save keeps what a user adds), the checks pass: the unknown
	// backend is what fails.
	for _, args := range [][]string{{"--out", "m", "--logdir", "runs"}, {"--out", "m", "--logdir", filepath.Join(model, "runs")}} {
		code, _, errOut := runCLI(append([]string{"train", "--backend", "nosuch"}, args...)...)
		if code != 1 || !strings.Contains(errOut, `unknown backend "nosuch"`) {
			t.Errorf("%v: exit status %d, %q", args, code, errOut)
		}
	}
	if got := dirNames(t, dir); !slices.Equal(got, before) {
		t.Errorf("a training that failed left %q, had %q", got, before)
	}
}

// TestLocksHoldThroughSymbolicLinks holds the locks of a training on r
// (in this process: a second lock of a directory is refused within a
// process too) and starts others on the same directories by other names,
// and inside them: each must be refused at once. A symbolic link in the
// place of the lock file of earlier versions is not followed, and the file
// it points to is left as it was.
func TestLocksHoldThroughSymbolicLinks(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.Mkdir("r", 0o755)
	os.Mkdir("r.checkpoints", 0o755)
	os.Symlink("r", "a")
	os.Symlink("r.checkpoints", "a.checkpoints")
	os.Mkdir("sub", 0o755)
	os.WriteFile("notes.txt", []byte("my notes\n"), 0o644)
	os.Symlink("notes.txt", ".m.lock")
	os.Symlink("notes.txt", ".r.lock")

	p := newRunPaths("r", "", "")
	if err := p.check(); err != nil {
		t.Fatal(err)
	}
	lock, err := p.lock()
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--out", "a"},
		{"--out", "a", "--resume"},
		{"--out", "sub/../r"},
		{"--out", "other", "--checkpoints", "a.checkpoints"},
		{"--out", filepath.Join(dir, "r")},
		{"--out", "a/inner", "--checkpoints", "inner.ck"},
	} {
		code, _, errOut := runCLI(append([]string{"train", "--backend", "nosuch", "--logdir", ""}, args...)...)
		if code != 1 {
			t.Errorf("%v while another training writes r: exit status %d", args, code)
		}
		checkOneLine(t, strings.Join(args, " "), errOut, "another training is writing to")
	}
	lock.release()
	// Another training may go now (to the unknown backend), and the file
	// behind the old lock's name is untouched.
	if code, _, errOut := runCLI("train", "--backend", "nosuch", "--out", "a", "--logdir", ""); !strings.Contains(errOut, "unknown backend") {
		t.Errorf("after the lock is released: %d %q", code, errOut)
	}
	p = newRunPaths("m", "", "")
	if err := p.check(); err != nil {
		t.Fatal(err)
	}
	if lock, err = p.lock(); err != nil {
		t.Fatal(err)
	}
	lock.release()
	if data, _ := os.ReadFile("notes.txt"); string(data) != "my notes\n" {
		t.Errorf("notes.txt became %q", data)
	}
	// The directories the lock created, empty, are gone with it.
	if got := dirNames(t, dir); !slices.Equal(got, []string{".m.lock", ".r.lock", "a", "a.checkpoints", "notes.txt", "r", "r.checkpoints", "sub"}) {
		t.Errorf("left %q", got)
	}
}

// TestTrainingIntoTheCurrentDirectory: "--out ." with the checkpoints
// elsewhere is a directory of its own (it was refused after training: the
// lock file beside "." made it someone else's).
func TestTrainingIntoTheCurrentDirectory(t *testing.T) {
	requireData(t)
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	os.Mkdir(work, 0o755)
	t.Chdir(work)
	code, out, errOut := runCLI("train", "--backend", "go", "--offline", "--limit", "300", "--epochs", "1", "--logdir", "",
		"--out", ".", "--checkpoints", "../ck")
	if code != 0 || !strings.Contains(out, "model saved to .") {
		t.Fatalf("exit status %d\n%s\n%s", code, out, errOut)
	}
	// The default checkpoints go beside the directory "." names.
	if got := defaultCheckpoints("."); got != filepath.Join(dir, "work.checkpoints") {
		t.Errorf("defaultCheckpoints(.) = %s", got)
	}
}
