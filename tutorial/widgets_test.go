package tutorial

import (
	"bytes"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

func TestFilterImages(t *testing.T) {
	labels := []int{0, 1, 2, 1, 9}
	predicted := []int{0, 2, 2, 1, 7}
	for _, c := range []struct {
		filter int
		want   []int
	}{
		{filterAll, []int{0, 1, 2, 3, 4}},
		{filterMistakes, []int{1, 4}},
		{filterFirstClass + 1, []int{1, 3}},
		{filterFirstClass + 9, []int{4}},
		{filterFirstClass + 5, nil},
	} {
		got, err := filterImages(labels, predicted, c.filter)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("filter %d (%s): %v, %v; want %v", c.filter, filterChoices()[c.filter], got, err, c.want)
		}
	}
	for _, bad := range []int{-1, filterFirstClass + fashionmnist.NumClasses} {
		if _, err := filterImages(labels, predicted, bad); err == nil {
			t.Errorf("filter %d: no error", bad)
		}
	}
	if _, err := filterImages(labels, predicted[:2], filterAll); err == nil {
		t.Error("labels and predictions of different lengths: no error")
	}
	if n := len(filterChoices()); n != filterFirstClass+fashionmnist.NumClasses {
		t.Errorf("%d filter choices", n)
	}
}

// fakeTest is a split of n images with labels i%10, and a model that
// predicts class 0 for every third image and the label otherwise; calls
// counts the images it was asked for.
func fakeTest(t *testing.T, n int) (s *fashionmnist.Split, predict func(from, to int) ([][]float32, error), calls *int) {
	t.Helper()
	labels := make([]uint8, n)
	pixels := make([]uint8, n*fashionmnist.ImagePixels)
	for i := range labels {
		labels[i] = uint8(i % 10)
		pixels[i*fashionmnist.ImagePixels+i%fashionmnist.ImagePixels] = 255
	}
	s, err := fashionmnist.NewSplit("test", pixels, labels)
	if err != nil {
		t.Fatal(err)
	}
	calls = new(int)
	predict = func(from, to int) ([][]float32, error) {
		var out [][]float32
		for i := from; i < to; i++ {
			*calls++
			c := int(labels[i])
			if i%3 == 0 {
				c = 0
			}
			probs := make([]float32, fashionmnist.NumClasses)
			probs[c] = 0.9
			probs[(c+1)%10] = 0.1
			out = append(out, probs)
		}
		return out, nil
	}
	return s, predict, calls
}

func TestBrowser(t *testing.T) {
	s, predict, calls := fakeTest(t, 30)
	b := newBrowser(s, predict)
	b.move(13)
	view := b.view()
	for _, want := range []string{`data-image="13"`, `data-label="Dress"`, `data-answer="Dress"`, "Test image 13 (14 of 30 shown), true class Dress. The model says Dress (90%)", "right."} {
		if !strings.Contains(view, want) {
			t.Errorf("view of image 13 lacks %q:\n%s", want, view)
		}
	}
	if *calls != 1 {
		t.Errorf("the view of one image asked the model for %d images", *calls)
	}
	// Mistakes, before the model answered every image: none shown yet.
	if err := b.setFilter(filterMistakes); err != nil {
		t.Fatal(err)
	}
	if b.image() != -1 || !strings.Contains(b.view(), "answered 1 of the 30 test images so far") {
		t.Errorf("mistakes before all answers: image %d, view %s", b.image(), b.view())
	}
	// The answers of the background (in two batches): every third image whose
	// label is not 0 is a mistake: 3, 6, 9, 12, ...
	first, _ := predict(0, 20)
	b.record(0, first)
	if b.kept != nil {
		t.Errorf("mistakes kept with 20 answers of 30: %v", b.kept)
	}
	rest, _ := predict(20, 30)
	b.record(20, rest)
	if b.image() != 3 {
		t.Errorf("first mistake: image %d, want 3", b.image())
	}
	b.move(1)
	view = b.view()
	if !strings.Contains(view, `data-image="6"`) || !strings.Contains(view, `data-answer="T-shirt/top"`) || !strings.Contains(view, "wrong.") ||
		!strings.Contains(view, "fw-answer fw-wrong") {
		t.Errorf("view of the second mistake:\n%s", view)
	}
	b.move(1000)
	if b.image() != 27 || b.last() != 8 {
		t.Errorf("past the last mistake: image %d, last position %d; want 27, 8", b.image(), b.last())
	}
	if err := b.setFilter(filterFirstClass + 0); err != nil {
		t.Fatal(err)
	}
	if b.image() != 0 || len(b.kept) != 3 {
		t.Errorf("class 0: image %d of %d kept", b.image(), len(b.kept))
	}
	if err := b.setFilter(filterFirstClass + 10); err == nil {
		t.Error("filter of class 10: no error")
	}
	// A filter that keeps nothing: image 0 of class 0 is right (predicted 0).
	s, predict, _ = fakeTest(t, 1)
	b = newBrowser(s, predict)
	b.view()
	if err := b.setFilter(filterMistakes); err != nil {
		t.Fatal(err)
	}
	if b.image() != -1 || !strings.Contains(b.view(), "no mistake of this kind") {
		t.Errorf("no mistakes: image %d, view %s", b.image(), b.view())
	}
	// A model that fails: the view says so.
	b = newBrowser(s, func(int, int) ([][]float32, error) { return nil, errors.New("out of memory") })
	if v := b.view(); !strings.Contains(v, "test image 0: out of memory") || !strings.Contains(v, `data-error="1"`) {
		t.Errorf("failing model: view %s", v)
	}
}

