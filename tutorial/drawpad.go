package tutorial

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"math"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
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

// sampleStrokes is the first sample drawing as the pad sends it.
var sampleStrokes = func() string {
	var flat []int
	for _, p := range sampleDrawings[0].strokes[0] {
		flat = append(flat, p.X, p.Y)
	}
	data, _ := json.Marshal([][]int{flat})
	return string(data)
}()

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

// readFile reads a picture file as `fashion predict --image` reads it
// (fashionmnist.DecodePicture, as ReadPicture).
func (r reader) readFile(data []byte) (*image.Gray, []float32, error) {
	prepared, err := fashionmnist.DecodePicture(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
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

// padHTML is the drawing pad's live part: its controls, the pad, and the
// view of what the model reads (set by the page program).
func padHTML() string {
	return fmt.Sprintf(`<div class="fw-controls"><button type="button" data-part="clear">Clear</button> `+
		`<label>Load a picture: <input type="file" accept="image/png,image/jpeg,image/gif" data-part="file"></label></div>`+
		`<div class="fw-row"><canvas class="fw-pad" data-part="pad" width="%d" height="%d" style="width:%dpx;height:%dpx"></canvas>`+
		`<div data-part="view">%s</div></div>`+
		`<div class="fw-note">Draw with the mouse (or a finger): after each stroke, the right side shows the drawing as the model sees it, `+
		`28 x 28, and what the model answers. Clear starts again. The model runs in this page: it answers with the kernel stopped too.</div>`,
		padSize, padSize, padSize, padSize, padPrompt)
}

// padPrompt is the pad's view before the first stroke.
const padPrompt = `<div class="fw-answer-line" data-answer="">Draw a garment on the pad.</div>`

// padReading returns the pad's view after a drawing changed: what the model
// reads in it, or the prompt when it is blank.
func padReading(r reader, names []string, text string) string {
	strokes, err := parseStrokes(text)
	if err != nil {
		return errorLine("your drawing: " + err.Error())
	}
	if blank(strokes) {
		return padPrompt
	}
	prepared, probs, err := r.readDrawing(strokes)
	if err != nil {
		return errorLine("your drawing: " + err.Error())
	}
	what := "your drawing (1 stroke)"
	if len(strokes) != 1 {
		what = fmt.Sprintf("your drawing (%d strokes)", len(strokes))
	}
	return readingView(what, prepared, probs, names)
}

// padPicture returns the pad's view of a picture file.
func padPicture(r reader, names []string, data []byte) string {
	if len(data) > maxUploadBytes {
		return errorLine(fmt.Sprintf("your picture: the file is larger than %d MB: pick a smaller picture", maxUploadBytes>>20))
	}
	prepared, probs, err := r.readFile(data)
	if err != nil {
		return errorLine("your picture: " + err.Error())
	}
	return readingView("your picture", prepared, probs, names)
}

// errorLine is a view that says what went wrong.
func errorLine(text string) string {
	return `<div class="fw-answer-line" data-answer="" data-error="1">` + html.EscapeString(text) + `</div>`
}

// padStill is the pad's still picture: what the model reads in
// sampleDrawings.
func padStill(r reader, names []string) (string, error) {
	var b strings.Builder
	b.WriteString(`<div class="fw-note">Drawings made in code (a live page lets you draw your own):</div>`)
	for _, s := range sampleDrawings {
		prepared, probs, err := r.readDrawing(s.strokes)
		if err != nil {
			return "", err
		}
		b.WriteString(readingView(s.name, prepared, probs, names))
	}
	return b.String(), nil
}
