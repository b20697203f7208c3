//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package lockfile

import "os"

// openDir opens a directory.
func openDir(dir string) (*os.File, error) { return os.Open(dir) }

// lock does nothing where flock is not available: there, TryLock always
// succeeds and two processes are not kept apart.
func lock(*os.File, bool) error { return nil }

// holder is unknown.
func holder(*os.File) string { return "" }
