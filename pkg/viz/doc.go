// Package viz draws the figures of the Fashion-MNIST tutorial from plain Go
// values: pixels, labels, per-epoch numbers and matrices.
//
// It knows nothing of models, tensors or notebooks, so any figure can be
// reused elsewhere. Each figure is described by a small struct (ImageGrid,
// TrainingCurves, ConfusionMatrix, ...) whose Figure method checks the
// input and returns a *Figure: a picture that can be encoded as PNG or SVG,
// as bytes or into a file.
//
// # Sizes
//
// Figures are laid out in pixels at DPI dots per inch; lengths in the SVG
// are points (1/72 inch), so a figure looks the same size in both formats
// (96 CSS pixels per inch). Plots are about 900 pixels wide, to read well at
// notebook width.
//
// # Pixels
//
// Pictures are drawn true to their pixels: each image pixel becomes a
// square block of Scale x Scale figure pixels (nearest neighbour, no
// smoothing). Grey values follow image.Gray: 0 is black and 255 is white,
// which is also how Fashion-MNIST stores its pictures (a dark background
// of zeros behind a light garment). A palette.Palette may replace the
// grey scale; Reverse(Grayscale()) gives the white-background rendering
// of Matplotlib's "binary" colour map, and gonum's palette/moreland
// colour maps give false colours (moreland.Kindlmann().Palette(256)).
package viz
