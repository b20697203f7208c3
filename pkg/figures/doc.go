// Package figures draws the tutorial's pictures of the data set, the model
// and its training: it turns the values of pkg/fashionmnist (splits,
// images, labels) and pkg/fashion (history, recipe, weights, predictions)
// into pkg/viz figures, and WriteAll writes them all as PNG and SVG files.
// The command-line tool and the tutorial both call it, so a figure looks
// the same in a terminal's files and in a notebook.
//
// It may import pkg/fashionmnist, pkg/fashion and pkg/viz, and no backend:
// the program that calls it chooses one. Its tests compare every figure
// with a golden image in testdata (go test ./pkg/figures -regen rewrites
// them).
package figures
