package tutorial

import (
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/tensorboard"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
	"github.com/janpfeifer/gonb/gonbui"
)

// Chapter 8: training.

// Where the training chapter keeps what later chapters use, relative to the
// notebook's directory.
const (
	// ModelDir holds the model the training chapter saves.
	ModelDir = "models/tutorial"
	// RunsDir holds the TensorBoard logs, one run_* directory per run.
	RunsDir = "runs"
	// QuickEnv names the environment variable that, set to 1, makes
	// training short: 2 epochs on 5,000 images. CI sets it.
	QuickEnv = "FASHION_QUICK"
	// quickEpochs and quickImages are the size of a quick run.
	quickEpochs, quickImages = 2, 5000
)

// defaultProgress is where downloads and training report progress.
func defaultProgress() io.Writer { return stdout }

// Quick reports whether FASHION_QUICK=1 asks for short training runs.
func Quick() bool { return os.Getenv(QuickEnv) == "1" }

// ChapterRecipe returns the article's training recipe with the tutorial's seed,
// shortened by Shorten when FASHION_QUICK=1.
func ChapterRecipe() fashion.Recipe {
	r := fashion.ArticleRecipe()
	r.Seed = Seed
	return Shorten(r)
}

// Shorten returns r as it is, or, when FASHION_QUICK=1, cut to 2 epochs on
// the first 5,000 training images, and says so.
func Shorten(r fashion.Recipe) fashion.Recipe {
	if Quick() {
		r.Epochs, r.Limit = quickEpochs, quickImages
		fmt.Fprintf(stdout, "%s=1: training for %d epochs on %d images only\n", QuickEnv, quickEpochs, quickImages)
	}
	return r
}

// ShowRecipe prints the recipe's settings.
func ShowRecipe(r fashion.Recipe) {
	optimizer := fmt.Sprintf("%T, learning rate %g", r.Optimizer, r.LearningRateAt(0))
	if o, ok := r.Optimizer.(fashion.SGD); ok {
		optimizer = fmt.Sprintf("SGD, learning rate %g, decay %g, momentum %g, Nesterov %v", o.LearningRate, o.Decay, o.Momentum, o.Nesterov)
	}
	loss := "sparse categorical cross-entropy"
	if r.Loss != nil {
		loss = "the recipe's own"
	}
	note("%s", table([][]string{
		{"setting", "value"},
		{"loss", loss},
		{"optimizer", optimizer},
		{"batch size", fmt.Sprint(r.BatchSize)},
		{"epochs (at most)", fmt.Sprint(r.Epochs)},
		{"early stopping", fmt.Sprintf("on validation loss, patience %d, min delta %g", r.Patience, r.MinDelta)},
	}))
}

// ShowLearningRate shows the learning rate of the recipe over as many
// updates as a run of the recipe can make: its epochs, each over the
// training images it uses (all of d.Train, or the first r.Limit).
func ShowLearningRate(d *fashionmnist.Data, r fashion.Recipe) {
	check(r.Validate())
	updates := maxUpdates(d, r)
	fmt.Fprintf(stdout, "the longest run: %d epochs of %d updates (%d images in batches of %d) = %d updates; the rate falls from %g to %.6f\n",
		r.Epochs, updates/r.Epochs, trainingImages(d, r), r.BatchSize, updates, r.LearningRateAt(0), r.LearningRateAt(int64(updates)))
	Show(figures.LearningRate(r, updates))
}

// trainingImages returns how many training images a run of the recipe
// learns from: the training split, or its first r.Limit images.
func trainingImages(d *fashionmnist.Data, r fashion.Recipe) int {
	if r.Limit > 0 {
		return min(r.Limit, d.Train.Len())
	}
	return d.Train.Len()
}

