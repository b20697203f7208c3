package fashion

import (
	"errors"
	"math"
	"testing"
)

func TestCheckFiniteLoss(t *testing.T) {
	r := ArticleRecipe()
	if err := checkFiniteLoss(EpochLog{Epoch: 3, Loss: 0.5, ValLoss: 0.6}, r); err != nil {
		t.Errorf("finite losses: %v", err)
	}
	for _, e := range []EpochLog{{Loss: math.NaN(), ValLoss: 1}, {Loss: 1, ValLoss: math.Inf(1)}} {
		if err := checkFiniteLoss(e, r); !errors.Is(err, ErrDiverged) {
			t.Errorf("%+v: %v", e, err)
		}
	}
}
