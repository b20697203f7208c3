//go:build unix

package fashion

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/internal/backend"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// BenchmarkTrainingStep times one training step of the article's model and
// recipe (batches of 32) two ways, on the pure-Go backend: Fit's loop, and
// GoMLX's own train.Trainer and train.Loop with the same model function,
// loss and optimizer, fed by Batches. Run it with a fixed number of
// steps, alternating the two (cpu-ns/op is the process's CPU time per step,
// steadier than wall time on a shared machine):
//
//	go test ./pkg/fashion -run '^$' -bench TrainingStep -benchtime 800x -count 4
func BenchmarkTrainingStep(b *testing.B) {
	r := ArticleRecipe()
	r.Epochs, r.Patience = 1, -1
	b.Run("Fit", func(b *testing.B) { benchmarkFit(b, newTestModel(b), r) })
	b.Run("TrainerLoop", func(b *testing.B) {
		split := syntheticSplit(b, "train", wholeExecutions(b.N, r)*r.BatchSize, 1)
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
		if _, err := loop.RunSteps(batches, wholeExecutions(b.N, r)); err != nil {
			b.Fatal(err)
		}
		cpu.stop()
	})
}

// BenchmarkGraphRules times Fit's training step with each choice of the
// graph rules (rulesOf: Dense's gradient rule, the order of SGD's update) on
// the backend $FASHION_TEST_BACKEND names (e.g.
// xla:/path/to/pjrt_c_api_cpu_plugin.so), else on the pure-Go backend:
//
//	FASHION_TEST_BACKEND=xla:$PWD/bench/.venv/pjrt/pjrt_c_api_cpu_plugin.so \
//	  go test ./pkg/fashion -run '^$' -bench GraphRules -benchtime 1718x -count 3
func BenchmarkGraphRules(b *testing.B) {
	on := testBackend()
	if config := os.Getenv("FASHION_TEST_BACKEND"); config != "" {
		var err error
		if on, _, err = backend.NewBackend(config); err != nil {
			b.Fatal(err)
		}
	}
	r := ArticleRecipe()
	r.Epochs, r.Patience = 1, -1
	for _, rules := range []graphRules{{}, {denseGradient: true}, {reorderedSGD: true}, {denseGradient: true, reorderedSGD: true}} {
		name := fmt.Sprintf("denseGradient=%t/reorderedSGD=%t", rules.denseGradient, rules.reorderedSGD)
		b.Run(name, func(b *testing.B) {
			m, err := New(on, ArticleMLP, 1)
			if err != nil {
				b.Fatal(err)
			}
			m.store.RootScope().SetParam(rulesParam, rules)
			benchmarkFit(b, m, r)
		})
	}
}

// benchmarkFit times b.N training steps of m.Fit with recipe r (rounded up
// to whole executions of r.StepsPerExecution steps, as fashion bench times
// them), after one execution that builds and compiles the graph.
func benchmarkFit(b *testing.B, m *Model, r Recipe) {
	split := syntheticSplit(b, "train", wholeExecutions(b.N, r)*r.BatchSize, 1)
	warm := r
	warm.Limit = r.StepsPerExecution * r.BatchSize
	if _, err := m.Fit(split, nil, warm); err != nil {
		b.Fatal(err)
	}
	run := r
	run.Limit = wholeExecutions(b.N, r) * r.BatchSize
	cpu := startCPUTimer(b)
	if _, err := m.Fit(split, nil, run); err != nil {
		b.Fatal(err)
	}
	cpu.stop()
}

// wholeExecutions rounds n steps up to whole executions of r's steps.
func wholeExecutions(n int, r Recipe) int {
	k := r.StepsPerExecution
	return (n + k - 1) / k * k
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
