package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fashion-gomlx/fashion-gomlx/internal/backend"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
	"github.com/gomlx/compute"
)

// backendFlag selects the compute backend.
type backendFlag struct{ config string }

// register adds --backend to fs.
func (b *backendFlag) register(fs *flagSet) {
	fs.StringVar(&b.config, "backend", "", `GoMLX backend, e.g. "go", "xla:cpu" (default: $GOMLX_BACKEND, else XLA if its plugin is available, else go)`)
}

// open creates the backend and prints one line naming it on stderr.
func (b *backendFlag) open(stderr io.Writer) (compute.Backend, error) {
	chosen, line, err := backend.NewBackend(b.config)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(stderr, line)
	return chosen, nil
}

// runSummary implements "fashion summary".
func runSummary(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("summary", stderr)
	var bf backendFlag
	bf.register(fs)
	modelDir := fs.String("model", "", "summarise a saved model instead of a fresh one")
	if err := fs.parse(args); err != nil {
		return err
	}
	backend, err := bf.open(stderr)
	if err != nil {
		return err
	}
	var m *fashion.Model
	if *modelDir != "" {
		m, err = savedmodel.Load(backend, *modelDir, nil)
	} else {
		m, err = fashion.New(backend, fashion.ArticleMLP, 1)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, m.Summary())
	return nil
}

// recipeFlags are the flags of "fashion train" that shape the run; a
// resumed run keeps what it was started with, so they are refused with
// --resume.
var recipeFlags = map[string]bool{
	"epochs": true, "batch": true, "lr": true, "decay": true, "momentum": true, "nesterov": true, "patience": true,
	"restore-best": true, "seed": true, "steps-per-execution": true, "limit": true, "include-validation": true,
}

// trainOptions are the settings of "fashion train", from its command line.
type trainOptions struct {
	recipe    fashion.Recipe
	data      dataFlags
	backend   backendFlag
	out       string // the model's directory
	logdir    string // root of the TensorBoard logs; "" for none
	ckptDir   string // the checkpoints' directory
	ckptGiven string // --checkpoints ("" for the default)
	resume    bool
	allImages bool     // train on the whole training file
	args      []string // the command line, for the hint of an interrupted run
}

