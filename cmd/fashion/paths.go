package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fashion-gomlx/fashion-gomlx/internal/lockfile"
	"github.com/fashion-gomlx/fashion-gomlx/internal/writepath"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
)

// The longest names the tool writes inside each directory of a run, with
// room to spare: in a model's, checkpoint-<8 hex digits>/ and GoMLX's
// checkpoint-n0000000-20060102-150405-step-00000000.json; in the
// checkpoints', epoch-NNNN/ and a model; in the logs' root,
// run_2006_01_02-15_04_05/validation/ and TensorBoard's
// events.out.tfevents.<seconds>.<host name>.
const (
	modelNamesBytes       = 128
	checkpointsNamesBytes = 160
	logNamesBytes         = 256
)

// runPath is one directory a training writes: the flag naming it, the path
// as given, and where it leads (see writepath.Resolve).
type runPath struct {
	flag, path, resolved string
	names                int // the bytes of the names written inside it
}

// runPaths are the directories a training writes: the model's (--out), the
// checkpoints' (--checkpoints) and the root of the TensorBoard logs
// (--logdir; none when "").
type runPaths struct {
	out, checkpoints, logdir runPath
}

// newRunPaths describes the directories of a training; checkpoints is ""
// for the default, beside out (see defaultCheckpoints).
func newRunPaths(out, checkpoints, logdir string) *runPaths {
	p := &runPaths{
		out:         runPath{flag: "--out", path: out, names: modelNamesBytes},
		checkpoints: runPath{flag: "--checkpoints", path: checkpoints, names: checkpointsNamesBytes},
		logdir:      runPath{flag: "--logdir", path: logdir, names: logNamesBytes},
	}
	if checkpoints == "" && out != "" {
		p.checkpoints.flag = `--checkpoints (by default, --out with ".checkpoints" appended)`
		p.checkpoints.path = defaultCheckpoints(out)
	}
	return p
}

// defaultCheckpoints is --checkpoints' default: the --out directory with
// ".checkpoints" appended, beside it (for "." or "..", beside the directory
// they name).
func defaultCheckpoints(out string) string {
	clean := filepath.Clean(out)
	if base := filepath.Base(clean); base == "." || base == ".." {
		if resolved, err := writepath.Resolve(clean); err == nil {
			clean = resolved
		}
	}
	return clean + ".checkpoints"
}

// all returns the paths given, --logdir only when set.
func (p *runPaths) all() []*runPath {
	if p.logdir.path == "" {
		return []*runPath{&p.out, &p.checkpoints}
	}
	return []*runPath{&p.out, &p.checkpoints, &p.logdir}
}

// check finds, before any work, every problem of the directories a
// training writes: paths that name the same directory or one inside
// another, names too long for the file system (usage errors, exit status
// 2); dangling symbolic links, a directory inside a saved model or the
// checkpoints of a run, a directory holding files this program did not
// write, a place where nothing can be written (exit status 1). It creates
// nothing.
func (p *runPaths) check() error {
	if p.out.path == "" {
		return fmt.Errorf("%w: --out must name a directory", errUsage)
	}
	for _, d := range p.all() {
		if err := writepath.CheckNames(d.path, d.names); err != nil {
			return fmt.Errorf("%w: %s: %v", errUsage, d.flag, err)
		}
		resolved, err := writepath.Resolve(d.path)
		if err != nil {
			return fmt.Errorf("%s %s: %w", d.flag, d.path, err)
		}
		d.resolved = resolved
	}
	if err := p.checkRelations(); err != nil {
		return err
	}
	for _, d := range p.all() {
		if err := d.checkNotInsideOurs(); err != nil {
			return err
		}
	}
	return p.checkState()
}

// checkRelations refuses the root directory, and directories that are the
// same or inside one another (as they lead, through symbolic links):
// each would write into the other.
func (p *runPaths) checkRelations() error {
	out, ck, logs := &p.out, &p.checkpoints, &p.logdir
	for _, d := range []*runPath{out, ck} {
		if filepath.Dir(d.resolved) == d.resolved {
			return fmt.Errorf("%w: %s %s is the root directory: give it a directory of its own", errUsage, d.flag, d.path)
		}
	}
	pairs := [][2]*runPath{{ck, out}, {out, ck}}
	if logs.path != "" {
		pairs = append(pairs, [2]*runPath{logs, out}, [2]*runPath{logs, ck})
	}
	for _, pair := range pairs {
		inner, outer := pair[0], pair[1]
		switch {
		case inner.resolved == outer.resolved:
			return fmt.Errorf("%w: %s and %s are the same directory (%s)", errUsage, outer.flag, inner.flag, inner.path)
		case inside(inner.resolved, outer.resolved):
			return fmt.Errorf("%w: %s %s is inside %s %s: give them separate directories", errUsage, inner.flag, inner.path, outer.flag, outer.path)
		}
	}
	return nil
}

