package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/internal/backend"
	"github.com/fashion-gomlx/fashion-gomlx/internal/lockfile"
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
	backend, line, err := backend.NewBackend(b.config)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(stderr, line)
	return backend, nil
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
		m, err = savedmodel.Load(backend, *modelDir, fashion.ArticleMLP)
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

// runTrain implements "fashion train".
func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train", stderr)
	var df dataFlags
	var bf backendFlag
	df.register(fs)
	bf.register(fs)
	r := fashion.ArticleRecipe()
	fs.IntVar(&r.Epochs, "epochs", r.Epochs, "most epochs to train (early stopping may end sooner)")
	fs.IntVar(&r.BatchSize, "batch", r.BatchSize, "images per update")
	fs.Float64Var(&r.Optimizer.LearningRate, "lr", r.Optimizer.LearningRate, "learning rate before decay")
	fs.Float64Var(&r.Optimizer.Decay, "decay", r.Optimizer.Decay, "time-based learning-rate decay per update")
	fs.Float64Var(&r.Optimizer.Momentum, "momentum", r.Optimizer.Momentum, "momentum")
	fs.BoolVar(&r.Optimizer.Nesterov, "nesterov", r.Optimizer.Nesterov, "use Nesterov momentum")
	fs.IntVar(&r.Patience, "patience", r.Patience, "epochs without a lower validation loss before stopping (negative: never stop early)")
	fs.BoolVar(&r.RestoreBestWeights, "restore-best", r.RestoreBestWeights, "end with the weights of the epoch with the lowest validation loss")
	fs.Uint64Var(&r.Seed, "seed", r.Seed, "seed of the initial weights and of the shuffling")
	fs.IntVar(&r.StepsPerExecution, "steps-per-execution", r.StepsPerExecution, "updates per call to the backend (speed only)")
	fs.IntVar(&r.Limit, "limit", 0, "train on the first N training images only, for quick trials (0: all)")
	out := fs.String("out", "models/latest", "directory to save the trained model in")
	logdir := fs.String("logdir", "runs", `root of the TensorBoard logs: each run writes run_%Y_%m_%d-%H_%M_%S there ("" turns logging off)`)
	ckptDir := fs.String("checkpoints", "", "directory of the per-epoch checkpoints (default: the --out directory with .checkpoints appended)")
	resume := fs.Bool("resume", false, "resume the run of --checkpoints from its last complete epoch, as it was started (recipe, images, backend)")
	allImages := fs.Bool("include-validation", false, "train on all 60,000 images of the training file, validation included, as the article's code did (validation then measures images the model learned from)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *ckptDir == "" && *out != "" {
		*ckptDir = filepath.Clean(*out) + ".checkpoints"
	}
	if err := checkTrainPaths(*out, *ckptDir); err != nil {
		return err
	}
	if *resume {
		var conflict error
		fs.Visit(func(f *flag.Flag) {
			if recipeFlags[f.Name] && conflict == nil {
				conflict = fmt.Errorf("%w: --resume continues the run as it was started; --%s cannot change it", errUsage, f.Name)
			}
		})
		if conflict != nil {
			return conflict
		}
	} else if err := r.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}

	// Problems the file system shows are found before any work.
	checkpoints := savedmodel.NewCheckpoints(*ckptDir, 2)
	if err := savedmodel.CheckSaveDir(*out); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if err := checkpoints.Check(); err != nil {
		return fmt.Errorf("--checkpoints: %w", err)
	}
	var resumed *savedmodel.CheckpointInfo
	if *resume {
		var err error
		if resumed, err = savedmodel.LatestCheckpoint(*ckptDir); err != nil {
			return fmt.Errorf("resume: %w", err)
		}
	}

	backend, err := bf.open(stderr)
	if err != nil {
		return err
	}
	data, err := df.load(stderr)
	if err != nil {
		return err
	}
	train := data.Train
	switch {
	case resumed != nil:
		if train, err = data.SplitNamed(resumed.Run.Train.Name); err != nil {
			return fmt.Errorf("resume: %w", err)
		}
	case *allImages:
		train = data.TrainFile
	}
	if r.Limit > train.Len() {
		return fmt.Errorf("%w: --limit %d: the training split has %d images", errUsage, r.Limit, train.Len())
	}
	unlock, err := lockTraining(*out, *ckptDir)
	if err != nil {
		return err
	}
	defer unlock()
	callbacks := []fashion.Callback{fashion.NewProgress(stdout), checkpoints}
	if *logdir != "" {
		tb, err := fashion.NewTensorBoard(*logdir)
		if err != nil {
			return err
		}
		defer tb.Close()
		callbacks = append(callbacks, tb)
		fmt.Fprintf(stdout, "TensorBoard logs in %s (view them with: tensorboard --logdir=%s)\n", tb.Dir(), *logdir)
	}
	start := time.Now()
	var m *fashion.Model
	var h *fashion.History
	if resumed != nil {
		m, h, err = savedmodel.ResumeTraining(backend, *ckptDir, fashion.ArticleMLP, train, data.Validation, append(callbacks, resumeNote{stdout})...)
	} else {
		if prev, err := savedmodel.LatestCheckpoint(*ckptDir); err == nil && !prev.Finished() {
			fmt.Fprintf(stdout, "Note: %s holds an unfinished run (%d of %d epochs); this new run replaces it (--resume would continue it)\n",
				*ckptDir, prev.Epoch, prev.Recipe.Epochs)
		}
		fmt.Fprintf(stdout, "Training on %d images, validating on %d, batches of %d, up to %d epochs; checkpoints in %s\n",
			trainImages(r, train), data.Validation.Len(), r.BatchSize, r.Epochs, *ckptDir)
		if m, err = fashion.New(backend, fashion.ArticleMLP, r.Seed); err == nil {
			h, err = m.Fit(train, data.Validation, r, callbacks...)
		}
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
	if err := savedmodel.Save(m, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Trained %d epochs (%s in this run); model saved to %s\n", len(h.Epochs), time.Since(start).Round(time.Second), *out)
	return nil
}

// checkTrainPaths refuses, as a wrong command line, an empty --out and a
// --checkpoints directory that is --out or inside it, or the other way
// round: each would write into the other.
func checkTrainPaths(out, checkpoints string) error {
	if out == "" {
		return fmt.Errorf("%w: --out must name a directory", errUsage)
	}
	a, errA := filepath.Abs(out)
	b, errB := filepath.Abs(checkpoints)
	if errA != nil || errB != nil {
		return fmt.Errorf("%w: --out %q, --checkpoints %q: %v", errUsage, out, checkpoints, errors.Join(errA, errB))
	}
	inside := func(dir, parent string) bool {
		rel, err := filepath.Rel(parent, dir)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	}
	switch {
	case filepath.Dir(a) == a:
		return fmt.Errorf("%w: --out %s is the root directory: give the model a directory of its own", errUsage, out)
	case a == b:
		return fmt.Errorf("%w: --out and --checkpoints are the same directory (%s)", errUsage, out)
	case inside(b, a):
		return fmt.Errorf("%w: --checkpoints %s is inside --out %s: give them separate directories", errUsage, checkpoints, out)
	case inside(a, b):
		return fmt.Errorf("%w: --out %s is inside --checkpoints %s: give them separate directories", errUsage, out, checkpoints)
	}
	return nil
}

// lockTraining takes the locks of the model and checkpoint directories, so
// that a second training writing either is refused at once. The lock files
// are hidden beside the directories (.NAME.lock) and stay there; a killed
// training leaves no stale lock.
func lockTraining(dirs ...string) (unlock func(), err error) {
	var locks []*lockfile.Lock
	unlock = func() {
		for _, l := range locks {
			l.Unlock()
		}
	}
	for _, dir := range dirs {
		clean := filepath.Clean(dir)
		if err := os.MkdirAll(filepath.Dir(clean), 0o755); err != nil {
			unlock()
			return nil, err
		}
		l, err := lockfile.TryLock(filepath.Join(filepath.Dir(clean), "."+filepath.Base(clean)+".lock"))
		if errors.Is(err, lockfile.ErrLocked) {
			unlock()
			return nil, fmt.Errorf("another training is writing to %s: %v; wait for it to end, or choose another directory", dir, err)
		} else if err != nil {
			unlock()
			return nil, err
		}
		locks = append(locks, l)
	}
	return unlock, nil
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
		return nil, fmt.Errorf("no model at %s (train one with \"fashion train --out %s\")", mf.dir, mf.dir)
	}
	backend, err := mf.backend.open(stderr)
	if err != nil {
		return nil, err
	}
	return savedmodel.Load(backend, mf.dir, fashion.ArticleMLP)
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
// (index and label) or a picture file.
type prediction struct {
	Index       int     `json:"index"`
	File        string  `json:"file,omitempty"`
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
		fmt.Fprintf(stdout, "%-5d %-12s %-11.4f %-12s %s\n", p.Index, p.Name, p.Probability, m.ClassNames()[p.Label], mark)
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
	}
	if asJSON {
		return writeJSON(stdout, map[string]any{"predictions": preds})
	}
	for _, p := range preds {
		fmt.Fprintf(stdout, "%s: %s (%.4f)\n", p.File, p.Name, p.Probability)
	}
	return nil
}
