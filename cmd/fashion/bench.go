package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/internal/atomicfile"
	"github.com/fashion-gomlx/fashion-gomlx/internal/plainfile"
	"github.com/fashion-gomlx/fashion-gomlx/internal/writepath"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
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
	// Loss and Accuracy are the means over the timed steps (the second
	// pass over the images), as the progress bar shows them: a check that
	// it trains.
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

// benchOptions are the settings of "fashion bench".
type benchOptions struct {
	df         dataFlags
	bf         backendFlag
	r          fashion.Recipe
	steps      int
	synthetic  bool
	asJSON     bool
	cpuProfile string
}

// runBench implements "fashion bench": it trains the article's model with
// the article's recipe on the first --steps batches of the training split
// for two epochs, the first a warm-up (it compiles every graph the second
// runs, and runs the same executions), and reports the second's speed as
// users feel it: images per second and the seconds an epoch of the 55,000
// training images would take.
func runBench(args []string, stdout, stderr io.Writer) error {
	o, err := parseBench(args, stderr)
	if err != nil {
		return err
	}
	if err := checkProfilePath(o.cpuProfile); err != nil {
		return err
	}
	train, source, err := benchSplit(o.df, o.synthetic, stderr)
	if err != nil {
		return err
	}
	if train.Len() < o.r.Limit {
		return fmt.Errorf("%w: %d steps of %d need %d images; the training split has %d",
			errUsage, o.steps, o.r.BatchSize, o.r.Limit, train.Len())
	}
	backend, err := o.bf.open(stderr)
	if err != nil {
		return err
	}
	timer, err := timeTraining(backend, train, o)
	if err != nil {
		return err
	}
	rep := o.report(describe(backend.Name(), backend.Description()), source, timer)
	if o.asJSON {
		return writeJSON(stdout, rep)
	}
	printBench(stdout, rep)
	return nil
}

// parseBench reads the flags of "fashion bench" into the recipe it times:
// two epochs of --steps batches, no validation.
func parseBench(args []string, stderr io.Writer) (benchOptions, error) {
	fs := newFlags("bench", stderr)
	o := benchOptions{r: fashion.ArticleRecipe()}
	o.df.register(fs)
	o.bf.register(fs)
	fs.IntVar(&o.steps, "steps", 400, "training steps (batches) to time, after as many in a warm-up epoch")
	fs.IntVar(&o.r.StepsPerExecution, "steps-per-execution", o.r.StepsPerExecution, "updates per call to the backend")
	fs.IntVar(&o.r.BatchSize, "batch", o.r.BatchSize, "images per update")
	fs.BoolVar(&o.synthetic, "synthetic", false, "train on random images instead of Fashion-MNIST (same shapes and speed; no data needed)")
	fs.BoolVar(&o.asJSON, "json", false, "print one JSON object")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the timed steps to this file (go tool pprof)")
	if err := fs.parse(args); err != nil {
		return o, err
	}
	// Checked before the arithmetic below, which they would overflow: no
	// more steps than images fit in the training split.
	if o.steps <= 0 || o.steps > articleTrainImages {
		return o, fmt.Errorf("%w: --steps %d: must be in [1, %d] (the training split's images)", errUsage, o.steps, articleTrainImages)
	}
	// Two passes over the same images, no validation: only training steps
	// are timed, and the first pass is the warm-up.
	o.r.Epochs, o.r.Patience = 2, -1
	if err := o.r.Validate(); err != nil {
		return o, fmt.Errorf("%w: %v", errUsage, err)
	}
	o.r.Limit = o.steps * o.r.BatchSize
	return o, nil
}

// timeTraining trains a fresh model as the options say and returns the
// timer of its second epoch.
func timeTraining(backend compute.Backend, train *fashionmnist.Split, o benchOptions) (*stepTimer, error) {
	m, err := fashion.New(backend, fashion.ArticleMLP, o.r.Seed)
	if err != nil {
		return nil, err
	}
	timer := &stepTimer{profile: o.cpuProfile}
	if _, err := m.Fit(train, nil, o.r, timer); err != nil {
		return nil, err
	}
	if timer.err == nil && o.cpuProfile != "" {
		timer.err = atomicfile.WriteFile(o.cpuProfile, timer.recorded.Bytes(), 0o666)
	}
	return timer, timer.err
}

// checkProfilePath finds, before any work, the problems of --cpuprofile's
// path: a name too long (a usage error), a directory that does not exist or
// where nothing can be written, a directory or a special file in its place.
func checkProfilePath(path string) error {
	if path == "" {
		return nil
	}
	if err := writepath.CheckNames(path, 32); err != nil { // and a temporary name beside it
		return fmt.Errorf("%w: --cpuprofile: %v", errUsage, err)
	}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("--cpuprofile %s is %s, not a file", path, plainfile.Kind(st.Mode()))
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("--cpuprofile %s: the directory %s does not exist", path, dir)
	}
	if err := writepath.Probe(dir); err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	return nil
}

// report returns what the bench measured.
func (o benchOptions) report(backend, source string, timer *stepTimer) benchReport {
	seconds := timer.end.Sub(timer.start).Seconds()
	rep := benchReport{
		Framework: "GoMLX", Backend: backend,
		Steps: o.steps, WarmupSteps: o.steps, BatchSize: o.r.BatchSize, StepsPerExecution: o.r.StepsPerExecution,
		Loss: timer.loss, Accuracy: timer.acc,
		Seconds: seconds, CPUSeconds: timer.cpu, SamplesPerSecond: float64(o.steps*o.r.BatchSize) / seconds, Data: source,
		Machine: thisMachine(),
	}
	rep.SecondsPerEpoch = articleTrainImages / rep.SamplesPerSecond
	return rep
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
	fmt.Fprintf(w, "mean loss %.4f, accuracy %.4f over the %d timed steps\n", r.Loss, r.Accuracy, r.Steps)
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

// stepTimer is a training callback that times the second epoch (the
// first is the warm-up) and profiles it. Fit reports steps after each
// execution has returned its metrics to the host, so the times bound
// finished work.
type stepTimer struct {
	profile    string
	start, end time.Time
	cpu        float64 // CPU seconds of the timed steps (0 where unknown)
	loss, acc  float64 // running means of the timed epoch
	// recorded holds the profile while it runs (pprof ignores the errors
	// of its writes: a full disk left a 0-byte profile and exit status 0);
	// it is written to the file afterwards, atomically, errors checked.
	recorded  bytes.Buffer
	profiling bool
	err       error
}

// OnSteps implements fashion.StepObserver.
func (t *stepTimer) OnSteps(epoch, done, total int, loss, accuracy float64) {
	if done < total {
		return
	}
	now := time.Now()
	switch epoch {
	case 1: // The warm-up is over.
		t.start = now
		t.cpu = -processCPUSeconds()
		if t.profile != "" {
			t.startProfile()
		}
	case 2:
		t.end, t.loss, t.acc = now, loss, accuracy
		if cpu := processCPUSeconds(); cpu > 0 {
			t.cpu += cpu
		} else {
			t.cpu = 0
		}
		if t.profiling {
			pprof.StopCPUProfile()
			t.profiling = false
		}
	}
}

// startProfile starts the CPU profile of the timed steps.
func (t *stepTimer) startProfile() {
	if err := pprof.StartCPUProfile(&t.recorded); err != nil {
		t.err = err
		return
	}
	t.profiling = true
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