// maxUpdates returns how many updates a run of the recipe makes when early
// stopping does not cut it short: one per batch, the last smaller batch
// included, in every epoch.
func maxUpdates(d *fashionmnist.Data, r fashion.Recipe) int {
	return r.Epochs * ((trainingImages(d, r) + r.BatchSize - 1) / r.BatchSize)
}

// LiveCurves returns a training callback that draws the loss and accuracy
// curves in the notebook and redraws them after every epoch. In a live page
// (JupyterLab), a Stop button beside the curves ends training after the
// current epoch: the callback then returns fashion.ErrStopTraining, so Fit
// returns normally with the epochs done, and the cell goes on (saving the
// model, for one). Without a live page there is no button.
func LiveCurves() fashion.Callback {
	return &liveCurves{id: "training-curves-" + gonbui.UniqueID()}
}

// liveCurves redraws the training curves in the notebook after each epoch;
// in a live page, it draws them in a widget, under its Stop button.
type liveCurves struct {
	id string

	mu   sync.Mutex
	stop *stopButton // set once the page answered the probe
}

// OnTrainBegin implements fashion.TrainBeginner: it asks the page whether
// it is live, in the background, so that training starts at once, and shows
// the Stop button when it is.
func (l *liveCurves) OnTrainBegin(*fashion.Model, fashion.TrainInfo) error {
	live := probePage()
	go func() {
		if <-live {
			b := newStopButton()
			l.mu.Lock()
			l.stop = b
			l.mu.Unlock()
		}
	}()
	return nil
}

// button returns the Stop button, nil while there is none.
func (l *liveCurves) button() *stopButton {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stop
}

// OnEpochEnd implements fashion.Callback.
func (l *liveCurves) OnEpochEnd(m *fashion.Model, e fashion.EpochLog) error {
	f, err := figures.TrainingCurves(m.History())
	if err != nil {
		return err
	}
	png, err := pngOf(f)
	if err != nil {
		return err
	}
	b := l.button()
	if b == nil {
		out.update(l.id, png)
		return nil
	}
	out.update(l.id, nil) // drawn in the widget from now on
	b.showCurves(png)
	if b.pressed() {
		b.stopped(e.Epoch)
		fmt.Fprintf(stdout, "Stopped with the Stop button after epoch %d: the model keeps the weights of that epoch.\n", e.Epoch)
		return fashion.ErrStopTraining
	}
	return nil
}

// OnTrainEnd implements fashion.TrainEnder: it replaces the live picture by
// a lasting one, which stays in the saved notebook, and removes the widget.
func (l *liveCurves) OnTrainEnd(m *fashion.Model, h *fashion.History) error {
	if b := l.button(); b != nil {
		b.page.close()
	}
	out.update(l.id, nil)
	Show(figures.TrainingCurves(h))
	return nil
}

// ShowStepLosses draws the loss before each step of one or more runs, one
// curve per run, named by the map's keys (in sorted order).
func ShowStepLosses(title string, runs map[string][]float64) {
	panel := viz.Panel{Title: title, YLabel: "loss"}
	for _, name := range slices.Sorted(maps.Keys(runs)) {
		panel.Series = append(panel.Series, viz.Series{Name: name, Values: runs[name]})
	}
	Show(viz.TrainingCurves{Panels: []viz.Panel{panel}, XLabel: "step"}.Figure())
}

// TrainedModel is TrainedModelOf(nil): the model the training chapter
// saved, built from the registered model function its model.json names
// (fashion.ArticleMLP is registered).
func TrainedModel() *fashion.Model { return TrainedModelOf(nil) }

