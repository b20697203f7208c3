// Package lockfile keeps two processes from writing the same directory at
// once: a training takes the lock of the directories it writes, and a
// second one is refused at once, told which process holds them.
//
// The lock is an flock(2) on the directory itself, not on a file beside
// it: it is keyed by the directory, however it is named (a relative path,
// a path through a symbolic link, a bind mount), no file is created,
// followed or truncated for it, and a read-only parent or a name at the
// length limit changes nothing. The lock is held until Unlock, or until
// the process ends, however it ends (the operating system releases it): a
// killed process leaves no stale lock. Where flock is not available,
// locking always succeeds.
package lockfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// ErrLocked is wrapped by TryLock's error when another process holds the
// lock.
var ErrLocked = errors.New("locked by another process")

// Lock is a lock held on a directory.
type Lock struct{ f *os.File }

// TryLock takes the exclusive lock of the directory dir, which must
// exist. When another process (or another Lock of this one) holds it,
// shared or exclusive, TryLock does not wait: it returns an error wrapping
// ErrLocked that names the holder where the system says (Linux's
// /proc/locks).
func TryLock(dir string) (*Lock, error) { return tryLock(dir, true) }

// TryLockShared takes a shared lock of the directory dir: any number of
// shared locks are held together, but none beside an exclusive one.
func TryLockShared(dir string) (*Lock, error) { return tryLock(dir, false) }

// tryLock implements TryLock and TryLockShared.
func tryLock(dir string, exclusive bool) (*Lock, error) {
	f, err := openDir(dir)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	if err := lock(f, exclusive); err != nil {
		var who string
		if errors.Is(err, ErrLocked) {
			who = holder(f)
		}
		f.Close()
		if who != "" {
			return nil, fmt.Errorf("%s is %w (process %s)", dir, err, who)
		}
		return nil, fmt.Errorf("%s is %w", dir, err)
	}
	return &Lock{f: f}, nil
}

// Wait takes the exclusive lock of dir, waiting while another process
// holds it (waiting is called once, with TryLock's error, when it has to)
// until ctx is done.
func Wait(ctx context.Context, dir string, waiting func(error)) (*Lock, error) {
	for first := true; ; first = false {
		l, err := TryLock(dir)
		if !errors.Is(err, ErrLocked) {
			return l, err
		}
		if first && waiting != nil {
			waiting(err)
		}
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the directory releases the lock
	l.f = nil
	return err
}
