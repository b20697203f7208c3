package plainfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// withDeadline fails the test when f takes more than a few seconds: what
// this package prevents is a hang.
func withDeadline(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s hangs", what)
	}
}

func TestSpecialFilesAreRefusedWithoutBlocking(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("0123456789"), 0o644)
	link := filepath.Join(dir, "link")
	os.Symlink(fifo, link)

	for _, path := range []string{fifo, link, dir, "/dev/zero"} {
		withDeadline(t, "ReadFile("+path+")", func() {
			_, err := ReadFile(path, 1<<20)
			if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), path) {
				t.Errorf("ReadFile(%s): %v", path, err)
			}
		})
	}
	if _, err := ReadFile(fifo, 10); err == nil || !strings.Contains(err.Error(), "a FIFO") {
		t.Errorf("the error does not say what the file is: %v", err)
	}
	for _, path := range []string{fifo, link, file} {
		withDeadline(t, "ReadDir("+path+")", func() {
			if _, err := ReadDir(path); !errors.Is(err, ErrNotRegular) {
				t.Errorf("ReadDir(%s): %v", path, err)
			}
		})
	}
}

func TestReadFileAndReadDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "b")
	os.WriteFile(file, []byte("0123456789"), 0o644)
	os.Mkdir(filepath.Join(dir, "a"), 0o755)
	if data, err := ReadFile(file, 10); err != nil || string(data) != "0123456789" {
		t.Errorf("ReadFile at the limit: %q %v", data, err)
	}
	if _, err := ReadFile(file, 9); err == nil || !strings.Contains(err.Error(), "larger than 9 bytes") {
		t.Errorf("ReadFile over the limit: %v", err)
	}
	entries, err := ReadDir(dir)
	if err != nil || len(entries) != 2 || entries[0].Name() != "a" || entries[1].Name() != "b" {
		t.Errorf("ReadDir: %v %v", entries, err)
	}
	if _, err := ReadDir(filepath.Join(dir, "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadDir of nothing: %v", err)
	}
}
