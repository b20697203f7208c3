package fashion

import (
	"fmt"
	"math"
	"strings"
)

// Recipe holds the training settings. ArticleRecipe returns the article's.
type Recipe struct {
	// Epochs is the most epochs to train (60); early stopping may end sooner.
	Epochs int `json:"epochs"`
	// BatchSize is the number of images per update (32, Keras' default).
	BatchSize int `json:"batch_size"`
	// Optimizer holds the SGD settings.
	Optimizer SGD `json:"optimizer"`
	// Patience is how many epochs without a lower validation loss early
	// stopping waits (3). A negative value turns early stopping off.
	Patience int `json:"patience"`
	// MinDelta is the least decrease of the validation loss that counts as
	// an improvement (0).
	MinDelta float64 `json:"min_delta"`
	// RestoreBestWeights puts back, at the end, the weights of the epoch with
	// the lowest validation loss (off, as in Keras).
	RestoreBestWeights bool `json:"restore_best_weights"`
	// Limit, when positive, trains on the first Limit images of the
	// training split only, for quick trials (0: all of them).
	Limit int `json:"limit,omitempty"`
	// Seed draws the initial weights and each epoch's shuffling.
	Seed uint64 `json:"seed"`
	// StepsPerExecution is how many updates one call to the backend runs, as
	// Keras' steps_per_execution. It changes speed only, not results.
	StepsPerExecution int `json:"steps_per_execution"`
}

// DefaultStepsPerExecution is the StepsPerExecution of ArticleRecipe.
const DefaultStepsPerExecution = 8

// ArticleRecipe returns the article's training settings: SGD with learning
// rate 0.01, decay 1e-6, Nesterov momentum 0.9, batches of 32, up to 60
// epochs, early stopping on the validation loss with patience 3.
func ArticleRecipe() Recipe {
	return Recipe{
		Epochs:            60,
		BatchSize:         32,
		Optimizer:         SGD{LearningRate: 0.01, Decay: 1e-6, Momentum: 0.9, Nesterov: true},
		Patience:          3,
		Seed:              1,
		StepsPerExecution: DefaultStepsPerExecution,
	}
}

// Validate checks every setting, so that bad options fail before any work:
// counts must be positive and fit the int32 indices of a batch, and the
// optimizer's numbers must be finite and small enough for the float32
// arithmetic of the training graph (a decay of 1e39 is a finite float64
// but overflows float32). The error is one line, listing every problem.
func (r Recipe) Validate() error {
	var errs []string
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Sprintf(format, args...))
		}
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	check(r.Epochs > 0, "epochs must be positive, got %d", r.Epochs)
	check(r.BatchSize > 0 && r.BatchSize <= math.MaxInt32, "batch size must be in [1, %d], got %d", math.MaxInt32, r.BatchSize)
	check(r.Limit >= 0, "limit must be >= 0, got %d", r.Limit)
	check(r.StepsPerExecution > 0 && r.StepsPerExecution <= maxStepsPerExecution,
		"steps per execution must be in [1, %d], got %d", maxStepsPerExecution, r.StepsPerExecution)
	o := r.Optimizer
	check(finite(o.LearningRate) && o.LearningRate > 0 && o.LearningRate*o.stepScale() <= math.MaxFloat32,
		"learning rate must be a positive number below %.3g, got %v", math.MaxFloat32/o.stepScale(), o.LearningRate)
	check(finite(o.Decay) && o.Decay >= 0 && o.Decay <= math.MaxFloat32,
		"decay must be a number in [0, %.3g] (float32), got %v", math.MaxFloat32, o.Decay)
	check(finite(o.Momentum) && o.Momentum >= 0 && o.Momentum < 1, "momentum must be in [0, 1), got %v", o.Momentum)
	check(finite(r.MinDelta) && r.MinDelta >= 0, "min delta must be a number >= 0, got %v", r.MinDelta)
	if len(errs) > 0 {
		return fmt.Errorf("invalid recipe: %s", strings.Join(errs, "; "))
	}
	return nil
}

// maxStepsPerExecution bounds Recipe.StepsPerExecution: each step is
// unrolled in the training graph, and a graph of thousands of steps takes
// long to compile for no gain in speed.
const maxStepsPerExecution = 1024
