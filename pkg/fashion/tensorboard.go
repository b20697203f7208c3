package fashion

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/tensorboard"
)

// TensorBoard is a Callback that logs training the way Keras' TensorBoard
// callback does, into a run directory that `tensorboard --logdir` reads:
//
//	<run>/train/events.out.tfevents.*       epoch_loss, epoch_accuracy,
//	                                        epoch_learning_rate, weight and
//	                                        bias histograms, the model summary
//	<run>/validation/events.out.tfevents.*  epoch_loss, epoch_accuracy
//
// The step of each value is the epoch number counted from 0, as in Keras.
type TensorBoard struct {
	dir        string
	train, val *tensorboard.Writer
}

// runDirName names a run directory as the article does:
// run_%Y_%m_%d-%H_%M_%S.
func runDirName(t time.Time) string {
	return t.Format("run_2006_01_02-15_04_05")
}

// NewTensorBoard creates a new run directory under root, named after the
// current time (with a suffix if a run of the same second exists).
func NewTensorBoard(root string) (*TensorBoard, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("tensorboard: %w", err)
	}
	name := runDirName(time.Now())
	dir := filepath.Join(root, name)
	for i := 2; ; i++ {
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("tensorboard: %w", err)
		}
		dir = filepath.Join(root, fmt.Sprintf("%s-%d", name, i))
	}
	tb := &TensorBoard{dir: dir}
	var err error
	if tb.train, err = tensorboard.NewWriter(filepath.Join(dir, "train")); err != nil {
		return nil, err
	}
	if tb.val, err = tensorboard.NewWriter(filepath.Join(dir, "validation")); err != nil {
		tb.train.Close()
		return nil, err
	}
	return tb, nil
}

// Dir returns the run directory.
func (tb *TensorBoard) Dir() string { return tb.dir }

// OnTrainBegin implements TrainBeginner: it logs the model summary and the
// initial weights (step 0 of the histograms).
func (tb *TensorBoard) OnTrainBegin(m *Model, info TrainInfo) error {
	if err := tb.train.Text("model_summary", int64(info.FirstEpoch-1), "```\n"+m.Summary()+"\n```"); err != nil {
		return err
	}
	return tb.train.Flush()
}

// OnEpochEnd implements Callback: it logs the epoch's metrics and the
// histograms of every layer's weights and biases, then flushes, so that a
// run stopped later keeps what was logged.
func (tb *TensorBoard) OnEpochEnd(m *Model, e EpochLog) error {
	step := int64(e.Epoch - 1)
	for _, s := range []struct {
		w     *tensorboard.Writer
		tag   string
		value float64
	}{
		{tb.train, "epoch_loss", e.Loss},
		{tb.train, "epoch_accuracy", e.Accuracy},
		{tb.train, "epoch_learning_rate", e.LearningRate},
		{tb.val, "epoch_loss", e.ValLoss},
		{tb.val, "epoch_accuracy", e.ValAccuracy},
	} {
		if err := s.w.Scalar(s.tag, step, s.value); err != nil {
			return err
		}
	}
	for _, v := range m.variables() {
		values, err := variableData(v)
		if err != nil {
			return err
		}
		histogram := make([]float64, len(values))
		for i, x := range values {
			histogram[i] = float64(x)
		}
		if err := tb.train.Histogram(strings.TrimPrefix(v.Path(), "/"), step, histogram); err != nil {
			return err
		}
	}
	if err := tb.train.Flush(); err != nil {
		return err
	}
	return tb.val.Flush()
}

// OnTrainEnd implements TrainEnder: it closes the event files.
func (tb *TensorBoard) OnTrainEnd(*Model, *History) error {
	return tb.Close()
}

// Close closes the event files; it is safe to call more than once.
func (tb *TensorBoard) Close() error {
	return errors.Join(tb.train.Close(), tb.val.Close())
}
