package tutorial

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image"
	"image/color"
	"math"
	"os"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/janpfeifer/gonb/gonbui/comms"
)

// Chapter 10: drawing a garment for the model to read.

// The drawing pad: a square canvas of padSize pixels, drawn with a round pen
// padPen pixels wide, black on white (as a garment on a product photo's
// light background).
const (
	padSize = 280
	padPen  = 18
)

// maxStrokePoints bounds the points of a drawing the pad accepts.
const maxStrokePoints = 100_000

// A stroke is the path of the pen from the moment it touches the pad to the
// moment it leaves it, in pad pixels.
type stroke []image.Point

// parseStrokes reads the strokes the page sends: a JSON list of strokes,
// each a flat list of coordinates x0, y0, x1, y1, ...
func parseStrokes(text string) ([]stroke, error) {
	var raw [][]float64
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, fmt.Errorf("strokes: %w", err)
	}
	var strokes []stroke
	points := 0
	for i, flat := range raw {
		if len(flat)%2 != 0 {
			return nil, fmt.Errorf("strokes: stroke %d has an odd number of coordinates (%d)", i, len(flat))
		}
		if points += len(flat) / 2; points > maxStrokePoints {
			return nil, fmt.Errorf("strokes: more than %d points", maxStrokePoints)
		}
		if len(flat) == 0 {
			continue
		}
		s := make(stroke, len(flat)/2)
		for k := range s {
			x, y := flat[2*k], flat[2*k+1]
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
				return nil, fmt.Errorf("strokes: stroke %d: point %d is not a number", i, k)
			}
			s[k] = image.Pt(int(math.Round(x)), int(math.Round(y)))
		}
		strokes = append(strokes, s)
	}
	return strokes, nil
}

// rasterise draws strokes as the pad shows them: on a white size x size
// picture, every pixel whose centre lies within pen/2 of a stroke's path is
// black (a single point is a dot).
func rasterise(strokes []stroke, size int, pen float64) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, size, size))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	r := pen / 2
	for _, s := range strokes {
		for k := range s {
			a, b := s[k], s[k]
			if k+1 < len(s) {
				b = s[k+1]
			} else if len(s) > 1 {
				continue // the last point ends the previous segment
			}
			segment(img, a, b, r)
		}
	}
	return img
}

// segment blackens the pixels within r of the segment from a to b.
func segment(img *image.Gray, a, b image.Point, r float64) {
	box := image.Rect(min(a.X, b.X)-int(r)-1, min(a.Y, b.Y)-int(r)-1, max(a.X, b.X)+int(r)+2, max(a.Y, b.Y)+int(r)+2).Intersect(img.Bounds())
	ax, ay, bx, by := float64(a.X), float64(a.Y), float64(b.X), float64(b.Y)
	dx, dy := bx-ax, by-ay
	length2 := dx*dx + dy*dy
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			px, py := float64(x), float64(y) // pixel (x, y) holds the path's point (x, y)
			t := 0.0
			if length2 > 0 {
				t = max(0, min(1, ((px-ax)*dx+(py-ay)*dy)/length2))
			}
			ex, ey := px-(ax+t*dx), py-(ay+t*dy)
			if ex*ex+ey*ey <= r*r {
				img.SetGray(x, y, color.Gray{})
			}
		}
	}
}

// blank reports whether a drawing has no ink.
func blank(strokes []stroke) bool { return len(strokes) == 0 }

// sampleDrawings are drawings made in code, on the pad's coordinates, that
// the chapter's prose discusses (tests/surfaces/lab_browser.py draws the same
// shapes with the mouse): a vertical bar, a T shape, and the outline of a
// boot.
var sampleDrawings = []struct {
	name    string
	strokes []stroke
}{
	{"a vertical bar", []stroke{{{140, 40}, {140, 240}}}},
	{"a T shape", []stroke{{{60, 50}, {220, 50}}, {{140, 50}, {140, 240}}}},
	{"a boot outline", []stroke{{{90, 40}, {90, 180}, {60, 230}, {230, 230}, {230, 195}, {160, 170}, {150, 40}, {90, 40}}}},
}

// reader predicts what a model reads in pictures prepared as `fashion predict
// --image` prepares them (fashionmnist.PreparePicture and fashionmnist.DecodePicture).
type reader struct{ m *fashion.Model }

// read returns the picture as the model sees it and the model's ten
// probabilities.
func (r reader) read(picture image.Image) (*image.Gray, []float32, error) {
	prepared, ok := picture.(*image.Gray)
	if !ok || prepared.Bounds().Dx() != fashionmnist.ImageSize || prepared.Bounds().Dy() != fashionmnist.ImageSize {
		prepared = fashionmnist.PreparePicture(picture)
	}
	pixels, err := fashionmnist.ScalePixels(prepared)
	if err != nil {
		return nil, nil, err
	}
	probs, err := r.m.Predict([][]float32{pixels})
	if err != nil {
		return nil, nil, err
	}
	return prepared, probs[0], nil
}

// readDrawing reads strokes of the pad.
func (r reader) readDrawing(strokes []stroke) (*image.Gray, []float32, error) {
	return r.read(rasterise(strokes, padSize, padPen))
}

