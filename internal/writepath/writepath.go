package writepath

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/fashion-gomlx/fashion-gomlx/internal/plainfile"
)

// Limits of Linux and most Unix file systems: a name of at most NameMax
// bytes, a path of at most PathMax-1 bytes.
const (
	NameMax = 255
	PathMax = 4096
)

// maxLinks bounds the symbolic links Resolve follows, as the kernel does
// (40 on Linux), so that a loop is an error.
const maxLinks = 40

// Resolve returns the absolute, physical form of path, which need not
// exist: the symbolic links of the part that exists are followed (and ".."
// after one goes to the physical parent, as the kernel does), and the names
// that do not exist yet are appended. Two paths that lead to the same
// place resolve to the same string. A dangling symbolic link on the way is
// an error naming the link and where it points; so is a loop of links,
// and a file that the path goes through.
func Resolve(path string) (string, error) {
	if path == "" {
		return "", errors.New("empty path")
	}
	cur := string(filepath.Separator)
	if !filepath.IsAbs(path) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		if cur, err = filepath.EvalSymlinks(wd); err != nil {
			return "", err
		}
	}
	rest := strings.Split(path, string(filepath.Separator))
	links, exists := 0, true
	for len(rest) > 0 {
		name := rest[0]
		rest = rest[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, name)
		if !exists {
			cur = next
			continue
		}
		st, err := os.Lstat(next)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			exists = false
			cur = next
			continue
		case err != nil:
			return "", err
		case st.Mode()&fs.ModeSymlink != 0:
			links++
			if links > maxLinks {
				return "", fmt.Errorf("%s: too many levels of symbolic links (a loop?)", path)
			}
			target, err := os.Readlink(next)
			if err != nil {
				return "", err
			}
			if _, err := os.Stat(next); errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("%s is a symbolic link to %s, which does not exist: create it, or remove the link", next, target)
			} else if errors.Is(err, syscall.ELOOP) {
				return "", fmt.Errorf("%s: too many levels of symbolic links (a loop?)", next)
			}
			if filepath.IsAbs(target) {
				cur = string(filepath.Separator)
			}
			rest = append(strings.Split(target, string(filepath.Separator)), rest...)
			continue
		case !st.IsDir() && len(strings.Join(rest, "")) > 0:
			return "", fmt.Errorf("%s is %s, not a directory", next, plainfile.Kind(st.Mode()))
		}
		cur = next
	}
	return cur, nil
}

// CheckNames refuses a path with a name longer than NameMax bytes, or
// longer than PathMax-1 bytes once the program appends up to suffix bytes
// of names of its own inside it.
func CheckNames(path string, suffix int) error {
	for _, name := range strings.Split(path, string(filepath.Separator)) {
		if len(name) > NameMax {
			return fmt.Errorf("the name %.40q... is %d bytes long: file systems allow %d", name, len(name), NameMax)
		}
	}
	if len(path)+suffix >= PathMax {
		return fmt.Errorf("the path %.40q... is %d bytes long: with the %d bytes of the names written inside it, over the limit of %d", path, len(path), suffix, PathMax-1)
	}
	return nil
}

// Ancestor returns the nearest directory above path (path itself
// excluded) that exists: where a MkdirAll of path starts creating. A file
// on the way is an error.
func Ancestor(path string) (string, error) {
	p := filepath.Clean(path)
	for {
		parent := filepath.Dir(p)
		st, err := os.Stat(parent)
		switch {
		case err == nil && st.IsDir():
			return parent, nil
		case err == nil:
			return "", fmt.Errorf("%s is %s, not a directory", parent, plainfile.Kind(st.Mode()))
		case !errors.Is(err, fs.ErrNotExist):
			return "", err
		case parent == p:
			return "", err
		}
		p = parent
	}
}

// Probe checks that a file can be created in the directory dir (it
// creates and removes one).
func Probe(dir string) error {
	f, err := os.CreateTemp(dir, ".fashion-gomlx-probe-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// CheckDir reports whether files can be written in the directory path: an
// existing directory where a file can be created, or a path that MkdirAll
// could create (its nearest existing ancestor is a directory where one
// can). Something else at path is an error saying what it is.
func CheckDir(path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR): // ENOTDIR: through a file, which Ancestor names
		where, err := Ancestor(path)
		if err != nil {
			return err
		}
		return Probe(where)
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s is %s, not a directory", path, plainfile.Kind(st.Mode()))
	}
	return Probe(path)
}
