package fashion

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// Recipe holds the training settings. ArticleRecipe returns the article's.
type Recipe struct {
	// Epochs is the most epochs to train (60); early stopping may end sooner.
	Epochs int `json:"epochs"`
	// BatchSize is the number of images per update (32, Keras' default).
	BatchSize int `json:"batch_size"`
	// Optimizer updates the weights after every batch: SGD in the article
	// (ArticleRecipe's), or any GoMLX optimizer, such as
	// optimizer.Adam().Done(). Fit reports its learning rate when it has a
	// method LearningRateAt(update int64) float64, as SGD has (see
	// Recipe.LearningRateAt). An optimizer with a method Validate() error
	// has its settings checked by Recipe.Validate.
	Optimizer optimizer.Interface `json:"optimizer"`
	// Loss is what training minimises, a GoMLX loss function of the labels
	// (int32 [B, 1]) and the logits; nil is the article's,
	// loss.SparseCategoricalCrossEntropyLogits. Evaluate, and so the
	// validation loss, measures the loss of the recipe the model was
	// trained with. It is code: a saved recipe does not hold it, and a
	// model loaded from disk evaluates with the default.
	Loss loss.LossFn `json:"-"`
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
	// StepsPerExecution is how many updates one call to the backend runs at
	// most, as Keras' steps_per_execution: in a loop in the graph, or
	// unrolled in the graph (at most 8) where the backend cannot compute a
	// gradient inside a loop (the pure-Go backend). Callbacks that follow
	// the steps (StepObserver) hear from Fit after each execution. It
	// changes speed only, not results.
	StepsPerExecution int `json:"steps_per_execution"`
}

// defaultStepsPerExecution is the StepsPerExecution of ArticleRecipe: 64
// updates per execution of the loop in the graph (27 an epoch of the
// article's split, so the progress bar moves), as fast as 256 or a whole
// epoch within the noise of a shared machine (docs/performance.md, "The
// loop in the graph"); unrolled, an execution runs 8 (maxUnrolledSteps).
const defaultStepsPerExecution = 64

// ArticleRecipe returns the article's training settings: SGD with learning
// rate 0.01, decay 1e-6, Nesterov momentum 0.9, batches of 32, up to 60
// epochs, early stopping on the validation loss with patience 3.
func ArticleRecipe() Recipe {
	return Recipe{
		Epochs:            60,
		BatchSize:         32,
		Optimizer:         SGD{LearningRate: 0.01, Decay: 1e-6, Momentum: 0.9, Nesterov: true},
		Loss:              nil, // loss.SparseCategoricalCrossEntropyLogits
		Patience:          3,
		Seed:              1,
		StepsPerExecution: defaultStepsPerExecution,
	}
}

// Validate checks every setting, so that bad options fail before any work:
// counts must be positive and fit the int32 indices of a batch, and the
// optimizer's settings must pass its own Validate method when it has one
// (SGD's numbers must be finite and small enough for the float32
// arithmetic of the training graph). The error is one line, listing every
// problem.
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
	if v, ok := r.Optimizer.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			errs = append(errs, err.Error())
		}
	}
	check(r.Optimizer != nil, "no optimizer")
	check(finite(r.MinDelta) && r.MinDelta >= 0, "min delta must be a number >= 0, got %v", r.MinDelta)
	if len(errs) > 0 {
		return fmt.Errorf("invalid recipe: %s", strings.Join(errs, "; "))
	}
	return nil
}

// maxStepsPerExecution bounds Recipe.StepsPerExecution, whose steps the
// loop in the graph counts in int32.
const maxStepsPerExecution = math.MaxInt32

// lossFn returns the recipe's loss, the article's when none is set.
func (r Recipe) lossFn() loss.LossFn {
	if r.Loss == nil {
		return loss.SparseCategoricalCrossEntropyLogits
	}
	return r.Loss
}

// LearningRateAt returns the learning rate of update number update
// (counting from 0) when the recipe's optimizer says it (it has a method
// LearningRateAt(update int64) float64, as SGD has), else 0.
func (r Recipe) LearningRateAt(update int64) float64 {
	if o, ok := r.Optimizer.(interface{ LearningRateAt(int64) float64 }); ok {
		return o.LearningRateAt(update)
	}
	return 0
}

// MarshalJSON writes the recipe as a saved model records it. Of its
// optimizer it holds an SGD's settings, or, for any other, its name (its Go
// type, %T): an optimizer is code, like the model function.
func (r Recipe) MarshalJSON() ([]byte, error) {
	type fields Recipe // Recipe without this method.
	saved := struct {
		fields
		Optimizer any `json:"optimizer"`
	}{fields(r), r.Optimizer}
	switch r.Optimizer.(type) {
	case nil, SGD, savedOptimizer:
	default:
		saved.Optimizer = savedOptimizer{Name: fmt.Sprintf("%T", r.Optimizer)}
	}
	return json.Marshal(saved)
}

// UnmarshalJSON reads a recipe that a saved model records. Its optimizer
// is an SGD, unless the record names another: then it is a record of that
// optimizer, which prints as its name and cannot train (Validate says to
// give the optimizer again).
func (r *Recipe) UnmarshalJSON(data []byte) error {
	type fields Recipe // Recipe without this method.
	var saved struct {
		fields
		Optimizer json.RawMessage `json:"optimizer"`
	}
	if err := json.Unmarshal(data, &saved); err != nil {
		return err
	}
	*r = Recipe(saved.fields)
	if len(saved.Optimizer) == 0 || string(saved.Optimizer) == "null" {
		return nil
	}
	var named savedOptimizer
	if err := json.Unmarshal(saved.Optimizer, &named); err != nil {
		return fmt.Errorf("recipe: optimizer: %w", err)
	}
	if named.Name != "" { // SGD's record has no name.
		r.Optimizer = named
		return nil
	}
	var o SGD
	if err := json.Unmarshal(saved.Optimizer, &o); err != nil {
		return fmt.Errorf("recipe: optimizer: %w", err)
	}
	r.Optimizer = o
	return nil
}

// savedOptimizer is what a saved recipe holds of an optimizer other than
// SGD: its name. It cannot train (Validate says so).
type savedOptimizer struct {
	Name string `json:"name"`
}

// UpdateGraph implements optimizer.Interface; Fit never calls it, since
// Recipe.Validate refuses the optimizer first.
func (o savedOptimizer) UpdateGraph(*model.Scope, *graph.Graph, *graph.Node) {
	panic(o.Validate())
}

// Clear implements optimizer.Interface: there is no state.
func (o savedOptimizer) Clear(*model.Scope) error { return nil }

// Validate reports that the optimizer cannot train.
func (o savedOptimizer) Validate() error {
	return fmt.Errorf("the optimizer %s is a record of a saved recipe, not the optimizer itself: give it again to train", o.Name)
}

// String returns the optimizer's name.
func (o savedOptimizer) String() string { return o.Name }
