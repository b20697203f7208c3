package viz

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Format is an image file format a Figure can be encoded to: one of the
// formats of gonum/plot's plot.Save (draw.NewFormattedCanvas), named by
// its file extension without the dot.
type Format string

// The formats the project writes; PDF, JPEG ("jpg" or "jpeg") and TIFF
// ("tif" or "tiff") are gonum's others. Two of gonum's are left out: EPS,
// as vgeps cannot draw the images of pictures and colour bars, and TeX, as
// vgtex writes those images as files of its own into the current
// directory.
const (
	PNG Format = "png" // raster image, DPI dots per inch
	SVG Format = "svg" // vector image, lengths in points
)

// formats are the formats of draw.NewFormattedCanvas that draw every
// figure; gonum has no list of them to ask for.
var formats = []Format{PNG, SVG, "pdf", "jpg", "jpeg", "tif", "tiff"}

// check reports a format gonum cannot write.
func (f Format) check() error {
	if !slices.Contains(formats, f) {
		return fmt.Errorf("viz: unknown image format %q: want one of %q", string(f), formats)
	}
	return nil
}

// formatOf returns the format that the extension of path names (".png",
// ".svg", ".pdf", ..., in any case).
func formatOf(path string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == "" {
		return "", fmt.Errorf("viz: %q has no extension: want .png, .svg or another of %q", path, formats)
	}
	f := Format(ext[1:])
	if err := f.check(); err != nil {
		return "", fmt.Errorf("viz: unknown image extension %q in %q: want one of %q", ext, path, formats)
	}
	return f, nil
}
