package lockfile

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// holdEnv makes this test binary, run again, hold the lock on the directory
// it names until its standard input closes.
const holdEnv = "LOCKFILE_TEST_HOLD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(holdEnv); dir != "" {
		l, err := TryLock(dir)
		if err != nil {
			os.Stdout.WriteString("error: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("locked\n")
		buf := make([]byte, 1)
		os.Stdin.Read(buf)
		l.Unlock()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holdInAnotherProcess makes another process take the lock of dir and
// returns it, holding the lock.
func holdInAnotherProcess(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), holdEnv+"="+dir)
	cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := make([]byte, 7)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("the other process did not take the lock: %q %v", buf, err)
	}
	return cmd
}

func TestTryLockRefusesASecondHolder(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "model")
	os.Mkdir(dir, 0o755)
	cmd := holdInAnotherProcess(t, dir)

	// By its own name, through a symbolic link, and by a path with "..":
	// the lock is the directory's, however it is named.
	link := filepath.Join(root, "link")
	os.Symlink("model", link)
	for _, name := range []string{dir, link, filepath.Join(root, "model", "..", "model")} {
		_, err := TryLock(name)
		if !errors.Is(err, ErrLocked) {
			t.Errorf("TryLock(%s) while another process holds it: %v", name, err)
		} else if _, statErr := os.Stat("/proc/locks"); statErr == nil && !strings.Contains(err.Error(), "process "+strconv.Itoa(cmd.Process.Pid)) {
			t.Errorf("the error does not name the holder (process %d): %v", cmd.Process.Pid, err)
		}
		if _, err := TryLockShared(name); !errors.Is(err, ErrLocked) {
			t.Errorf("TryLockShared(%s) beside an exclusive lock: %v", name, err)
		}
	}
	// Killed, the holder leaves no stale lock.
	cmd.Process.Kill()
	cmd.Wait()
	var l *Lock
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if l, err = TryLock(link); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	// Within one process too, a second lock is refused until Unlock.
	if _, err := TryLock(dir); !errors.Is(err, ErrLocked) {
		t.Errorf("a second lock in the same process: %v", err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	l2, err := TryLock(dir)
	if err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
	l2.Unlock()
	// Nothing was written for the locks.
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the locked directory holds %v", entries)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 2 {
		t.Errorf("beside the locked directory: %v", entries)
	}
}

func TestSharedLocksGoTogether(t *testing.T) {
	dir := t.TempDir()
	a, err := TryLockShared(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := TryLockShared(dir)
	if err != nil {
		t.Fatalf("a second shared lock: %v", err)
	}
	if _, err := TryLock(dir); !errors.Is(err, ErrLocked) {
		t.Errorf("an exclusive lock beside shared ones: %v", err)
	}
	a.Unlock()
	b.Unlock()
	if l, err := TryLock(dir); err != nil {
		t.Errorf("once the shared locks are gone: %v", err)
	} else {
		l.Unlock()
	}
}

func TestWaitTakesTheLockWhenItIsFree(t *testing.T) {
	dir := t.TempDir()
	cmd := holdInAnotherProcess(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	waited := 0
	if _, err := Wait(ctx, dir, func(error) { waited++ }); !errors.Is(err, context.DeadlineExceeded) || waited != 1 {
		t.Errorf("Wait while held, until the context ends: %v (told %d times)", err, waited)
	}
	go func() { time.Sleep(100 * time.Millisecond); cmd.Process.Kill() }()
	l, err := Wait(context.Background(), dir, nil)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	l.Unlock()
}

func TestOnlyDirectoriesAreLocked(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	os.WriteFile(file, []byte("notes\n"), 0o644)
	fifo := filepath.Join(dir, "fifo")
	syscall.Mkfifo(fifo, 0o644)
	for _, path := range []string{file, fifo, filepath.Join(dir, "none")} {
		done := make(chan error)
		go func() { _, err := TryLock(path); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("TryLock(%s): %v", path, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("TryLock(%s) hangs", path)
		}
	}
	if data, _ := os.ReadFile(file); string(data) != "notes\n" {
		t.Errorf("the file became %q", data)
	}
}
