package fashion

import (
	"testing"

	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// BenchmarkTrainingStep times one training step of the article's model and
// recipe (batches of 32) two ways, on the pure-Go backend: Fit's loop, and
// GoMLX's own train.Trainer and train.Loop with the same model function,
// loss and optimizer, fed by Split.Batches. Run it with a fixed number of
// steps, alternating the two:
//
//	go test ./pkg/fashion -run '^$' -bench TrainingStep -benchtime 800x -count 4
func BenchmarkTrainingStep(b *testing.B) {
	r := ArticleRecipe()
	r.Epochs, r.Patience = 1, -1
	steps := func(n int) int { // Whole executions of K steps, as fashion bench times them.
		k := r.StepsPerExecution
		return (n + k - 1) / k * k
	}
	b.Run("Fit", func(b *testing.B) {
		split := syntheticSplit(b, "train", steps(b.N)*r.BatchSize, 1)
		m := newTestModel(b)
		warm := r
		warm.Limit = r.StepsPerExecution * r.BatchSize // Builds and compiles the graph once.
		if _, err := m.Fit(split, nil, warm); err != nil {
			b.Fatal(err)
		}
		run := r
		run.Limit = steps(b.N) * r.BatchSize
		b.ResetTimer()
		if _, err := m.Fit(split, nil, run); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("TrainerLoop", func(b *testing.B) {
		split := syntheticSplit(b, "train", steps(b.N)*r.BatchSize, 1)
		m := newTestModel(b)
		trainer := train.NewTrainer(m.backend, m.store, m.logits, loss.SparseCategoricalCrossEntropyLogits, r.Optimizer, nil, nil)
		loop := train.NewLoop(trainer)
		batches, err := split.Batches(r.BatchSize, true, r.Seed)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := loop.RunSteps(batches, r.StepsPerExecution); err != nil { // Compiles the graph.
			b.Fatal(err)
		}
		b.ResetTimer()
		if _, err := loop.RunSteps(batches, steps(b.N)); err != nil {
			b.Fatal(err)
		}
	})
}
