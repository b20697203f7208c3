package viz

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Format is an image file format a Figure can be encoded to.
type Format string

// The formats a Figure can be encoded to.
const (
	PNG Format = "png" // raster image, DPI dots per inch
	SVG Format = "svg" // vector image, lengths in points
)

// FormatOf returns the format that the extension of path names
// (".png" or ".svg", in any case).
func FormatOf(path string) (Format, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		return PNG, nil
	case ".svg":
		return SVG, nil
	case "":
		return "", fmt.Errorf("viz: %q has no extension: want .png or .svg", path)
	default:
		return "", fmt.Errorf("viz: unknown image extension %q in %q: want .png or .svg", ext, path)
	}
}
