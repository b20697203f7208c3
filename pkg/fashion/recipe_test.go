package fashion

import (
	"math"
	"strings"
	"testing"
)

func TestRecipeValidateBoundsWhatOverflows(t *testing.T) {
	tests := []struct {
		name, want string
		change     func(*Recipe)
	}{
		// Finite float64s that overflow the float32 arithmetic of training.
		{"decay 1e39", "decay must be", func(r *Recipe) { withSGD(r, func(o *SGD) { o.Decay = 1e39 }) }},
		{"learning rate 1e39", "learning rate must be", func(r *Recipe) { withSGD(r, func(o *SGD) { o.LearningRate = 1e39 }) }},
		// 3e38 fits float32, but not times the 1.9 of Nesterov's step.
		{"learning rate 3e38 with Nesterov", "learning rate must be", func(r *Recipe) { withSGD(r, func(o *SGD) { o.LearningRate = 3e38 }) }},
		{"batch size past int32", "batch size must be", func(r *Recipe) { r.BatchSize = math.MaxInt32 + 1 }},
		{"batch size MaxInt", "batch size must be", func(r *Recipe) { r.BatchSize = math.MaxInt }},
		{"steps per execution MaxInt", "steps per execution must be", func(r *Recipe) { r.StepsPerExecution = math.MaxInt }},
	}
	for _, tc := range tests {
		r := ArticleRecipe()
		tc.change(&r)
		err := r.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	r := ArticleRecipe()
	withSGD(&r, func(o *SGD) { o.Decay, o.LearningRate = math.MaxFloat32, 1e30 })
	if err := r.Validate(); err != nil {
		t.Errorf("the largest float32 decay and a learning rate of 1e30 are representable: %v", err)
	}
}

func TestRecipeValidateIsOneLine(t *testing.T) {
	r := ArticleRecipe()
	r.Epochs, r.BatchSize = -1, 0
	withSGD(&r, func(o *SGD) { o.Momentum = 2 })
	err := r.Validate()
	if err == nil || strings.Contains(err.Error(), "\n") || strings.Count(err.Error(), "; ") != 2 {
		t.Errorf("got %q, want the three problems on one line", err)
	}
}

// withSGD changes the settings of a recipe's SGD.
func withSGD(r *Recipe, change func(*SGD)) {
	o := r.Optimizer.(SGD)
	change(&o)
	r.Optimizer = o
}