// readFile reads a picture file, base64-encoded, as `fashion predict --image`
// reads it: from a file (a temporary one, removed after), with
// fashionmnist.ReadPicture.
func (r reader) readFile(encoded string) (*image.Gray, []float32, error) {
	data, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, nil, fmt.Errorf("the picture did not arrive whole: %w", err)
	}
	f, err := os.CreateTemp("", "fashion-picture-*")
	if err != nil {
		return nil, nil, err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, err
	}
	prepared, err := fashionmnist.ReadPicture(f.Name())
	if err != nil {
		return nil, nil, errors.New(strings.Replace(err.Error(), f.Name(), "file", 1))
	}
	return r.read(prepared)
}

// readingView returns the HTML of what the model read: the 28x28 picture as
// the model sees it, the answer and the ten probabilities.
func readingView(what string, prepared *image.Gray, probs []float32, names []string) string {
	best := fashion.ArgMax(probs)
	return fmt.Sprintf(`<div class="fw-row">%s<div><div class="fw-answer-line" data-answer="%s" data-what="%s">%s: the model says %s (%.0f%%).</div>%s</div></div>`,
		pixelsImg(prepared, 5, "what the model sees, 28 x 28"), html.EscapeString(names[best]), html.EscapeString(what),
		html.EscapeString(what), html.EscapeString(names[best]), 100*probs[best], probabilityBars(probs, names, -1))
}

//go:embed drawpad.js
var drawpadJS string

// maxUploadBytes bounds the picture file the pad loads (before base64).
const maxUploadBytes = 20 << 20

// DrawGarment shows a drawing pad: draw with the mouse (or a finger), and
// after each stroke the model reads the drawing, prepared as `fashion
// predict --image` prepares a picture (fashionmnist.PreparePicture: grey, inverted
// to light on black, trimmed, scaled into 28x28 and centred); the pad shows
// that 28x28 picture beside the model's ten probabilities. A button loads a
// picture file from the learner's computer, read the same way. The cell keeps
// running until Done (see livePage for the other ways it ends). Without a
// live page (nbconvert), it shows what the model reads in sampleDrawings and
// returns.
func DrawGarment(m *fashion.Model) {
	live := probePage()
	r := reader{m}
	names := m.ClassNames()
	if !<-live {
		fmt.Fprintln(stdout, "No live page (the notebook runs without a browser): here are drawings made in code; in JupyterLab, you draw them.")
		for _, s := range sampleDrawings {
			prepared, probs, err := r.readDrawing(s.strokes)
			check(err)
			ShowPicture(s.name, prepared, probs, names)
		}
		return
	}
	page := newLivePage("drawpad", fmt.Sprintf(`<div class="fw-controls" id="{{ID}}-controls">`+
		`<button type="button" id="{{ID}}-clear">Clear</button> `+
		`<label>Load a picture: <input type="file" accept="image/png,image/jpeg,image/gif" id="{{ID}}-file"></label></div>`+
		`<div class="fw-row"><canvas class="fw-pad" id="{{ID}}-pad" width="%d" height="%d" style="width:%dpx;height:%dpx"></canvas>`+
		`<div id="{{ID}}-view"><div class="fw-answer-line" data-answer="">Draw a garment on the pad.</div></div></div>`+
		`<div class="fw-note">Draw with the mouse (or a finger): after each stroke, the right side shows the drawing as the model sees it, `+
		`28 x 28, and what the model answers. Clear starts again. `+keepsRunning+`</div>`, padSize, padSize, padSize, padSize), true)
	var last struct {
		what     string
		prepared *image.Gray
		probs    []float32
	}
	show := func(what string, prepared *image.Gray, probs []float32, err error) {
		if err != nil {
			page.set(map[string]string{"view": `<div class="fw-answer-line" data-answer="" data-error="1">` + html.EscapeString(what+": "+err.Error()) + `</div>`})
			return
		}
		last.what, last.prepared, last.probs = what, prepared, probs
		page.set(map[string]string{"view": readingView(what, prepared, probs, names)})
	}
	var drawings, files *comms.AddressChan[string]
	if page.await(func() {
		drawings, files = listen[string](page.address("strokes")), listen[string](page.address("file"))
		page.doneButton(page.id + "-controls")
		page.script(drawpadJS, map[string]any{"pen": padPen, "maxBytes": maxUploadBytes})
	}) {
	loop:
		for {
			select {
			case text := <-drawings.C:
				strokes, err := parseStrokes(text)
				if err == nil && blank(strokes) {
					last.prepared = nil
					page.set(map[string]string{"view": `<div class="fw-answer-line" data-answer="">Draw a garment on the pad.</div>`})
					continue
				}
				if err != nil {
					show("your drawing", nil, nil, err)
					continue
				}
				prepared, probs, err := r.readDrawing(strokes)
				what := "your drawing (1 stroke)"
				if len(strokes) != 1 {
					what = fmt.Sprintf("your drawing (%d strokes)", len(strokes))
				}
				show(what, prepared, probs, err)
			case encoded := <-files.C:
				prepared, probs, err := r.readFile(encoded)
				show("your picture", prepared, probs, err)
			case <-page.ended:
				break loop
			}
		}
	}
	page.finish("The drawing pad")
	if last.prepared != nil {
		ShowPicture(last.what, last.prepared, last.probs, names)
	}
}
