package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// articleTrainImages is the size of the article's training split: the
// implied seconds per epoch are for this many images, whatever the bench
// trained on.
const articleTrainImages = 55_000

// benchReport is what "fashion bench --json" prints. The PyTorch peer
// (bench/torch_bench.py) prints the same fields, so that scripts can put
// the two side by side.
type benchReport struct {
	Framework         string  `json:"framework"`
	Backend           string  `json:"backend"`
	Steps             int     `json:"steps"`
	WarmupSteps       int     `json:"warmup_steps"`
	BatchSize         int     `json:"batch_size"`
	StepsPerExecution int     `json:"steps_per_execution"`
	Seconds           float64 `json:"seconds"`
	CPUSeconds        float64 `json:"cpu_seconds,omitempty"`
	SamplesPerSecond  float64 `json:"samples_per_second"`
	SecondsPerEpoch   float64 `json:"seconds_per_epoch"`
	// Loss and Accuracy are the means over all the run's steps, warm-up
	// included, as the progress bar shows them: a check that it trains.
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
	Data     string  `json:"data"`
	Machine  machine `json:"machine"`
}

// machine describes where a figure was measured.
type machine struct {
	CPU          string `json:"cpu"`
	CPUs         int    `json:"cpus"`
	GOMAXPROCS   int    `json:"gomaxprocs"`
	OS           string `json:"os"`
	Arch         string `json:"arch"`
	Go           string `json:"go"`
	GoExperiment string `json:"goexperiment"`
}

// runBench implements "fashion bench": it trains the article's model with
// the article's recipe for a number of steps after a warm-up (which
// compiles the graph) and reports the speed as users feel it: images per
// second and the seconds an epoch of the 55,000 training images would take.
func runBench(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", stderr)
	var df dataFlags
	var bf backendFlag
	df.register(fs)
	bf.register(fs)
	r := fashion.ArticleRecipe()
	steps := fs.Int("steps", 400, "training steps (batches) to time")
	warmup := fs.Int("warmup", 2*fashion.DefaultStepsPerExecution, "steps run before timing starts (at least one execution: the first compiles the graph)")
	fs.IntVar(&r.StepsPerExecution, "steps-per-execution", r.StepsPerExecution, "updates per call to the backend")
	fs.IntVar(&r.BatchSize, "batch", r.BatchSize, "images per update")
	synthetic := fs.Bool("synthetic", false, "train on random images instead of Fashion-MNIST (same shapes and speed; no data needed)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed steps to this file (go tool pprof)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *steps <= 0 || *warmup < 0 {
		return fmt.Errorf("%w: --steps must be positive and --warmup not negative", errUsage)
	}
	// Checked before the arithmetic below, which they would overflow: no
	// more steps than images fit in the training split.
	if *steps > articleTrainImages || *warmup > articleTrainImages {
		return fmt.Errorf("%w: --steps %d, --warmup %d: each must be at most %d (the training split's images)",
			errUsage, *steps, *warmup, articleTrainImages)
	}
	r.Epochs, r.Patience = 1, -1 // One pass, no validation: only training steps are timed.
	if err := r.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	// Whole executions only: a smaller one at the end would compile a graph
	// of another shape inside the timed part. The first execution, which
	// compiles the graph, is always part of the warm-up.
	k := r.StepsPerExecution
	*steps = (*steps + k - 1) / k * k
	*warmup = max(1, (*warmup+k-1)/k) * k
	r.Limit = (*steps + *warmup) * r.BatchSize

	train, source, err := benchSplit(df, *synthetic, stderr)
	if err != nil {
		return err
	}
	if train.Len() < r.Limit {
		return fmt.Errorf("%w: %d steps of %d need %d images; the training split has %d",
			errUsage, *steps+*warmup, r.BatchSize, r.Limit, train.Len())
	}
	backend, err := bf.open(stderr)
	if err != nil {
		return err
	}
	m, err := fashion.New(backend, fashion.ArticleMLP, r.Seed)
	if err != nil {
		return err
	}
	timer := &stepTimer{warmup: *warmup, profile: *cpuProfile}
	if _, err := m.Fit(train, nil, r, timer); err != nil {
		return err
	}
	if timer.err != nil {
		return timer.err
	}
	seconds := timer.end.Sub(timer.start).Seconds()
	rep := benchReport{
		Framework: "GoMLX", Backend: describe(backend.Name(), backend.Description()),
		Steps: *steps, WarmupSteps: *warmup, BatchSize: r.BatchSize, StepsPerExecution: k,
		Loss: timer.loss, Accuracy: timer.acc,
		Seconds: seconds, CPUSeconds: timer.cpu, SamplesPerSecond: float64(*steps*r.BatchSize) / seconds, Data: source,
		Machine: thisMachine(),
	}
	rep.SecondsPerEpoch = articleTrainImages / rep.SamplesPerSecond
	if *asJSON {
		return writeJSON(stdout, rep)
	}
	printBench(stdout, rep)
	return nil
}

