package plainfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// ErrNotRegular is wrapped by the errors for something other than a regular
// file (or, for ReadDir, a directory).
var ErrNotRegular = errors.New("not a regular file")

// Open opens the regular file at path for reading, following symbolic
// links. Anything else at path (a directory, a FIFO, a device, a socket)
// is an error wrapping ErrNotRegular that names what it is; opening never
// blocks.
func Open(path string) (*os.File, error) {
	f, err := openNonblocking(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is %s, %w", path, Kind(st.Mode()), ErrNotRegular)
	}
	return f, nil
}

// ReadFile reads the regular file at path (see Open), refusing one larger
// than limit bytes with an error saying so.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return data, nil
}

// ReadDir reads the directory at path, as os.ReadDir does, without ever
// blocking: a FIFO or a device in its place is an error wrapping
// ErrNotRegular, like a file (os.ReadDir would wait for a FIFO's writer).
func ReadDir(path string) ([]fs.DirEntry, error) {
	f, err := openNonblocking(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: path, Err: fmt.Errorf("%s, not a directory: %w", Kind(st.Mode()), ErrNotRegular)}
	}
	entries, err := f.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

// Kind names the kind of file a mode describes, for error messages:
// "a directory", "a FIFO (named pipe)", "a device", "a socket", "a
// symbolic link", "a file" (a regular one).
func Kind(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case mode&fs.ModeDevice != 0, mode&fs.ModeCharDevice != 0:
		return "a device"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeSymlink != 0:
		return "a symbolic link"
	case mode.IsRegular():
		return "a file"
	}
	return "a special file"
}
