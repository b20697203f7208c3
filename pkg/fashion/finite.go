package fashion

import (
	"errors"
	"fmt"
	"math"
)

// ErrDiverged is returned by Fit when the loss stops being a finite
// number: the weights have overflowed, and nothing more can be learned.
var ErrDiverged = errors.New("training diverged")

// checkFiniteLoss stops training, with an error saying what happened and
// what to change, once an epoch's training or validation loss is NaN or
// infinite. Fit calls it before the epoch's callbacks, so that no
// checkpoint holds the broken weights.
func checkFiniteLoss(e EpochLog, r Recipe) error {
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	which, value := "training", e.Loss
	if !bad(value) {
		which, value = "validation", e.ValLoss
	}
	if !bad(value) {
		return nil
	}
	advice := "try a lower learning rate"
	if rate := r.LearningRateAt(0); rate != 0 {
		advice += fmt.Sprintf(" (this run's is %g; the article's is %g)", rate, ArticleRecipe().LearningRateAt(0))
	}
	return fmt.Errorf("fit: epoch %d: the %s loss became %v: %w; %s", e.Epoch, which, value, ErrDiverged, advice)
}
