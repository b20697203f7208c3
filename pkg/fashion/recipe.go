package fashion

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/gomlx/gomlx/ml/train/loss"
)

// Recipe holds the training settings. ArticleRecipe returns the article's.
type Recipe struct {
	// Epochs is the most epochs to train (60); early stopping may end sooner.
	Epochs int `json:"epochs"`
	// BatchSize is the number of images per update (32, Keras' default).
	BatchSize int `json:"batch_size"`
	// Optimizer updates the weights after every batch: SGD in the article
	// (ArticleRecipe's), or any other Optimizer, such as GoMLX's Adam in a
	// GoMLXOptimizer.
	Optimizer Optimizer `json:"optimizer"`
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
		Loss:              nil, // loss.SparseCategoricalCrossEntropyLogits
		Patience:          3,
		Seed:              1,
		StepsPerExecution: DefaultStepsPerExecution,
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

// maxStepsPerExecution bounds Recipe.StepsPerExecution: each step is
// unrolled in the training graph, and a graph of thousands of steps takes
// long to compile for no gain in speed.
const maxStepsPerExecution = 1024

// lossFn returns the recipe's loss, the article's when none is set.
func (r Recipe) lossFn() loss.LossFn {
	if r.Loss == nil {
		return loss.SparseCategoricalCrossEntropyLogits
	}
	return r.Loss
}

// UnmarshalJSON reads a recipe that a saved model records. Its optimizer
// is an SGD, unless the record names another (see GoMLXOptimizer).
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
	var named struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(saved.Optimizer, &named); err != nil {
		return fmt.Errorf("recipe: optimizer: %w", err)
	}
	if named.Name == "" { // SGD's record has no name
		var o SGD
		if err := json.Unmarshal(saved.Optimizer, &o); err != nil {
			return fmt.Errorf("recipe: optimizer: %w", err)
		}
		r.Optimizer = o
		return nil
	}
	var o GoMLXOptimizer
	if err := json.Unmarshal(saved.Optimizer, &o); err != nil {
		return fmt.Errorf("recipe: optimizer %q: %w", named.Name, err)
	}
	r.Optimizer = o
	return nil
}