// TrainedModelOf loads the model the training chapter saved, built from the
// model function fn it was trained from (the learner's own, when chapter 8
// trained another network; nil: the registered function its model.json
// names); when there is none, it trains a short one from fn (nil:
// fashion.ArticleMLP), 2 epochs, and says so.
func TrainedModelOf(fn fashion.ModelFn) *fashion.Model {
	if _, err := os.Stat(filepath.Join(ModelDir, "model.json")); err == nil {
		m, err := savedmodel.Load(backend(), ModelDir, fn)
		if err != nil {
			check(fmt.Errorf("loading %s with the chapter's model function (a model loads with the function it was trained from: put chapter 8's modelFn in this chapter's modelFn): %w", ModelDir, err))
		}
		epochs, images := 0, LoadData().Train.Len()
		if h := m.History(); h != nil {
			epochs = len(h.Epochs)
		}
		if r := m.Recipe(); r != nil && r.Limit > 0 {
			images = r.Limit
		}
		fmt.Fprintf(stdout, "Using the model saved in %s (trained %d epochs on %d images)\n", ModelDir, epochs, images)
		return m
	}
	fmt.Fprintf(stdout, "No model in %s yet (chapter 8 trains the full one): training a short one now, %d epochs on %d images.\n",
		ModelDir, quickEpochs, quickImages)
	d := LoadData()
	r := fashion.ArticleRecipe()
	r.Seed, r.Epochs, r.Limit = Seed, quickEpochs, quickImages
	if fn == nil {
		fn = fashion.ArticleMLP
	}
	m := Must(fashion.New(backend(), fn, Seed))
	Must(m.Fit(d.Train, d.Validation, r, fashion.NewProgress(stdout)))
	check(savedmodel.Save(m, ModelDir))
	fmt.Fprintln(stdout, "Model saved to", ModelDir)
	return m
}

// ShowHistory shows the loss and accuracy curves of a model's training.
func ShowHistory(m *fashion.Model) {
	if m.History() == nil {
		check(fmt.Errorf("this model was not trained"))
	}
	Show(figures.TrainingCurves(m.History()))
}

// DescribeRun says, from a trained model's history, how its training went:
// the epoch of the lowest validation loss, the validation losses after it,
// why training ended, and what the training loss did meanwhile.
func DescribeRun(m *fashion.Model) {
	h, r := m.History(), m.Recipe()
	if h == nil || len(h.Epochs) == 0 || r == nil {
		check(fmt.Errorf("this model was not trained"))
	}
	fmt.Fprint(stdout, describeRun(h, *r))
}

// describeRun is DescribeRun's text.
func describeRun(h *fashion.History, r fashion.Recipe) string {
	var b strings.Builder
	last := h.Last()
	if h.BestEpoch == 0 {
		fmt.Fprintf(&b, "Trained %d epochs without validation.\n", len(h.Epochs))
		return b.String()
	}
	best := h.Epochs[h.BestEpoch-1]
	fmt.Fprintf(&b, "The validation loss was lowest after epoch %d: %.4f.\n", best.Epoch, best.ValLoss)
	if after := h.Epochs[h.BestEpoch:]; len(after) > 0 {
		losses := make([]string, len(after))
		for i, e := range after {
			losses[i] = fmt.Sprintf("%.4f", e.ValLoss)
		}
		fmt.Fprintf(&b, "The %d epoch(s) after it gave %s: none lower.\n", len(after), strings.Join(losses, ", "))
	}
	switch {
	case h.StoppedEarly:
		fmt.Fprintf(&b, "So early stopping (patience %d) ended training after epoch %d.\n", r.Patience, last.Epoch)
	case last.Epoch >= r.Epochs:
		fmt.Fprintf(&b, "Training ran all %d epochs the recipe allows: early stopping did not end it.\n", r.Epochs)
	default:
		fmt.Fprintf(&b, "Training ended after epoch %d of %d, before early stopping would have.\n", last.Epoch, r.Epochs)
	}
	if best.Epoch < last.Epoch {
		trend := "fell"
		if last.Loss > best.Loss {
			trend = "rose"
		}
		fmt.Fprintf(&b, "Meanwhile the training loss %s from %.4f to %.4f.\n", trend, best.Loss, last.Loss)
	}
	return b.String()
}

