//go:build unix

package fashion

import (
	"syscall"
	"testing"
	"time"

	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// BenchmarkTrainingStep times one training step of the article's model and
// recipe (batches of 32) two ways, on the pure-Go backend: Fit's loop, and
// GoMLX's own train.Trainer and train.Loop with the same model function,
// loss and optimizer, fed by Split.Batches. Run it with a fixed number of
// steps, alternating the two (cpu-ns/op is the process's CPU time per step,
// steadier than wall time on a shared machine):
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
		cpu := startCPUTimer(b)
		if _, err := m.Fit(split, nil, run); err != nil {
			b.Fatal(err)
		}
		cpu.stop()
	})
	b.Run("TrainerLoop", func(b *testing.B) {
		split := syntheticSplit(b, "train", steps(b.N)*r.BatchSize, 1)
		m := newTestModel(b)
		trainer := train.NewTrainer(m.backend, m.store, m.logits, loss.SparseCategoricalCrossEntropyLogits, r.Optimizer, nil, nil)
		loop := train.NewLoop(trainer)
		batches, err := NewBatches(split, r.BatchSize, true, r.Seed)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := loop.RunSteps(batches, r.StepsPerExecution); err != nil { // Compiles the graph.
			b.Fatal(err)
		}
		cpu := startCPUTimer(b)
		if _, err := loop.RunSteps(batches, steps(b.N)); err != nil {
			b.Fatal(err)
		}
		cpu.stop()
	})
}

// cpuTimer reports a benchmark's process CPU time (user and system) per
// operation, as the metric cpu-ns/op.
type cpuTimer struct {
	b     *testing.B
	start time.Duration
}

// startCPUTimer resets the benchmark's timer and starts counting CPU time.
func startCPUTimer(b *testing.B) *cpuTimer {
	b.ResetTimer()
	return &cpuTimer{b: b, start: processCPU(b)}
}

// stop reports the CPU time since startCPUTimer.
func (c *cpuTimer) stop() {
	c.b.StopTimer()
	c.b.ReportMetric(float64(processCPU(c.b)-c.start)/float64(c.b.N), "cpu-ns/op")
}

// processCPU returns the CPU time the process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