// printBench prints a report for people.
func printBench(w io.Writer, r benchReport) {
	fmt.Fprintf(w, "%s on %s\n", r.Framework, r.Backend)
	fmt.Fprintf(w, "machine: %s, %d CPUs (GOMAXPROCS %d), %s/%s, %s, GOEXPERIMENT=%s\n", r.Machine.CPU, r.Machine.CPUs,
		r.Machine.GOMAXPROCS, r.Machine.OS, r.Machine.Arch, r.Machine.Go, r.Machine.GoExperiment)
	cpu := ""
	if r.CPUSeconds > 0 {
		cpu = fmt.Sprintf(" (%.2fs of CPU)", r.CPUSeconds)
	}
	fmt.Fprintf(w, "%d steps of %d images (%d steps per execution, after %d warm-up steps) in %.2fs%s; data: %s\n",
		r.Steps, r.BatchSize, r.StepsPerExecution, r.WarmupSteps, r.Seconds, cpu, r.Data)
	fmt.Fprintf(w, "mean loss %.4f, accuracy %.4f over the %d steps\n", r.Loss, r.Accuracy, r.Steps+r.WarmupSteps)
	fmt.Fprintf(w, "samples/s: %.0f\n", r.SamplesPerSecond)
	fmt.Fprintf(w, "seconds per epoch: %.2f (%d images)\n", r.SecondsPerEpoch, articleTrainImages)
}

// describe names a backend: its name and, in brackets, its description.
func describe(name, description string) string {
	return fmt.Sprintf("%s (%s)", name, description)
}

// benchSplit returns the images to train on: the real training split, or
// random images of the same shape.
func benchSplit(df dataFlags, synthetic bool, stderr io.Writer) (*fashionmnist.Split, string, error) {
	if !synthetic {
		data, err := df.load(stderr)
		if err != nil {
			return nil, "", fmt.Errorf("%w (or run with --synthetic)", err)
		}
		return data.Train, data.Source, nil
	}
	// As many images as the article's training split, so that the same
	// numbers of steps fit.
	rng := rand.New(rand.NewPCG(1, 2))
	pixels, labels := make([]byte, articleTrainImages*fashionmnist.ImagePixels), make([]byte, articleTrainImages)
	for i := 0; i < len(pixels); i += 8 {
		binary.LittleEndian.PutUint64(pixels[i:], rng.Uint64())
	}
	for i := range labels {
		labels[i] = byte(rng.IntN(fashionmnist.NumClasses))
	}
	s, err := fashionmnist.NewSplit("synthetic", pixels, labels)
	return s, "synthetic", err
}

// stepTimer is a training callback that notes when the warm-up steps are
// done and when the last step is, and profiles the steps in between.
// Fit reports steps after each execution has returned its metrics to the
// host, so the times bound finished work.
type stepTimer struct {
	warmup     int
	profile    string
	start, end time.Time
	cpu        float64 // CPU seconds of the timed steps (0 where unknown)
	loss, acc  float64 // running means of the run
	started    bool
	file       *os.File
	err        error
}

// OnSteps implements fashion.StepObserver.
func (t *stepTimer) OnSteps(_, done, total int, loss, accuracy float64) {
	now := time.Now()
	t.loss, t.acc = loss, accuracy
	if !t.started && done >= t.warmup {
		t.started, t.start = true, now
		t.cpu = -processCPUSeconds()
		if t.profile != "" {
			t.startProfile()
		}
	}
	if done == total {
		t.end = now
		if cpu := processCPUSeconds(); cpu > 0 {
			t.cpu += cpu
		} else {
			t.cpu = 0
		}
		if t.file != nil {
			pprof.StopCPUProfile()
			t.err = errors.Join(t.err, t.file.Close())
		}
	}
}

// startProfile starts the CPU profile of the timed steps.
func (t *stepTimer) startProfile() {
	f, err := os.Create(t.profile)
	if err != nil {
		t.err = err
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		t.err = errors.Join(err, f.Close())
		return
	}
	t.file = f
}

// OnEpochEnd implements fashion.Callback.
func (t *stepTimer) OnEpochEnd(*fashion.Model, fashion.EpochLog) error { return nil }

// thisMachine describes the machine and the build.
func thisMachine() machine {
	m := machine{CPU: cpuModel(), CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		OS: runtime.GOOS, Arch: runtime.GOARCH, Go: runtime.Version(), GoExperiment: "(none)"}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "GOEXPERIMENT" {
				m.GoExperiment = s.Value
			}
		}
	}
	return m
}

// processCPUSeconds returns the CPU time (user and system) this process has
// used, from /proc/self/stat, or 0 where that is not available. On a
// machine shared with other work, CPU time drifts less than wall time.
func processCPUSeconds() float64 {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count fields after its ")".
	i := strings.LastIndexByte(string(stat), ')')
	fields := strings.Fields(string(stat[i+1:]))
	if i < 0 || len(fields) < 13 {
		return 0
	}
	var ticks float64
	for _, f := range fields[11:13] { // utime and stime, fields 14 and 15.
		n, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return 0
		}
		ticks += n
	}
	return ticks / 100 // USER_HZ, 100 on Linux.
}

// cpuModel reads the processor's name from /proc/cpuinfo (Linux), or
// returns the architecture elsewhere.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if key, value, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return runtime.GOARCH
}

// init adds "bench" to the tool's commands (kept here, with the command,
// so that the timing harness is one file).
func init() {
	commands["bench"] = command{"time training steps of the article's recipe: samples/s and seconds per epoch", runBench}
}
