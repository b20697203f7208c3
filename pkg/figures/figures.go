package figures

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
)

// FirstImages draws the first n images of a split in a grid of cols columns,
// each captioned with its class name (the article's first 20 training
// images, 5 columns).
func FirstImages(s *fashionmnist.Split, n, cols int) (*viz.Figure, error) {
	if n <= 0 || n > s.Len() {
		return nil, fmt.Errorf("figures: cannot show %d of the %d images of %q", n, s.Len(), s.Name())
	}
	g := viz.ImageGrid{Title: fmt.Sprintf("The first %d images (%s)", n, s.Name()), Cols: cols}
	for i := range n {
		g.Images = append(g.Images, s.Image(i))
		g.Captions = append(g.Captions, fashionmnist.ClassNames[s.Label(i)])
	}
	return g.Figure()
}

// OnePerClass draws the first image of each class of a split.
func OnePerClass(s *fashionmnist.Split) (*viz.Figure, error) {
	g := viz.ImageGrid{Title: "One example of each class", Cols: 5}
	for c, name := range fashionmnist.ClassNames {
		i := firstOfClass(s, c)
		if i < 0 {
			return nil, fmt.Errorf("figures: %q has no image of class %d (%s)", s.Name(), c, name)
		}
		g.Images = append(g.Images, s.Image(i))
		g.Captions = append(g.Captions, fmt.Sprintf("%d: %s", c, name))
	}
	return g.Figure()
}

// firstOfClass returns the index of the first image of class c, or -1.
func firstOfClass(s *fashionmnist.Split, c int) int {
	for i := range s.Len() {
		if s.Label(i) == c {
			return i
		}
	}
	return -1
}

// PixelValues draws image i of a split large, with a colour bar: the raw bytes
// (0-255) or, scaled, the values the model sees (0-1).
func PixelValues(s *fashionmnist.Split, i int, scaled bool) (*viz.Figure, error) {
	if i < 0 || i >= s.Len() {
		return nil, fmt.Errorf("figures: image %d is outside the %d images of %q", i, s.Len(), s.Name())
	}
	name := fashionmnist.ClassNames[s.Label(i)]
	v := viz.ImageView{Title: fmt.Sprintf("Image %d of %s (%s), raw pixels", i, s.Name(), name)}
	var err error
	if scaled {
		v.Title = fmt.Sprintf("Image %d of %s (%s), scaled to [0, 1]", i, s.Name(), name)
		v.ValueLabel = "pixel / 255"
		v.Image, err = viz.NewRaster(s.Scaled(i), fashionmnist.ImageSize, fashionmnist.ImageSize, 0, 1)
	} else {
		v.Image = viz.GrayRaster(s.Image(i))
	}
	if err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	return v.Figure()
}

// ClassDistribution draws how many images of each class the three
// partitions hold.
func ClassDistribution(d *fashionmnist.Data) (*viz.Figure, error) {
	c := viz.ClassDistribution{Title: "Images per class", ClassNames: fashionmnist.ClassNames[:]}
	for _, s := range []*fashionmnist.Split{d.Train, d.Validation, d.Test} {
		counts := s.ClassCounts()
		values := make([]float64, len(counts))
		for i, n := range counts {
			values[i] = float64(n)
		}
		c.Counts = append(c.Counts, viz.Series{Name: s.Name(), Values: values})
	}
	return c.Figure()
}

// TrainingCurves draws loss and accuracy per epoch, for training and
// validation, with the best epoch marked.
func TrainingCurves(h *fashion.History) (*viz.Figure, error) {
	if h == nil || len(h.Epochs) == 0 {
		return nil, errors.New("figures: no epochs to draw")
	}
	series := map[string][]float64{}
	for _, metric := range []string{"loss", "accuracy", "val_loss", "val_accuracy"} {
		series[metric], _ = h.Metric(metric)
	}
	return viz.TrainingCurves{Title: "Training history", Panels: viz.HistoryPanels(series), BestEpoch: h.BestEpoch}.Figure()
}

// LearningRate draws the recipe's learning rate over the given number of
// updates (Keras' time-based decay, for SGD).
func LearningRate(r fashion.Recipe, updates int) (*viz.Figure, error) {
	if r.LearningRateAt(0) == 0 {
		return nil, fmt.Errorf("figures: the optimizer %T does not say its learning rate (it has no LearningRateAt method)", r.Optimizer)
	}
	xs, ys, err := viz.Sample(func(t float64) float64 { return r.LearningRateAt(int64(t)) }, 0, float64(updates), 300)
	if err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	title := fmt.Sprintf("learning rate of %T", r.Optimizer)
	if o, ok := r.Optimizer.(fashion.SGD); ok {
		title = fmt.Sprintf("lr(t) = %g / (1 + %g t)", o.LearningRate, o.Decay)
	}
	return viz.LearningRateSchedule{
		Title:   title,
		Updates: xs, Rates: ys,
	}.Figure()
}

