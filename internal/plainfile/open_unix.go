//go:build unix

package plainfile

import (
	"os"
	"syscall"
)

// openNonblocking opens path for reading with O_NONBLOCK, so that a FIFO
// without a writer does not make open wait.
func openNonblocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
