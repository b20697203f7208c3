package viz

import (
	"bytes"
	"image/color"
	"io"

	"github.com/fashion-gomlx/fashion-gomlx/internal/atomicfile"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DPI is the resolution of PNG output, in dots per inch. At 96 DPI one
// figure pixel is one CSS pixel, so PNG and SVG show at the same size.
const DPI = 96

// Figure is a finished picture: a size and a way to draw it. Figures are
// built by the Figure methods of the figure types of this package and are
// safe to encode many times.
type Figure struct {
	width, height vg.Length
	draw          func(c draw.Canvas)
	plots         []*plot.Plot
}

// maxPixels bounds the width and height of a figure, in figure pixels, so
// a mistaken scale or size fails instead of eating the memory.
const maxPixels = 16384

// newFigure returns a figure of w x h figure pixels drawn by fn on a white
// background; fn draws the given plots, and maybe more.
func newFigure(w, h float64, fn func(c draw.Canvas), plots ...*plot.Plot) (*Figure, error) {
	if !(w >= 1 && h >= 1 && w <= maxPixels && h <= maxPixels) {
		return nil, errorf("figure would be %.0fx%.0f pixels; at most %dx%d can be drawn", w, h, maxPixels, maxPixels)
	}
	return &Figure{width: px(w), height: px(h), draw: fn, plots: plots}, nil
}

// Plots returns the gonum plots the figure draws, left to right (a plot and
// then its colour bar, the panels of training curves), for a caller to add
// plotters of their own, restyle an axis or draw a plot elsewhere: the
// figure draws them as they are when it is encoded. Picture grids, which
// are no plot, return none. The figure keeps its layout, measured when it
// was made, so an addition should not need more room around the data (a
// legend entry in an existing legend is fine, a new axis label is not).
func (f *Figure) Plots() []*plot.Plot {
	if f == nil {
		return nil
	}
	return f.plots
}

// Size returns the size of the figure in points (1/72 inch), the unit of
// its SVG encoding.
func (f *Figure) Size() (width, height vg.Length) { return f.width, f.height }

// Pixels returns the width and height of the figure's PNG encoding.
func (f *Figure) Pixels() (width, height int) {
	return int(f.width.Dots(DPI) + 0.5), int(f.height.Dots(DPI) + 0.5)
}

// Encode writes the figure to w in the given format, on the canvas gonum's
// plot.Save would use for it (draw.NewFormattedCanvas).
func (f *Figure) Encode(w io.Writer, format Format) (err error) {
	if f == nil || f.draw == nil {
		return errorf("empty figure: build figures with the Figure method of a figure type")
	}
	// gonum/plot reports some drawing problems by panicking; the figure
	// types check their input first, so this is a last line of defence.
	defer func() {
		if r := recover(); r != nil {
			err = errorf("drawing %s figure: %v", format, r)
		}
	}()
	if err := format.check(); err != nil {
		return err
	}
	c, err := draw.NewFormattedCanvas(f.width, f.height, string(format))
	if err != nil {
		return errorf("%w", err)
	}
	dc := draw.New(pixelCanvas{c})
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	f.draw(dc)
	if _, err := c.WriteTo(w); err != nil {
		return errorf("encoding %s figure: %w", format, err)
	}
	return nil
}

// encode returns the figure encoded in the given format.
func (f *Figure) encode(format Format) ([]byte, error) {
	var buf bytes.Buffer
	if err := f.Encode(&buf, format); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// PNG returns the figure as a PNG image of Pixels() size.
func (f *Figure) PNG() ([]byte, error) { return f.encode(PNG) }

// SVG returns the figure as an SVG document.
func (f *Figure) SVG() ([]byte, error) { return f.encode(SVG) }

// Save writes the figure to path in the format its extension names
// (.png, .svg or another of plot.Save's). It writes a temporary file in the same directory and
// renames it, so path never holds a half-written picture.
func (f *Figure) Save(path string) error {
	format, err := formatOf(path)
	if err != nil {
		return err
	}
	data, err := f.encode(format)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return errorf("saving figure: %w", err)
	}
	return nil
}