func TestProbabilityBars(t *testing.T) {
	probs := make([]float32, 10)
	probs[7], probs[5] = 0.75, 0.25
	bars := probabilityBars(probs, fashionmnist.ClassNames[:], 5)
	if n := strings.Count(bars, `data-class=`); n != 10 {
		t.Errorf("%d bars", n)
	}
	if !strings.Contains(bars, `class="fw-bar fw-answer fw-wrong" data-class="Sneaker" data-p="0.7500"`) ||
		!strings.Contains(bars, `width:75.0%`) || !strings.Contains(bars, `width:25.0%`) {
		t.Errorf("bars:\n%s", bars)
	}
	if strings.Contains(probabilityBars(probs, fashionmnist.ClassNames[:], -1), "fw-wrong") {
		t.Error("without a label, the answer is marked wrong")
	}
}

func TestParseStrokes(t *testing.T) {
	strokes, err := parseStrokes(`[[10, 20, 30.4, 40.6], [], [5, 6]]`)
	if err != nil {
		t.Fatal(err)
	}
	want := []stroke{{{10, 20}, {30, 41}}, {{5, 6}}}
	if len(strokes) != len(want) || !slices.Equal(strokes[0], want[0]) || !slices.Equal(strokes[1], want[1]) {
		t.Errorf("strokes = %v, want %v", strokes, want)
	}
	if s, err := parseStrokes(`[]`); err != nil || !blank(s) {
		t.Errorf("empty drawing: %v, %v", s, err)
	}
	for _, bad := range []string{``, `{`, `[[1, 2, 3]]`, `[["a", 1]]`, `[1, 2]`} {
		if _, err := parseStrokes(bad); err == nil {
			t.Errorf("parseStrokes(%q): no error", bad)
		}
	}
	huge := "[[" + strings.Repeat("1,", 2*maxStrokePoints) + "1,1]]"
	if _, err := parseStrokes(huge); err == nil {
		t.Error("too many points: no error")
	}
}

// ink counts the black pixels of a picture in a rectangle.
func ink(img *image.Gray, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.GrayAt(x, y).Y == 0 {
				n++
			}
		}
	}
	return n
}

func TestRasterise(t *testing.T) {
	img := rasterise([]stroke{{{140, 40}, {140, 240}}}, padSize, padPen)
	if img.Bounds() != image.Rect(0, 0, padSize, padSize) {
		t.Fatalf("bounds %v", img.Bounds())
	}
	// The pen is 18 pixels wide, 9 either side of the path, with round ends.
	if ink(img, image.Rect(131, 40, 150, 241)) != 19*201 {
		t.Errorf("the bar is not solid: %d black pixels of %d", ink(img, image.Rect(131, 40, 150, 241)), 19*201)
	}
	if n := ink(img, img.Bounds()); n-19*201 > 2*(9*9*4) || n-19*201 < 9*9*2 {
		t.Errorf("%d black pixels in all, for a bar of %d and two round ends", n, 19*201)
	}
	for _, p := range []image.Point{{129, 100}, {151, 100}, {140, 29}, {140, 251}, {0, 0}} {
		if img.GrayAt(p.X, p.Y).Y != 255 {
			t.Errorf("pixel %v is inked", p)
		}
	}
	dot := rasterise([]stroke{{{10, 10}}}, 50, 6)
	if n := ink(dot, dot.Bounds()); n < 20 || n > 36 || dot.GrayAt(10, 10).Y != 0 {
		t.Errorf("a dot of pen 6: %d pixels", n)
	}
	// Off the pad: clipped, no panic.
	edge := rasterise([]stroke{{{-50, -50}, {10, 10}}}, 50, 6)
	if edge.GrayAt(0, 0).Y != 0 {
		t.Error("a stroke from off the pad does not reach its corner")
	}
}

