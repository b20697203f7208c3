package fashion

import (
	"errors"
	"fmt"
	"io"

	"github.com/fashion-gomlx/fashion-gomlx/internal/progress"
)

// Callback observes training, as Keras' callbacks do. Fit calls OnEpochEnd
// after each epoch's validation; returning ErrStopTraining ends training
// after that epoch, any other error aborts it. A callback may also implement
// TrainBeginner, StepObserver and TrainEnder.
type Callback interface {
	OnEpochEnd(m *Model, log EpochLog) error
}

// ErrStopTraining, returned by a callback, ends training cleanly.
var ErrStopTraining = errors.New("stop training")

// TrainInfo describes a training run to callbacks when it begins.
type TrainInfo struct {
	Recipe Recipe
	// Samples is the number of training images; StepsPerEpoch the number of
	// updates of one epoch (the last batch may be smaller).
	Samples, StepsPerEpoch int
	// FirstEpoch is the epoch training starts at (from 1; larger when a run
	// resumes).
	FirstEpoch int
}

// TrainBeginner is a Callback that wants to know when training begins.
type TrainBeginner interface {
	OnTrainBegin(m *Model, info TrainInfo) error
}

// StepObserver is a Callback that follows the steps of an epoch. Fit calls
// it after every execution (StepsPerExecution updates), with the running
// means of the epoch's loss and accuracy.
type StepObserver interface {
	OnSteps(epoch, done, total int, loss, accuracy float64)
}

// TrainEnder is a Callback that wants the final history.
type TrainEnder interface {
	OnTrainEnd(m *Model, h *History) error
}

// EarlyStopping is a Callback that stops training, as Keras' EarlyStopping
// monitoring val_loss in "min" mode: an epoch improves when its validation
// loss is below the best so far by more than MinDelta (an equal loss is no
// improvement); training stops after Patience epochs in a row without
// improvement. Fit makes one from the recipe (Recipe.Patience and
// MinDelta), whose best epoch is the History's BestEpoch and the one whose
// weights Recipe.RestoreBestWeights puts back; one given to Fit among the
// callbacks stops training by its own settings.
type EarlyStopping struct {
	// Patience is how many epochs without improvement end training; a
	// negative patience never ends it.
	Patience int
	// MinDelta is the least decrease of the loss that counts as an
	// improvement.
	MinDelta float64

	// Best is the lowest loss seen, at epoch BestEpoch (0 before any).
	Best      float64 `json:"best"`
	BestEpoch int     `json:"best_epoch"`
	// Wait counts the epochs since the last improvement.
	Wait int `json:"wait"`
}

var _ Callback = (*EarlyStopping)(nil)

// OnEpochEnd implements Callback: it records the epoch's validation loss
// and returns ErrStopTraining when the patience has run out.
func (e *EarlyStopping) OnEpochEnd(_ *Model, log EpochLog) error {
	if e.update(log.Epoch, log.ValLoss) {
		return ErrStopTraining
	}
	return nil
}

// update records an epoch's validation loss and reports whether training
// should stop now. The epoch improved when it is BestEpoch afterwards.
func (e *EarlyStopping) update(epoch int, loss float64) (stop bool) {
	if e.BestEpoch == 0 || loss < e.Best-e.MinDelta {
		e.Best, e.BestEpoch, e.Wait = loss, epoch, 0
		return false
	}
	e.Wait++
	return e.Patience >= 0 && e.Wait >= e.Patience
}

// progressPrinter is the callback NewProgress returns.
type progressPrinter struct {
	w      io.Writer
	epochs int
	bar    *progress.Bar
	tty    bool
}

// NewProgress returns a callback that prints training progress to w, the
// way Keras' verbose=1 does: on a terminal a bar per epoch with the running
// loss and accuracy, and for every epoch one summary line (only these lines
// when w is not a terminal, so that logs and notebooks stay short).
func NewProgress(w io.Writer) Callback {
	return &progressPrinter{w: w, tty: progress.IsTerminal(w)}
}

// OnTrainBegin implements TrainBeginner.
func (p *progressPrinter) OnTrainBegin(_ *Model, info TrainInfo) error {
	p.epochs = info.Recipe.Epochs
	return nil
}

// OnSteps implements StepObserver.
func (p *progressPrinter) OnSteps(epoch, done, total int, loss, accuracy float64) {
	if !p.tty {
		return
	}
	if p.bar == nil {
		p.bar = progress.New(p.w, fmt.Sprintf("Epoch %d/%d", epoch, p.epochs), int64(total), nil)
	}
	p.bar.Set(int64(done), fmt.Sprintf("loss: %.4f - accuracy: %.4f", loss, accuracy))
}

// OnEpochEnd implements Callback.
func (p *progressPrinter) OnEpochEnd(_ *Model, e EpochLog) error {
	if p.bar != nil {
		p.bar.Done("")
		p.bar = nil
	}
	fmt.Fprintln(p.w, formatEpoch(e, p.epochs))
	return nil
}

// formatEpoch renders an epoch's metrics as Keras prints them.
func formatEpoch(e EpochLog, epochs int) string {
	return fmt.Sprintf("Epoch %d/%d - %.1fs - loss: %.4f - accuracy: %.4f - val_loss: %.4f - val_accuracy: %.4f - lr: %.6f",
		e.Epoch, epochs, e.Seconds, e.Loss, e.Accuracy, e.ValLoss, e.ValAccuracy, e.LearningRate)
}
