// Package atomicfile writes files so that a reader, or the next run after a
// crash, finds either the old content or the new one, never a part: the
// data goes to a temporary file beside the target, is synced, and is
// renamed over the target; then the directory is synced, so that the
// rename itself survives a power cut.
//
// It is the one atomic-write helper of the project: saved models,
// histories and figures all go through it.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// TempPrefix starts the name of every temporary file WriteFile creates:
// TempPrefix, the target's base name, a dot and a random suffix. One is
// left behind only when the process dies between creating and renaming
// it; IsTemp recognises them, so that the program that wrote them can
// clean them up.
const TempPrefix = ".tmp-"

// WriteFile writes data to path, atomically, with permissions perm less
// the umask, as os.WriteFile does. Errors name the path.
func WriteFile(path string, data []byte, perm fs.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := createTemp(dir, base, perm)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// createTemp creates a new temporary file for the target base in dir. It
// opens the file with perm, unlike os.CreateTemp (always 0600), so that
// the kernel applies the umask.
func createTemp(dir, base string, perm fs.FileMode) (*os.File, error) {
	for range 10 {
		var suffix [tempSuffixBytes]byte
		rand.Read(suffix[:])
		name := filepath.Join(dir, TempPrefix+base+"."+hex.EncodeToString(suffix[:]))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("no unused temporary name for %s in %s", base, dir)
}

// tempSuffixBytes is the number of random bytes in a temporary file's name
// (written as twice as many hex digits).
const tempSuffixBytes = 6

// IsTemp reports whether the base name name is that of a temporary file
// WriteFile made for a target whose base name is target.
func IsTemp(name, target string) bool {
	suffix, ok := strings.CutPrefix(name, TempPrefix+target+".")
	if !ok || len(suffix) != 2*tempSuffixBytes {
		return false
	}
	_, err := hex.DecodeString(suffix)
	return err == nil
}

// SyncDir flushes a directory's entries (new names, renames, removals) to
// disk. A file system that cannot sync a directory is not an error.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
