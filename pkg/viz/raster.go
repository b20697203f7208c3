package viz

import (
	"image"
	"math"
)

// Raster is a picture of real values, such as pixels before (0 to 255) or
// after (0 to 1) scaling, stored row by row from the top-left corner.
type Raster struct {
	// Width and Height are the picture's size in pixels.
	Width, Height int
	// Values holds Width*Height values, row by row.
	Values []float64
	// Min and Max are the values shown as the first and the last colour of
	// the palette; values outside are shown as Min or Max.
	Min, Max float64
}

// NewRaster returns the raster of width x height values (row by row) shown
// over the range [min, max]. It copies values.
func NewRaster[T uint8 | float32 | float64](values []T, width, height int, min, max float64) (Raster, error) {
	r := Raster{Width: width, Height: height, Values: make([]float64, len(values)), Min: min, Max: max}
	for i, v := range values {
		r.Values[i] = float64(v)
	}
	if err := r.check(); err != nil {
		return Raster{}, err
	}
	return r, nil
}

// GrayRaster returns the pixels of img as a raster over [0, 255].
func GrayRaster(img *image.Gray) Raster {
	b := img.Bounds()
	r := Raster{Width: b.Dx(), Height: b.Dy(), Values: make([]float64, 0, b.Dx()*b.Dy()), Max: 255}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r.Values = append(r.Values, float64(img.GrayAt(x, y).Y))
		}
	}
	return r
}

// check reports a raster that cannot be drawn.
func (r Raster) check() error {
	if r.Width <= 0 || r.Height <= 0 {
		return errorf("raster is %dx%d pixels, want at least 1x1", r.Width, r.Height)
	}
	if err := checkLen("raster values", len(r.Values), r.Width*r.Height, "pixels"); err != nil {
		return err
	}
	if err := checkFinite("raster value", r.Values); err != nil {
		return err
	}
	if math.IsNaN(r.Min) || math.IsNaN(r.Max) || math.IsInf(r.Min, 0) || math.IsInf(r.Max, 0) || r.Min >= r.Max {
		return errorf("raster value range [%v, %v] is empty or not finite", r.Min, r.Max)
	}
	return nil
}
