//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package lockfile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// openDir opens a directory to lock it. O_DIRECTORY refuses anything else
// at once (a FIFO in its place would make a plain open wait).
func openDir(dir string) (*os.File, error) {
	return os.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY, 0)
}

// lock takes an flock on f without waiting.
func lock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return ErrLocked
		}
		return err
	}
}

// holder returns the ID of a process holding an flock on f's inode, from
// Linux's /proc/locks ("1: FLOCK ADVISORY WRITE PID MAJOR:MINOR:INODE 0
// EOF"), or "" where it cannot tell.
func holder(f *os.File) string {
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	dev := uint64(sys.Dev)
	major := (dev>>8)&0xfff | (dev>>32)&^uint64(0xfff)
	minor := dev&0xff | (dev>>12)&^uint64(0xff)
	key := fmt.Sprintf("%02x:%02x:%d", major, minor, uint64(sys.Ino))
	locks, err := os.Open("/proc/locks")
	if err != nil {
		return ""
	}
	defer locks.Close()
	sc := bufio.NewScanner(locks)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 6 && fields[1] == "FLOCK" && fields[5] == key {
			return fields[4]
		}
	}
	return ""
}
