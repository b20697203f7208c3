package fashion

import "fmt"

// EpochLog holds what one epoch measured, named as in Keras' History.
type EpochLog struct {
	// Epoch counts from 1.
	Epoch int `json:"epoch"`
	// Loss and Accuracy are the training metrics, averaged over the epoch's
	// images while the weights changed (as Keras reports them). The loss is
	// what training minimised: the recipe's, plus the terms the model
	// function added (train.AddRegularizationLoss).
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
	// ValLoss and ValAccuracy are measured on the validation split after
	// the epoch (Evaluate).
	ValLoss     float64 `json:"val_loss"`
	ValAccuracy float64 `json:"val_accuracy"`
	// LearningRate is the learning rate of the epoch's last update (decayed,
	// with SGD), or 0 when the optimizer does not say it (see
	// Recipe.LearningRateAt).
	LearningRate float64 `json:"learning_rate"`
	// Seconds is the epoch's wall time, validation included.
	Seconds float64 `json:"seconds"`
}

// History is the record of a training run.
type History struct {
	// Epochs holds one entry per epoch trained, in order.
	Epochs []EpochLog `json:"epochs"`
	// BestEpoch is the epoch with the lowest validation loss (from 1; 0 when
	// there was no validation).
	BestEpoch int `json:"best_epoch"`
	// StoppedEarly is true when early stopping ended training.
	StoppedEarly bool `json:"stopped_early"`
	// RestoredBest is true when the best epoch's weights were put back.
	RestoredBest bool `json:"restored_best"`
	// Run identifies the run and the images it trained on (see RunInfo).
	Run *RunInfo `json:"run,omitempty"`
}

// Last returns the last epoch's log (the zero value for an empty history).
func (h *History) Last() EpochLog {
	if len(h.Epochs) == 0 {
		return EpochLog{}
	}
	return h.Epochs[len(h.Epochs)-1]
}

// Metric returns the per-epoch values of a metric named as in Keras ("loss",
// "accuracy", "val_loss", "val_accuracy", "learning_rate", "seconds").
func (h *History) Metric(metric string) ([]float64, error) {
	get := map[string]func(EpochLog) float64{
		"loss":          func(e EpochLog) float64 { return e.Loss },
		"accuracy":      func(e EpochLog) float64 { return e.Accuracy },
		"val_loss":      func(e EpochLog) float64 { return e.ValLoss },
		"val_accuracy":  func(e EpochLog) float64 { return e.ValAccuracy },
		"learning_rate": func(e EpochLog) float64 { return e.LearningRate },
		"seconds":       func(e EpochLog) float64 { return e.Seconds },
	}[metric]
	if get == nil {
		return nil, fmt.Errorf("history: unknown metric %q", metric)
	}
	out := make([]float64, len(h.Epochs))
	for i, e := range h.Epochs {
		out[i] = get(e)
	}
	return out, nil
}