// WeightHistogram draws the weights of a dense layer, as sets named by the
// caller ("initial", "trained"), with the layer's Glorot limits.
func WeightHistogram(layer string, fanIn, units int, sets map[string]*fashion.LayerWeights, order ...string) (*viz.Figure, error) {
	h := viz.WeightHistogram{
		Title: fmt.Sprintf("Weights of %s (%d x %d)", layer, fanIn, units),
		Limit: fashion.GlorotLimit(fanIn, units),
	}
	for _, name := range order {
		lw, ok := sets[name]
		if !ok {
			return nil, fmt.Errorf("figures: no weights named %q", name)
		}
		var values []float64
		for _, row := range lw.Weights {
			for _, w := range row {
				values = append(values, float64(w))
			}
		}
		h.Weights = append(h.Weights, viz.Series{Name: name, Values: values})
	}
	return h.Figure()
}

// initialAndTrainedWeights draws a dense layer's weights as they started
// (rebuilt from the recipe's seed) and as they are now.
func initialAndTrainedWeights(m *fashion.Model, layer string) (*viz.Figure, error) {
	seed := fashion.ArticleRecipe().Seed
	if r := m.Recipe(); r != nil {
		seed = r.Seed
	}
	fresh, err := fashion.New(m.Backend(), m.ModelFn(), seed)
	if err != nil {
		return nil, err
	}
	initial, err := fresh.Weights(layer)
	if err != nil {
		return nil, err
	}
	trained, err := m.Weights(layer)
	if err != nil {
		return nil, err
	}
	return WeightHistogram(layer, len(trained.Weights), len(trained.Biases),
		map[string]*fashion.LayerWeights{"initial": initial, "trained": trained}, "initial", "trained")
}

// WeightImages draws the weights into the first n units of a dense layer
// whose inputs are the pictures' pixels (the first layer, "dense"), the
// weights of each unit laid out as a 28x28 picture: what it looks for.
func WeightImages(m *fashion.Model, layer string, n int) (*viz.Figure, error) {
	lw, err := m.Weights(layer)
	if err != nil {
		return nil, err
	}
	return weightImages(layer, lw, n)
}

// weightImages draws the weights into the first n units of lw.
func weightImages(layer string, lw *fashion.LayerWeights, n int) (*viz.Figure, error) {
	if len(lw.Weights) != fashionmnist.ImagePixels {
		return nil, fmt.Errorf("figures: layer %q has %d inputs, not the %d pixels of a picture", layer, len(lw.Weights), fashionmnist.ImagePixels)
	}
	units := len(lw.Biases)
	if n <= 0 || n > units {
		return nil, fmt.Errorf("figures: cannot show %d of the %d units of %q", n, units, layer)
	}
	w := viz.WeightImages{
		Title: fmt.Sprintf("Weights into the first %d units of %s (%d x %d)", n, layer, len(lw.Weights), units),
		Width: fashionmnist.ImageSize, Height: fashionmnist.ImageSize, Cols: 5, Scale: 4,
	}
	for u := range n {
		unit := make([]float64, len(lw.Weights))
		for i, row := range lw.Weights {
			unit[i] = float64(row[u])
		}
		w.Weights = append(w.Weights, unit)
	}
	return w.Figure()
}

// Predictions draws the first n predicted images with their predicted class,
// green when right, red (with the truth) when wrong.
func Predictions(p *fashion.Predictions, n int) (*viz.Figure, error) {
	if n <= 0 || n > len(p.Classes) {
		return nil, fmt.Errorf("figures: cannot show %d of %d predictions", n, len(p.Classes))
	}
	g := viz.PredictionGrid{
		Title: fmt.Sprintf("Predictions for the first %d images (%s)", n, p.Split.Name()), ClassNames: fashionmnist.ClassNames[:],
		Predicted: p.Classes[:n], Labels: p.Split.Labels()[:n],
	}
	for i := range n {
		g.Images = append(g.Images, p.Split.Image(i))
	}
	return g.Figure()
}

// Probabilities draws the ten class probabilities of image i, beside it.
func Probabilities(p *fashion.Predictions, i int) (*viz.Figure, error) {
	if i < 0 || i >= len(p.Classes) {
		return nil, fmt.Errorf("figures: no prediction %d", i)
	}
	probs := make([]float64, len(p.Probabilities[i]))
	for k, v := range p.Probabilities[i] {
		probs[k] = float64(v)
	}
	return viz.ProbabilityChart{
		Probabilities: probs, ClassNames: fashionmnist.ClassNames[:], Label: p.Split.Label(i), Image: p.Split.Image(i),
	}.Figure()
}

