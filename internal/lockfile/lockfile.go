// Package lockfile takes advisory locks on files, so that two processes do
// not write the same directory at once: the second one is refused at
// once, with the process ID of the one holding the lock. The lock is held
// until Unlock, or until the process ends, however it ends (the operating
// system releases it): a killed process leaves no stale lock behind.
package lockfile

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrLocked is wrapped by TryLock's error when another process holds the
// lock.
var ErrLocked = errors.New("locked by another process")

// Lock is a lock held on a file.
type Lock struct{ f *os.File }

// TryLock takes the lock on the file at path, creating the file if needed,
// and writes this process's ID into it. When another process (or another
// Lock of this one) holds it, TryLock does not wait: it returns an error
// wrapping ErrLocked that names the holder.
func TryLock(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lock(f); err != nil {
		f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, fmt.Errorf("%s is %w%s", path, ErrLocked, holder(path))
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// holder describes the process whose ID the lock file holds.
func holder(path string) string {
	data, err := os.ReadFile(path)
	if pid := strings.TrimSpace(string(data)); err == nil && pid != "" {
		return " (process " + pid + ")"
	}
	return ""
}

// Unlock releases the lock. The file stays, for the next lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the file releases the lock
	l.f = nil
	return err
}