// runTrain implements "fashion train": it reads the command line, checks
// every directory the run writes and takes their locks before any work,
// trains (or resumes), and saves. SIGINT (Ctrl-C) or SIGTERM makes it end
// after the epoch it is training and that epoch's checkpoint, and say how
// to resume (see interrupts).
func runTrain(args []string, stdout, stderr io.Writer) error {
	opts, err := parseTrain(args, stderr)
	if err != nil {
		return err
	}
	paths := newRunPaths(opts.out, opts.ckptGiven, opts.logdir)
	if err := paths.check(); err != nil {
		return err
	}
	lock, err := paths.lock()
	if err != nil {
		return err
	}
	defer lock.release()
	stop := &interruptCallback{ckptDir: opts.ckptDir, resume: opts.resumeCommand()}
	defer sigs.stopCleanly(stop.notice)()
	defer sigs.atExit(func() string { lock.release(); return stop.left() })()
	resumed, err := opts.resumeFrom()
	if err != nil {
		return err
	}
	// A signal while the backend starts or the data loads stops there.
	orInterrupted := func(err error) error {
		if err != nil {
			return err
		}
		return sigs.interrupted(stop.left())
	}
	backend, err := opts.backend.open(stderr)
	if err := orInterrupted(err); err != nil {
		return err
	}
	data, err := opts.data.load(stderr)
	if err := orInterrupted(err); err != nil {
		return err
	}
	train, err := opts.trainSplit(data, resumed)
	if err != nil {
		return err
	}
	callbacks, closeLogs, err := opts.callbacks(stdout, savedmodel.NewCheckpoints(opts.ckptDir, 2))
	if err != nil {
		return err
	}
	defer closeLogs()
	start := time.Now()
	m, h, err := opts.fit(backend, train, data.Validation, resumed != nil, append(callbacks, stop), stdout)
	if errors.Is(err, errStopped) {
		return sigs.interrupted(stop.left())
	}
	if err != nil {
		return err
	}
	if h.StoppedEarly {
		fmt.Fprintf(stdout, "Early stopping after epoch %d: no lower validation loss since epoch %d\n", h.Last().Epoch, h.BestEpoch)
	}
	if h.RestoredBest {
		fmt.Fprintf(stdout, "Restored the weights of epoch %d\n", h.BestEpoch)
	}
	if err := savedmodel.Save(m, opts.out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Trained %d epochs (%s in this run); model saved to %s\n", len(h.Epochs), time.Since(start).Round(time.Second), printable(opts.out))
	return nil
}

// parseTrain reads the command line of "fashion train" and refuses, as a
// wrong command line, bad settings and a --resume that would change the
// run.
func parseTrain(args []string, stderr io.Writer) (*trainOptions, error) {
	fs := newFlags("train", stderr)
	opts := &trainOptions{recipe: fashion.ArticleRecipe()}
	opts.data.register(fs)
	opts.backend.register(fs)
	r := &opts.recipe
	sgd := r.Optimizer.(fashion.SGD)
	fs.IntVar(&r.Epochs, "epochs", r.Epochs, "most epochs to train (early stopping may end sooner)")
	fs.IntVar(&r.BatchSize, "batch", r.BatchSize, "images per update")
	fs.Float64Var(&sgd.LearningRate, "lr", sgd.LearningRate, "learning rate before decay")
	fs.Float64Var(&sgd.Decay, "decay", sgd.Decay, "time-based learning-rate decay per update")
	fs.Float64Var(&sgd.Momentum, "momentum", sgd.Momentum, "momentum")
	fs.BoolVar(&sgd.Nesterov, "nesterov", sgd.Nesterov, "use Nesterov momentum")
	fs.IntVar(&r.Patience, "patience", r.Patience, "epochs without a lower validation loss before stopping (negative: never stop early)")
	fs.BoolVar(&r.RestoreBestWeights, "restore-best", r.RestoreBestWeights, "end with the weights of the epoch with the lowest validation loss")
	fs.Uint64Var(&r.Seed, "seed", r.Seed, "seed of the initial weights and of the shuffling")
	fs.IntVar(&r.StepsPerExecution, "steps-per-execution", r.StepsPerExecution, "updates per call to the backend (speed only)")
	fs.IntVar(&r.Limit, "limit", 0, "train on the first N training images only, for quick trials (0: all)")
	fs.StringVar(&opts.out, "out", "models/latest", "directory to save the trained model in")
	fs.StringVar(&opts.logdir, "logdir", "runs", `root of the TensorBoard logs: each run writes run_%Y_%m_%d-%H_%M_%S there ("" turns logging off)`)
	fs.StringVar(&opts.ckptDir, "checkpoints", "", "directory of the per-epoch checkpoints (default: the --out directory with .checkpoints appended)")
	fs.BoolVar(&opts.resume, "resume", false, "resume the run of --checkpoints from its last complete epoch, as it was started (recipe, images, backend)")
	fs.BoolVar(&opts.allImages, "include-validation", false, "train on all 60,000 images of the training file, validation included, as the article's code did (validation then measures images the model learned from)")
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	opts.args = args
	r.Optimizer = sgd
	opts.ckptGiven = opts.ckptDir
	if opts.ckptDir == "" && opts.out != "" {
		opts.ckptDir = defaultCheckpoints(opts.out)
	}
	if !opts.resume {
		if err := r.Validate(); err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		return opts, nil
	}
	var conflict error
	fs.Visit(func(f *flag.Flag) {
		if recipeFlags[f.Name] && conflict == nil {
			conflict = fmt.Errorf("%w: --resume continues the run as it was started; --%s cannot change it", errUsage, f.Name)
		}
	})
	return opts, conflict
}

// resumeFrom returns, with --resume, the checkpoint the run resumes from,
// and an error when there is none.
func (opts *trainOptions) resumeFrom() (*savedmodel.CheckpointInfo, error) {
	if !opts.resume {
		return nil, nil
	}
	resumed, err := savedmodel.LatestCheckpoint(opts.ckptDir)
	if err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	return resumed, nil
}

// trainSplit returns the images to train on: those the resumed run trained
// on, the whole training file with --include-validation, else the training
// split; and checks that --limit fits them.
func (opts *trainOptions) trainSplit(data *fashionmnist.Data, resumed *savedmodel.CheckpointInfo) (*fashionmnist.Split, error) {
	train := data.Train
	switch {
	case resumed != nil:
		var err error
		if train, err = data.SplitNamed(resumed.Run.Train.Name); err != nil {
			return nil, fmt.Errorf("resume: %w", err)
		}
	case opts.allImages:
		train = data.TrainFile
	}
	if opts.recipe.Limit > train.Len() {
		return nil, fmt.Errorf("%w: --limit %d: the training split has %d images", errUsage, opts.recipe.Limit, train.Len())
	}
	return train, nil
}

// callbacks returns the callbacks of the run: progress, checkpoints, and
// the TensorBoard logs unless --logdir is "" (closeLogs closes them).
func (opts *trainOptions) callbacks(stdout io.Writer, checkpoints *savedmodel.Checkpoints) (callbacks []fashion.Callback, closeLogs func(), err error) {
	callbacks = []fashion.Callback{fashion.NewProgress(stdout), checkpoints}
	if opts.logdir == "" {
		return callbacks, func() {}, nil
	}
	tb, err := fashion.NewTensorBoard(opts.logdir)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(stdout, "TensorBoard logs in %s (view them with: tensorboard --logdir=%s)\n", printable(tb.Dir()), printable(opts.logdir))
	return append(callbacks, tb), func() { tb.Close() }, nil
}

// fit trains a new model of the article's network, or, with resume, goes
// on with the run of the checkpoints.
func (opts *trainOptions) fit(backend compute.Backend, train, validation *fashionmnist.Split, resume bool,
	callbacks []fashion.Callback, stdout io.Writer) (*fashion.Model, *fashion.History, error) {
	if resume {
		return savedmodel.ResumeTraining(backend, opts.ckptDir, nil, train, validation, append(callbacks, resumeNote{stdout})...)
	}
	r := opts.recipe
	if prev, err := savedmodel.LatestCheckpoint(opts.ckptDir); err == nil && !prev.Finished() {
		fmt.Fprintf(stdout, "Note: %s holds an unfinished run (%d of %d epochs); this new run replaces it (--resume would continue it)\n",
			printable(opts.ckptDir), prev.Epoch, prev.Recipe.Epochs)
	}
	fmt.Fprintf(stdout, "Training on %d images, validating on %d, batches of %d, up to %d epochs; checkpoints in %s\n",
		trainImages(r, train), validation.Len(), r.BatchSize, r.Epochs, printable(opts.ckptDir))
	m, err := fashion.New(backend, fashion.ArticleMLP, r.Seed)
	if err != nil {
		return nil, nil, err
	}
	h, err := m.Fit(train, validation, r, callbacks...)
	return m, h, err
}

// trainImages is the number of images a recipe trains on.
func trainImages(r fashion.Recipe, train *fashionmnist.Split) int {
	if r.Limit > 0 {
		return min(r.Limit, train.Len())
	}
	return train.Len()
}

// resumeNote says where a resumed run starts.
type resumeNote struct{ w io.Writer }

// OnTrainBegin implements fashion.TrainBeginner.
func (n resumeNote) OnTrainBegin(_ *fashion.Model, info fashion.TrainInfo) error {
	if info.FirstEpoch > info.Recipe.Epochs {
		fmt.Fprintf(n.w, "Resuming: all %d epochs were already trained\n", info.Recipe.Epochs)
		return nil
	}
	fmt.Fprintf(n.w, "Resuming at epoch %d of %d, on %d images\n", info.FirstEpoch, info.Recipe.Epochs, info.Samples)
	return nil
}

// OnEpochEnd implements fashion.Callback.
func (resumeNote) OnEpochEnd(*fashion.Model, fashion.EpochLog) error { return nil }

// modelFlags are the flags of commands that use a saved model.
type modelFlags struct {
	dir     string
	backend backendFlag
	data    dataFlags
}

// register adds --model, --backend and the data flags to fs.
func (mf *modelFlags) register(fs *flagSet) {
	fs.StringVar(&mf.dir, "model", "models/latest", "directory of a model saved by \"fashion train\"")
	mf.backend.register(fs)
	mf.data.register(fs)
}

// loadModel opens the backend, then loads the model.
func (mf *modelFlags) loadModel(stderr io.Writer) (*fashion.Model, error) {
	if _, err := os.Stat(mf.dir); err != nil {
		return nil, fmt.Errorf("no model at %s (train one with \"fashion train --out %s\")", mf.dir, shellQuote(mf.dir))
	}
	backend, err := mf.backend.open(stderr)
	if err != nil {
		return nil, err
	}
	return savedmodel.Load(backend, mf.dir, nil)
}

// load loads the model and the data.
func (mf *modelFlags) load(stderr io.Writer) (*fashion.Model, *fashionmnist.Data, error) {
	m, err := mf.loadModel(stderr)
	if err != nil {
		return nil, nil, err
	}
	data, err := mf.data.load(stderr)
	if err != nil {
		return nil, nil, err
	}
	return m, data, nil
}

// runEvaluate implements "fashion evaluate".
func runEvaluate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("evaluate", stderr)
	var mf modelFlags
	mf.register(fs)
	asJSON := fs.Bool("json", false, `print {"loss": x, "accuracy": y}`)
	if err := fs.parse(args); err != nil {
		return err
	}
	m, data, err := mf.load(stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	metrics, err := m.Evaluate(data.Test)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if *asJSON {
		return writeJSON(stdout, metrics)
	}
	fmt.Fprintf(stdout, "%d test images - %s (%.0fus/sample) - loss: %.4f - accuracy: %.4f\n", data.Test.Len(),
		elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/float64(data.Test.Len()), metrics.Loss, metrics.Accuracy)
	return nil
}

// prediction is one entry of "fashion predict --json": a test image
// (index and label) or a picture file. JSON strings are Unicode: a file
// name that is not UTF-8 is written escaped in File ("\\xff.jpg", as
// printable writes it), and exactly, base64-encoded, in FileBytes.
type prediction struct {
	Index       int     `json:"index"`
	File        string  `json:"file,omitempty"`
	FileBytes   []byte  `json:"file_bytes,omitempty"`
	Class       int     `json:"class"`
	Name        string  `json:"name"`
	Probability float64 `json:"probability"`
	Label       int     `json:"label"`
}

// runPredict implements "fashion predict".
func runPredict(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("predict", stderr)
	var mf modelFlags
	mf.register(fs)
	count := fs.Int("count", 10, "predict the first N test images")
	asJSON := fs.Bool("json", false, "print the predictions as JSON")
	var pictures []string
	fs.Func("image", "predict this picture (PNG, JPEG or GIF, any size; repeat for several) instead of test images",
		func(path string) error { pictures = append(pictures, path); return nil })
	if err := fs.parse(args); err != nil {
		return err
	}
	if *count <= 0 {
		return fmt.Errorf("%w: --count must be positive, got %d", errUsage, *count)
	}
	if len(pictures) > 0 {
		return predictPictures(mf, pictures, *asJSON, stdout, stderr)
	}
	m, data, err := mf.load(stderr)
	if err != nil {
		return err
	}
	if *count > data.Test.Len() {
		return fmt.Errorf("%w: --count %d: the test split has %d images", errUsage, *count, data.Test.Len())
	}
	probs, err := m.PredictSplit(data.Test, 0, *count)
	if err != nil {
		return err
	}
	preds := make([]prediction, len(probs))
	for i, row := range probs {
		c := fashion.ArgMax(row)
		preds[i] = prediction{Index: i, Class: c, Name: m.ClassNames()[c], Probability: float64(row[c]), Label: data.Test.Label(i)}
	}
	if *asJSON {
		return writeJSON(stdout, map[string]any{"predictions": preds})
	}
	fmt.Fprintf(stdout, "%-5s %-12s %-11s %s\n", "image", "predicted", "probability", "true")
	right := 0
	for _, p := range preds {
		mark := "ok"
		if p.Class != p.Label {
			mark = "WRONG"
		} else {
			right++
		}
		fmt.Fprintf(stdout, "%-5d %-12s %-11.4f %-12s %s\n", p.Index, printable(p.Name), p.Probability, printable(m.ClassNames()[p.Label]), mark)
	}
	fmt.Fprintf(stdout, "%d of %d right\n", right, len(preds))
	return nil
}

// predictPictures implements "fashion predict --image FILE...": each picture
// is converted the way Fashion-MNIST was made, then classified.
func predictPictures(mf modelFlags, paths []string, asJSON bool, stdout, stderr io.Writer) error {
	images := make([][]float32, len(paths))
	for i, p := range paths {
		img, err := fashionmnist.ReadPicture(p)
		if err != nil {
			return err
		}
		if images[i], err = fashionmnist.ScalePixels(img); err != nil {
			return err
		}
	}
	m, err := mf.loadModel(stderr)
	if err != nil {
		return err
	}
	probs, err := m.Predict(images)
	if err != nil {
		return err
	}
	preds := make([]prediction, len(probs))
	for i, row := range probs {
		c := fashion.ArgMax(row)
		preds[i] = prediction{Index: i, File: paths[i], Class: c, Name: m.ClassNames()[c], Probability: float64(row[c]), Label: -1}
		if !utf8.ValidString(paths[i]) {
			preds[i].File, preds[i].FileBytes = printable(paths[i]), []byte(paths[i])
		}
	}
	if asJSON {
		return writeJSON(stdout, map[string]any{"predictions": preds})
	}
	for _, p := range preds {
		fmt.Fprintf(stdout, "%s: %s (%.4f)\n", printable(p.File), printable(p.Name), p.Probability)
	}
	return nil
}

// resumeCommand returns the command line that resumes this run: the one
// given, without the flags that --resume refuses (the run keeps those it
// was started with), with --resume.
func (opts *trainOptions) resumeCommand() string {
	boolFlags := map[string]bool{"nesterov": true, "restore-best": true, "include-validation": true, "resume": true}
	words := []string{"fashion", "train"}
	for i := 0; i < len(opts.args); i++ {
		arg := opts.args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !strings.HasPrefix(arg, "-") || (!recipeFlags[name] && name != "resume") {
			words = append(words, shellQuote(arg))
			continue
		}
		if !hasValue && !boolFlags[name] {
			i++ // the flag's value
		}
	}
	return strings.Join(append(words, "--resume"), " ")
}

// shellQuote quotes a word for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./:,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