// Confusion draws the confusion matrix of the predictions.
func Confusion(p *fashion.Predictions) (*viz.Figure, error) {
	counts, err := viz.ConfusionCounts(p.Split.Labels(), p.Classes, fashionmnist.NumClasses)
	if err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	return viz.ConfusionMatrix{
		Title: fmt.Sprintf("Confusion matrix on %s (%d images)", p.Split.Name(), len(p.Classes)), Counts: counts,
		ClassNames: fashionmnist.ClassNames[:],
	}.Figure()
}

// ClassAccuracy draws the accuracy of each class.
func ClassAccuracy(p *fashion.Predictions) (*viz.Figure, error) {
	counts, err := viz.ConfusionCounts(p.Split.Labels(), p.Classes, fashionmnist.NumClasses)
	if err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	return viz.ClassAccuracy{Title: "Accuracy per class on " + p.Split.Name(), Counts: counts, ClassNames: fashionmnist.ClassNames[:]}.Figure()
}

// Mistakes draws the n images the model got wrong with the most confidence.
func Mistakes(p *fashion.Predictions, n int) (*viz.Figure, error) {
	g := viz.MistakeGallery{
		Title: "The most confident mistakes", Labels: p.Split.Labels(), Predicted: p.Classes, Confidence: p.Confidence,
		ClassNames: fashionmnist.ClassNames[:], Count: n,
	}
	for i := range p.Split.Len() {
		g.Images = append(g.Images, p.Split.Image(i))
	}
	return g.Figure()
}

// named is a figure to write, with its file name (no extension).
type named struct {
	name string
	make func() (*viz.Figure, error)
}

// WriteAll writes every figure that applies, as PNG and SVG, into dir: the
// data figures always; the learning rate of the model's recipe (the
// article's without a model) when its optimizer says its rate, as SGD does
// (a saved record of another optimizer holds only its name); the model
// figures when m is not nil. It returns the paths written.
func WriteAll(dir string, d *fashionmnist.Data, m *fashion.Model) ([]string, error) {
	list := []named{
		{"01-first-images", func() (*viz.Figure, error) { return FirstImages(d.TrainFile, 20, 5) }},
		{"02-one-per-class", func() (*viz.Figure, error) { return OnePerClass(d.TrainFile) }},
		{"03-pixels-raw", func() (*viz.Figure, error) { return PixelValues(d.TrainFile, 0, false) }},
		{"04-pixels-scaled", func() (*viz.Figure, error) { return PixelValues(d.TrainFile, 0, true) }},
		{"05-class-distribution", func() (*viz.Figure, error) { return ClassDistribution(d) }},
	}
	r := fashion.ArticleRecipe()
	if m != nil && m.Recipe() != nil {
		r = *m.Recipe()
	}
	if r.LearningRateAt(0) != 0 {
		list = append(list, named{"06-learning-rate", func() (*viz.Figure, error) {
			return LearningRate(r, r.Epochs*((d.Train.Len()+r.BatchSize-1)/r.BatchSize))
		}})
	}
	if m != nil {
		p, err := m.PredictAll(d.Test)
		if err != nil {
			return nil, err
		}
		list = append(list,
			named{"07-predictions", func() (*viz.Figure, error) { return Predictions(p, 20) }},
			named{"08-probabilities", func() (*viz.Figure, error) { return Probabilities(p, 0) }},
			named{"09-confusion-matrix", func() (*viz.Figure, error) { return Confusion(p) }},
			named{"10-class-accuracy", func() (*viz.Figure, error) { return ClassAccuracy(p) }},
			named{"11-mistakes", func() (*viz.Figure, error) { return Mistakes(p, 20) }},
			named{"12-weights", func() (*viz.Figure, error) { return initialAndTrainedWeights(m, "dense") }},
			named{"14-weight-images", func() (*viz.Figure, error) { return WeightImages(m, "dense", 10) }},
		)
		if h := m.History(); h != nil && len(h.Epochs) > 0 {
			list = append(list, named{"13-training-curves", func() (*viz.Figure, error) { return TrainingCurves(h) }})
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	var written []string
	for _, n := range list {
		f, err := n.make()
		if err != nil {
			return written, fmt.Errorf("figure %s: %w", n.name, err)
		}
		for _, ext := range []string{".png", ".svg"} {
			path := filepath.Join(dir, n.name+ext)
			if err := f.Save(path); err != nil {
				return written, fmt.Errorf("figure %s: %w", n.name, err)
			}
			written = append(written, path)
		}
	}
	return written, nil
}
