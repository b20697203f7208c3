//go:build !unix

package plainfile

import "os"

// openNonblocking opens path for reading (systems without FIFOs in the
// file system need no more).
func openNonblocking(path string) (*os.File, error) { return os.Open(path) }