// inside reports whether the resolved path dir is inside the resolved
// path parent.
func inside(dir, parent string) bool {
	rel, err := filepath.Rel(parent, dir)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// checkNotInsideOurs refuses a directory inside a saved model or the
// checkpoints of a run, which this program manages and deletes in: the
// model and the checkpoints go nowhere inside either, the logs not inside
// checkpoints (see checkNotInsideCheckpoints).
func (d *runPath) checkNotInsideOurs() error {
	if d.flag == "--logdir" {
		return d.checkNotInsideCheckpoints()
	}
	return d.checkAncestors(filepath.Dir(d.resolved), func(what string) bool { return what != "" })
}

// checkNotInsideCheckpoints refuses the checkpoints of a run, and a
// directory inside them: their directory holds nothing else (a training
// refuses to write checkpoints beside other files). Logs and figures may
// go inside a saved model: a save keeps the files a user adds there.
func (d *runPath) checkNotInsideCheckpoints() error {
	return d.checkAncestors(d.resolved, func(what string) bool { return what == "the checkpoints of a training run" })
}

// checkAncestors refuses a directory when from, or a directory above it,
// is one that savedmodel.Describe describes as refuse says.
func (d *runPath) checkAncestors(from string, refuse func(what string) bool) error {
	for dir := from; ; dir = filepath.Dir(dir) {
		if what := savedmodel.Describe(dir); refuse(what) {
			if dir == d.resolved {
				return fmt.Errorf("%s %s is %s: give it a directory of its own", d.flag, d.path, what)
			}
			return fmt.Errorf("%s %s is inside %s, %s: give it a directory of its own", d.flag, d.path, dir, what)
		}
		if filepath.Dir(dir) == dir {
			return nil
		}
	}
}

// checkState checks what the directories hold: the model's and the
// checkpoints' must be absent, empty, or written by this program, and
// writable; the logs' root writable.
func (p *runPaths) checkState() error {
	if err := savedmodel.CheckSaveDir(p.out.path); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if err := savedmodel.NewCheckpoints(p.checkpoints.path, 2).Check(); err != nil {
		return fmt.Errorf("--checkpoints: %w", err)
	}
	if p.logdir.path != "" {
		if err := writepath.CheckDir(p.logdir.path); err != nil {
			return fmt.Errorf("--logdir: %w", err)
		}
	}
	return nil
}

// runLock holds the locks of a training's directories.
type runLock struct {
	locks   []*lockfile.Lock
	created []string // the directories the lock created, outermost first
	once    sync.Once
}

// lock takes the locks of the model's and the checkpoints' directories,
// creating them if needed, so that a second training writing either, or
// into a directory that holds either, is refused at once: an exclusive
// lock of each directory, and a shared lock of each directory above it
// (see lockfile). The locks are keyed by the directories, however they
// are named. Then it checks the directories again: another process may
// have written there since check.
func (p *runPaths) lock() (*runLock, error) {
	rl := &runLock{}
	fail := func(err error) (*runLock, error) {
		rl.release()
		return nil, err
	}
	targets := []*runPath{&p.out, &p.checkpoints}
	for _, d := range targets {
		if err := rl.mkdirAll(d.resolved); err != nil {
			return fail(fmt.Errorf("%s: %w", d.flag, err))
		}
	}
	above := map[string]bool{}
	for _, d := range targets {
		for dir := filepath.Dir(d.resolved); !above[dir]; dir = filepath.Dir(dir) {
			above[dir] = true
			l, err := lockfile.TryLockShared(dir)
			if errors.Is(err, lockfile.ErrLocked) {
				return fail(fmt.Errorf("another training is writing to %s, which holds %s %s: %v; wait for it to end, or choose another directory",
					dir, d.flag, d.path, err))
			}
			if err == nil { // a directory that cannot be opened is not locked
				rl.locks = append(rl.locks, l)
			}
		}
	}
	for _, d := range targets {
		l, err := lockfile.TryLock(d.resolved)
		if errors.Is(err, lockfile.ErrLocked) {
			return fail(fmt.Errorf("another training is writing to %s (or inside it): %v; wait for it to end, or choose another directory", d.path, err))
		} else if err != nil {
			return fail(fmt.Errorf("%s: %w", d.flag, err))
		}
		rl.locks = append(rl.locks, l)
	}
	if err := p.checkState(); err != nil {
		return fail(err)
	}
	return rl, nil
}

// mkdirAll creates dir and the directories above it that are missing,
// recording those it created.
func (rl *runLock) mkdirAll(dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || !errors.Is(err, fs.ErrNotExist) || filepath.Dir(d) == d {
			break
		}
		missing = append([]string{d}, missing...)
	}
	for _, d := range missing {
		err := os.Mkdir(d, 0o777) // less the umask, as mkdir does
		if errors.Is(err, fs.ErrExist) {
			continue // another process was quicker
		} else if err != nil {
			return err
		}
		rl.created = append(rl.created, d)
	}
	return nil
}

// release unlocks the directories, and removes those the lock created
// that are still empty (a training that failed before it wrote anything
// leaves nothing).
func (rl *runLock) release() {
	rl.once.Do(func() {
		for _, l := range rl.locks {
			l.Unlock()
		}
		for i := len(rl.created) - 1; i >= 0; i-- {
			os.Remove(rl.created[i]) // fails, as it should, when not empty
		}
	})
}
