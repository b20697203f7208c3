// Package viz draws the figures of the Fashion-MNIST tutorial from plain Go
// values: pixels, labels, per-epoch numbers and matrices.
//
// It knows nothing of models, tensors or notebooks, so any figure can be
// reused elsewhere. Each figure is described by a small struct (ImageGrid,
// TrainingCurves, ConfusionMatrix, ...) whose Figure method checks the
// input and returns a *Figure: a picture that can be encoded as PNG or SVG
// (or another of gonum's plot.Save formats), as bytes or into a file.
//
// # gonum/plot underneath
//
// Figures are gonum plots drawn with gonum's plotters: plotter.HeatMap and
// plotter.ColorBar for a confusion matrix, a picture's pixels and a
// layer's weights (moreland's diverging blue to red),
// ColorBrewer's blues (palette/brewer), nominal axes (Plot.NominalX and
// NominalY) for class names, plotutil's colours, plotter.BarChart,
// Histogram, Line, Scatter, Polygon, Labels and Grid, and
// draw.NewFormattedCanvas to encode. Figure.Plots hands out a figure's
// plots, so a caller can add a plotter of their own before encoding. What
// gonum lacks is written here, each piece saying why: tick steps of 1, 2
// or 5 (niceTicks), histogram bins shared by overlaid sets, a backdrop
// behind legends, names wrapped on a category axis, a data area of an
// exact size, grids of captioned pictures, the 256 greys of image.Gray,
// and a canvas that enlarges images block by block (gonum's blur them in
// PNG and distort them in SVG).
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
//
// # Imports
//
// It may import the standard library, gonum/plot and the project's small
// internal helpers (internal/atomicfile, ...) only: no GoMLX, no model, no
// backend, no notebook (a test checks it). pkg/figures turns the model's values into the plain values drawn
// here.
//
// # Tests
//
// The tests compare every figure kind with a golden image in testdata,
// as gonum/plot's do (cmpimg); go test ./pkg/viz -regen rewrites them.
package viz
