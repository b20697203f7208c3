package fashionmnist

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// addressSpaceLeft returns how many bytes the process may still map under
// its limit of address space (RLIMIT_AS, which `ulimit -v` sets), and false
// when it has none. Go's runtime ends the process with a trace of 100 lines
// and more when an allocation crosses the limit: what is about to allocate
// much checks first.
func addressSpaceLeft() (int64, bool) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &rl); err != nil || rl.Cur == ^uint64(0) || rl.Cur > 1<<62 {
		return 0, false
	}
	statm, err := os.ReadFile("/proc/self/statm") // sizes in pages, the first the whole mapping
	if err != nil {
		return 0, false
	}
	pages, err := strconv.ParseInt(string(bytes.Fields(statm)[0]), 10, 64)
	if err != nil {
		return 0, false
	}
	return int64(rl.Cur) - pages*int64(os.Getpagesize()), true
}