// LatestRun returns the newest run directory under RunsDir.
func LatestRun() string {
	runs, err := filepath.Glob(filepath.Join(RunsDir, "run_*"))
	check(err)
	if len(runs) == 0 {
		check(fmt.Errorf("no TensorBoard run in %s yet: train first", RunsDir))
	}
	return runs[len(runs)-1] // Names sort by time.
}

// ShowTensorBoardRun reads the event files of a run, as TensorBoard does,
// and plots the logged epoch_loss and epoch_accuracy curves.
func ShowTensorBoardRun(dir string) {
	scalars := Must(tensorboard.Scalars(dir))
	values := func(tag string) []float64 {
		var v []float64
		for _, p := range scalars[tag] {
			v = append(v, p.Value)
		}
		return v
	}
	series := map[string][]float64{
		"loss": values("train/epoch_loss"), "val_loss": values("validation/epoch_loss"),
		"accuracy": values("train/epoch_accuracy"), "val_accuracy": values("validation/epoch_accuracy"),
	}
	fmt.Fprintf(stdout, "%s: %d scalar tags, %d epochs logged\n", dir, len(scalars), len(series["loss"]))
	Show(viz.TrainingCurves{Title: "Read back from " + filepath.Base(dir), Panels: viz.HistoryPanels(series)}.Figure())
}

// CheckLearningRate checks the learning rate after a number of updates. A
// failure says what a wrong answer it recognises is: the rate without
// decay, after another number of updates, from another formula.
func CheckLearningRate(r fashion.Recipe, updates int, lr float64) bool {
	const name = "learning-rate"
	o, ok := r.Optimizer.(fashion.SGD)
	if !ok {
		check(fmt.Errorf("the exercise is about SGD's time-based decay; this recipe's optimizer is %T", r.Optimizer))
	}
	want := o.LearningRateAt(int64(updates))
	t := float64(updates)
	epoch := updates / 10 // the exercise asks for 10 epochs: one is 1,719 updates
	formula := fmt.Sprintf("%g / (1 + %g * %d)", o.LearningRate, o.Decay, updates)
	why := fmt.Sprintf("%g is not the rate after %d updates.", lr, updates)
	if lr == 0 {
		why = "0.0 is the placeholder: put the rate in its place."
	}
	misses := []nearMiss{
		{o.LearningRate, fmt.Sprintf("%g is the rate before any update: the decay after %d updates is missing.", lr, updates)},
		{o.LearningRateAt(int64(epoch)), fmt.Sprintf("%g is the rate after %d updates, one epoch; the question is after %d.", lr, epoch, updates)},
		{o.LearningRateAt(int64(10 * updates)), fmt.Sprintf("%g is the rate after %d updates, ten times too many.", lr, 10*updates)},
		{o.LearningRate * math.Exp(-o.Decay*t), fmt.Sprintf("%g is lr0·e^(−decay·t), close to Keras' formula but not it.", lr)},
		{o.LearningRate * (1 - o.Decay*t), fmt.Sprintf("%g is lr0·(1 − decay·t), close to Keras' formula but not it.", lr)},
		{1 / (1 + o.Decay*t), fmt.Sprintf("%g is 1 / (1 + decay·t): the rate starts at lr0, not 1.", lr)},
		{o.LearningRate + o.Decay*t, fmt.Sprintf("%g is lr0 / 1 + decay·t: Go divides before it adds, put parentheses around (1 + decay*t).", lr)},
		{o.LearningRate - o.Decay*t, fmt.Sprintf("%g is lr0 − decay·t; the decay divides the rate.", lr)},
	}
	// 5e-5 of the rate: about 4 significant digits, enough to tell Keras'
	// formula from its approximations (0.01 * exp(-1e-6 * t) differs by 1.4e-4).
	return checkNumber(name, lr, want, 5e-5*want,
		fmt.Sprintf("lr = %s = %.8f.", formula, want),
		"compute lr0 / (1 + decay * t) in Go and print it.", why, misses...)
}