// TestSampleDrawingsAsTheModelSeesThem checks that the sample drawings go
// through the preparation of `fashion predict --image`: light on black, the
// drawing's longer side filling the 28 pixels.
func TestSampleDrawingsAsTheModelSeesThem(t *testing.T) {
	m := Must(fashion.New(Backend(), fashion.ArticleMLP, Seed))
	r := reader{m}
	for _, s := range sampleDrawings {
		prepared, probs, err := r.readDrawing(s.strokes)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if prepared.Bounds() != image.Rect(0, 0, 28, 28) || len(probs) != 10 {
			t.Fatalf("%s: %v, %d probabilities", s.name, prepared.Bounds(), len(probs))
		}
		if prepared.GrayAt(0, 0).Y != 0 {
			t.Errorf("%s: the background is %d, not black", s.name, prepared.GrayAt(0, 0).Y)
		}
		lit := 0
		top, bottom := 28, -1
		for y := range 28 {
			for x := range 28 {
				if prepared.GrayAt(x, y).Y > 128 {
					lit++
					top, bottom = min(top, y), max(bottom, y)
				}
			}
		}
		if lit < 20 || bottom-top < 24 {
			t.Errorf("%s: %d light pixels, rows %d to %d", s.name, lit, top, bottom)
		}
		view := readingView(s.name, prepared, probs, m.ClassNames())
		if !strings.Contains(view, `data-answer="`+m.ClassNames()[fashion.ArgMax(probs)]+`"`) || !strings.Contains(view, "data:image/png;base64,") {
			t.Errorf("%s: view %s", s.name, view)
		}
	}
	// The vertical bar, prepared, is the preparation of its picture.
	bar := rasterise(sampleDrawings[0].strokes, padSize, padPen)
	want := fashionmnist.PreparePicture(bar)
	got, _, _ := r.readDrawing(sampleDrawings[0].strokes)
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Error("readDrawing does not prepare the drawing as fashionmnist.PreparePicture")
	}
}

