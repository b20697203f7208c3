package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
)

// interrupts handles SIGINT (Ctrl-C) and SIGTERM. Work that can stop
// cleanly (a download, which then deletes its partial file; a training,
// which then ends after its epoch's checkpoint) runs in a phase entered
// with stopCleanly: there, the first signal cancels the context that work
// watches, and the tool says what it does. Elsewhere, and at the second
// signal, the tool exits at once, after the cleanups registered with
// atExit, with one line and the exit status of the signal (128 + its
// number: 130 for SIGINT, 143 for SIGTERM). Only the process (cli) watches
// signals; run, which the tests call, is never interrupted.
type interrupts struct {
	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelCauseFunc
	phases  []func() string // the notices of the clean-stopping phases running now
	exits   map[int]func() string
	nextID  int
	signal  os.Signal // the first signal received
	name    string    // "fashion train", for the lines printed
	stderr  io.Writer
	exitNow func(code int)
}

// sigs is the tool's signal handler.
var sigs = newInterrupts()

// newInterrupts returns a handler that watches nothing yet.
func newInterrupts() *interrupts {
	in := &interrupts{exits: map[int]func() string{}, exitNow: os.Exit}
	in.ctx, in.cancel = context.WithCancelCause(context.Background())
	return in
}

// interruptedError is the error of work stopped by a signal.
type interruptedError struct {
	sig syscall.Signal
	msg string // what the stop left, for the user
}

// Error implements error.
func (e *interruptedError) Error() string {
	if e.msg == "" {
		return "interrupted"
	}
	return "interrupted: " + e.msg
}

// exitStatus is the shell's status for a process ended by the signal.
func (e *interruptedError) exitStatus() int { return 128 + int(e.sig) }

// context returns the context that the first signal cancels, in a phase
// that stops cleanly; its cause is then an *interruptedError.
func (in *interrupts) context() context.Context { return in.ctx }

// interrupted returns the error saying that a signal stopped the work, with
// msg saying what it left; nil when no signal came.
func (in *interrupts) interrupted(msg string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.signal == nil {
		return nil
	}
	return &interruptedError{sig: in.signal.(syscall.Signal), msg: msg}
}

// stopCleanly enters a phase that stops cleanly when the context is
// cancelled; notice says, at the first signal, what the work does then
// ("finishing epoch 3 and its checkpoint"). The returned function leaves
// the phase.
func (in *interrupts) stopCleanly(notice func() string) (leave func()) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.phases = append(in.phases, notice)
	n := len(in.phases)
	return func() {
		in.mu.Lock()
		defer in.mu.Unlock()
		in.phases = in.phases[:n-1]
	}
}

// atExit registers a cleanup to run before the tool exits at once on a
// signal; it may return a sentence for the line printed then. The
// returned function unregisters it.
func (in *interrupts) atExit(f func() string) (remove func()) {
	in.mu.Lock()
	defer in.mu.Unlock()
	id := in.nextID
	in.nextID++
	in.exits[id] = f
	return func() {
		in.mu.Lock()
		defer in.mu.Unlock()
		delete(in.exits, id)
	}
}

// watch starts handling SIGINT and SIGTERM for the command name, printing
// on stderr. The returned function stops it.
func (in *interrupts) watch(name string, stderr io.Writer) (stop func()) {
	in.name, in.stderr = name, stderr
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-ch:
				in.handle(s)
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(ch); close(done) }
}

// handle reacts to a signal.
func (in *interrupts) handle(s os.Signal) {
	in.mu.Lock()
	first := in.signal == nil
	if first {
		in.signal = s
	}
	if !first && len(in.phases) == 0 && in.ctx.Err() != nil {
		in.mu.Unlock()
		return // the work stopped cleanly and the command is returning: it says what it left
	}
	if first && len(in.phases) > 0 {
		notice := in.phases[len(in.phases)-1]
		in.mu.Unlock()
		in.cancel(&interruptedError{sig: s.(syscall.Signal)})
		fmt.Fprintf(in.stderr, "%s: interrupted: %s (%s stops at once)\n", in.name, notice(), again(s))
		return
	}
	exits := make([]func() string, 0, len(in.exits))
	for _, f := range in.exits {
		exits = append(exits, f)
	}
	in.mu.Unlock()
	var msgs []string
	for _, f := range exits {
		if msg := f(); msg != "" {
			msgs = append(msgs, msg)
		}
	}
	err := &interruptedError{sig: s.(syscall.Signal), msg: strings.Join(msgs, "; ")}
	fmt.Fprintf(in.stderr, "%s: %s\n", in.name, printable(err.Error()))
	in.exitNow(128 + int(s.(syscall.Signal)))
}

// again names the second signal, after s, as users send it.
func again(s os.Signal) string {
	if s == syscall.SIGINT {
		return "Ctrl-C again"
	}
	return "a second signal"
}

// errStopped is what interruptCallback returns to end training.
var errStopped = errors.New("stopped by a signal")

// interruptCallback ends training after the epoch in which a signal came
// (and after the callbacks before it: the checkpoint of that epoch), unless
// that epoch is the last one, and knows what to tell the user.
type interruptCallback struct {
	ckptDir string
	resume  string // the command that resumes the run

	mu     sync.Mutex
	epoch  int // the epoch training
	epochs int
}

// OnTrainBegin implements fashion.TrainBeginner.
func (c *interruptCallback) OnTrainBegin(_ *fashion.Model, info fashion.TrainInfo) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch, c.epochs = info.FirstEpoch, info.Recipe.Epochs
	if sigs.context().Err() != nil {
		return errStopped
	}
	return nil
}

// OnEpochEnd implements fashion.Callback: the callbacks before it, the
// checkpoints among them, have seen the epoch.
func (c *interruptCallback) OnEpochEnd(_ *fashion.Model, log fashion.EpochLog) error {
	c.mu.Lock()
	c.epoch = log.Epoch + 1
	c.mu.Unlock()
	if sigs.context().Err() != nil && log.Epoch < c.epochs {
		return errStopped
	}
	return nil
}

// notice says what the training does at the first signal.
func (c *interruptCallback) notice() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epochs == 0 {
		return "stopping before training"
	}
	kept := "no checkpoint is complete yet"
	if latest, err := savedmodel.LatestCheckpoint(c.ckptDir); err == nil {
		kept = fmt.Sprintf("the checkpoint of epoch %d is kept either way", latest.Epoch)
	}
	return fmt.Sprintf("finishing epoch %d of %d and its checkpoint, then stopping; %s", c.epoch, c.epochs, kept)
}

// left says what an interrupted training leaves, as the checkpoints on
// disk say, and how to resume it.
func (c *interruptCallback) left() string {
	latest, err := savedmodel.LatestCheckpoint(c.ckptDir)
	if err != nil {
		return "no checkpoint is complete: run the command again to start over"
	}
	return fmt.Sprintf("the checkpoint of epoch %d of %d is in %s, and `%s` continues the run",
		latest.Epoch, latest.Recipe.Epochs, c.ckptDir, c.resume)
}