func TestReadFile(t *testing.T) {
	m := Must(fashion.New(Backend(), fashion.ArticleMLP, Seed))
	r := reader{m}
	img := image.NewRGBA(image.Rect(0, 0, 60, 40))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := 10; y < 30; y++ {
		for x := 20; x < 40; x++ {
			img.Set(x, y, color.RGBA{200, 0, 0, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	prepared, probs, err := r.readFile(b.Bytes())
	if err != nil || len(probs) != 10 {
		t.Fatalf("readFile: %v", err)
	}
	path := filepath.Join(t.TempDir(), "picture.png")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := fashionmnist.ReadPicture(path)
	if err != nil || !bytes.Equal(prepared.Pix, want.Pix) {
		t.Errorf("readFile does not read the picture as fashionmnist.ReadPicture: %v", err)
	}
	if _, _, err := r.readFile([]byte("GIF89a, or not")); err == nil {
		t.Error("not a picture: no error")
	}
}

// TestStopButton checks LiveCurves: without a page it only draws; with its
// Stop button pressed it returns fashion.ErrStopTraining at the end of the
// epoch, which Fit treats as a clean stop.
func TestStopButton(t *testing.T) {
	rec, text := capture(t)
	m := Must(fashion.New(Backend(), fashion.ArticleMLP, Seed))
	d := smallData(t)
	r := fashion.ArticleRecipe()
	r.Seed, r.Epochs, r.Patience = Seed, 3, -1
	curves := LiveCurves().(*liveCurves)
	h, err := m.Fit(d.Train, nil, r, curves)
	if err != nil || len(h.Epochs) != 3 {
		t.Fatalf("without a page: %v, %d epochs", err, len(h.Epochs))
	}
	if rec.updates < 3 || len(rec.images) != 1 {
		t.Errorf("%d updates, %d lasting pictures", rec.updates, len(rec.images))
	}

	// With a Stop button, pressed during the first epoch.
	m = Must(fashion.New(Backend(), fashion.ArticleMLP, Seed))
	button := &stopButton{page: &livePage{id: "test", ended: make(chan struct{})}}
	button.press.Store(true)
	pressed := &pressedCurves{liveCurves: &liveCurves{id: "x"}, button: button}
	h, err = m.Fit(d.Train, nil, r, pressed)
	if err != nil || len(h.Epochs) != 1 || !h.StoppedEarly {
		t.Fatalf("stopped: %v, %d epochs, stopped early %v", err, len(h.Epochs), h.StoppedEarly)
	}
	if !strings.Contains(text.String(), "Stopped with the Stop button after epoch 1") {
		t.Errorf("output: %s", text)
	}
	if err := pressed.liveCurves.OnEpochEnd(m, h.Epochs[0]); !errors.Is(err, fashion.ErrStopTraining) {
		t.Errorf("OnEpochEnd with Stop pressed: %v", err)
	}
}

// pressedCurves is LiveCurves whose page answered at once with a Stop button.
type pressedCurves struct {
	*liveCurves
	button *stopButton
}

func (p *pressedCurves) OnTrainBegin(*fashion.Model, fashion.TrainInfo) error {
	p.liveCurves.stop = p.button
	return nil
}

// smallData is a data set of 64 training images.
func smallData(t *testing.T) *fashionmnist.Data {
	t.Helper()
	n := 64
	pixels := make([]uint8, n*fashionmnist.ImagePixels)
	labels := make([]uint8, n)
	for i := range labels {
		labels[i] = uint8(i % 10)
		for k := range 40 {
			pixels[i*fashionmnist.ImagePixels+int(labels[i])*70+k] = 200
		}
	}
	s, err := fashionmnist.NewSplit("train", pixels, labels)
	if err != nil {
		t.Fatal(err)
	}
	return &fashionmnist.Data{Train: s}
}

func TestRateLosses(t *testing.T) {
	runs := 0
	r := &rateLosses{run: func(rate float64) []float64 {
		runs++
		if rate > 1 {
			return []float64{2.3, 40, math.Inf(1), math.NaN()}
		}
		return []float64{2.3, 2.3 - rate, 2.3 - 2*rate}
	}, losses: map[float64][]float64{}}
	if l := r.of(0.01); len(l) != 3 || l[1] != 2.29 {
		t.Errorf("losses of 0.01: %v", l)
	}
	r.of(0.01)
	if runs != 1 {
		t.Errorf("the losses of one rate ran %d times", runs)
	}
	f, err := rateFigure(r, []float64{0.01, 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.PNG(); err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Errorf("%d runs for two rates", runs)
	}
	if rateName(0.0003) != "η = 0.0003" || rateName(3) != "η = 3" {
		t.Errorf("names: %s, %s", rateName(0.0003), rateName(3))
	}
}

// TestAwait: controls the page shows let the widget go on; controls it never
// shows (GoNB's Done waiting for ever) end the widget, with the reason,
// after pageTimeout; a widget ended meanwhile stops the wait.
func TestAwait(t *testing.T) {
	p := &livePage{id: "test", ended: make(chan struct{})}
	if !p.await(func() {}) {
		t.Fatal("await of controls made at once: false")
	}
	defer func(d time.Duration) { pageTimeout = d }(pageTimeout)
	pageTimeout = 50 * time.Millisecond
	never := make(chan struct{})
	defer close(never)
	start := time.Now()
	if p.await(func() { <-never }) {
		t.Fatal("await of controls never made: true")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("await took %s, for a timeout of %s", took, pageTimeout)
	}
	select {
	case <-p.ended:
	default:
		t.Fatal("the widget did not end")
	}
	if !strings.Contains(p.why, "did not show its controls") {
		t.Errorf("why: %q", p.why)
	}
	pageTimeout = time.Hour
	q := &livePage{id: "test2", ended: make(chan struct{})}
	go q.end("you clicked Done")
	if q.await(func() { <-never }) {
		t.Fatal("await of a widget that ended: true")
	}
}

// TestSetKeepsShown: what set sends is kept, latest first, for resend to send
// again after a lost message; nothing is kept once the widget ended.
func TestSetKeepsShown(t *testing.T) {
	p := &livePage{id: "w", ended: make(chan struct{})}
	p.set(map[string]string{"view": "one", "rate": ""})
	p.set(map[string]string{"view": "two"})
	want := map[string]string{"w-view": "two", "w-rate": " "}
	if !maps.Equal(p.shown, want) {
		t.Errorf("shown %v, want %v", p.shown, want)
	}
	p.resend()
	p.end("done")
	p.set(map[string]string{"view": "three"})
	if p.shown["w-view"] != "two" {
		t.Errorf("after the end, shown %v", p.shown)
	}
}

// TestPadViews: the pad's views of a drawing, of a blank pad, of bad
// strokes, of a picture and of a file that is no picture; and the sample
// strokes are the first sample drawing.
func TestPadViews(t *testing.T) {
	m := Must(fashion.New(Backend(), fashion.ArticleMLP, Seed))
	r, names := reader{m}, m.ClassNames()
	strokes, err := parseStrokes(sampleStrokes)
	if err != nil || len(strokes) != 1 || !slices.Equal(strokes[0], sampleDrawings[0].strokes[0]) {
		t.Fatalf("sampleStrokes %s: %v, %v", sampleStrokes, strokes, err)
	}
	prepared, probs, _ := r.readDrawing(strokes)
	if v := padReading(r, names, sampleStrokes); v != readingView("your drawing (1 stroke)", prepared, probs, names) {
		t.Errorf("the view of a drawing:\n%s", v)
	}
	if v := padReading(r, names, `[[10,10,20,20],[30,30]]`); !strings.Contains(v, `data-what="your drawing (2 strokes)"`) {
		t.Errorf("the view of two strokes:\n%s", v)
	}
	if v := padReading(r, names, "[]"); v != padPrompt {
		t.Errorf("the view of a blank pad: %s", v)
	}
	if v := padReading(r, names, "[[1,2,3]]"); !strings.Contains(v, `data-error="1"`) || !strings.Contains(v, "odd number of coordinates") {
		t.Errorf("the view of bad strokes: %s", v)
	}
	if v := padPicture(r, names, []byte("not a picture")); !strings.Contains(v, `data-error="1"`) || !strings.Contains(v, "your picture: ") {
		t.Errorf("the view of a file that is no picture: %s", v)
	}
	if v := padPicture(r, names, make([]byte, maxUploadBytes+1)); !strings.Contains(v, "larger than 20 MB") {
		t.Errorf("the view of a file too large: %s", v)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, rasterise(strokes, padSize, padPen)); err != nil {
		t.Fatal(err)
	}
	if v := padPicture(r, names, b.Bytes()); v != readingView("your picture", prepared, probs, names) {
		t.Errorf("the view of the drawing as a PNG file:\n%s", v)
	}
	still, err := padStill(r, names)
	if err != nil || strings.Count(still, `class="fw-answer-line"`) != len(sampleDrawings) {
		t.Errorf("the still picture: %v\n%s", err, still)
	}
}

// TestExplorerHTML: the explorer's output holds one figure per explored
// rate, each computed by the learner's run at that rate (once), starts on
// the reference, and each figure differs.
func TestExplorerHTML(t *testing.T) {
	var ran []float64
	r := &rateLosses{run: func(rate float64) []float64 {
		ran = append(ran, rate)
		return []float64{2.3, 2.3 - rate/10, 2.3 - rate/5}
	}, losses: map[float64][]float64{}}
	out, err := explorerHTML(r, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(slices.Sorted(slices.Values(ran)), exploredRates) {
		t.Errorf("the rates run: %v, want each of %v once", ran, exploredRates)
	}
	start := strings.Index(out, "choices = ") + len("choices = ")
	end := strings.Index(out[start:], ";\n")
	var choices []struct {
		Rate float64
		Name string
		PNG  string
	}
	if start < len("choices = ") || end < 0 {
		t.Fatalf("no choices in:\n%.300s", out)
	}
	if err := json.Unmarshal([]byte(out[start:start+end]), &choices); err != nil || len(choices) != len(exploredRates) {
		t.Fatalf("choices: %v, %d of them", err, len(choices))
	}
	seen := map[string]bool{}
	for i, c := range choices {
		if c.Rate != exploredRates[i] || c.Name != rateName(c.Rate) || !strings.HasPrefix(c.PNG, "data:image/png;base64,") || seen[c.PNG] {
			t.Errorf("choice %d: rate %g, name %q, a new PNG %v", i, c.Rate, c.Name, !seen[c.PNG])
		}
		seen[c.PNG] = true
	}
	if !strings.Contains(out, `value="4"`) || !strings.Contains(out, `data-rate="0.01">η = 0.01</b>`) || !strings.Contains(out, `src="`+choices[4].PNG+`"`) {
		t.Error("the explorer does not start on 0.01")
	}
}
