package viz

import (
	"image"
	"image/color"
	"math"
	"testing"
)

func TestNewRaster(t *testing.T) {
	r, err := NewRaster([]float32{0, 0.5, 1, 0.25, 0.75, 1}, 3, 2, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Width != 3 || r.Height != 2 || r.Values[1] != 0.5 || r.Values[3] != 0.25 || r.Max != 1 {
		t.Errorf("NewRaster = %+v", r)
	}
	if _, err := NewRaster([]uint8{1, 2, 3}, 2, 2, 0, 255); err == nil {
		t.Error("3 values for 2x2 pixels: no error")
	}
	if _, err := NewRaster([]float64{1, math.NaN(), 3, 4}, 2, 2, 0, 255); err == nil {
		t.Error("NaN value: no error")
	}
	if _, err := NewRaster([]float64{1, 2, 3, 4}, 2, 2, 1, 1); err == nil {
		t.Error("empty value range: no error")
	}
	if _, err := NewRaster([]float64{}, 0, 0, 0, 1); err == nil {
		t.Error("0x0 raster: no error")
	}
}

func TestGrayRaster(t *testing.T) {
	img := testImage(5)
	r := GrayRaster(img)
	if r.Width != 28 || r.Height != 28 || r.Min != 0 || r.Max != 255 {
		t.Fatalf("GrayRaster: %dx%d over [%v, %v]", r.Width, r.Height, r.Min, r.Max)
	}
	for _, p := range []image.Point{{0, 0}, {3, 17}, {27, 27}} {
		if got, want := r.Values[p.Y*28+p.X], float64(img.GrayAt(p.X, p.Y).Y); got != want {
			t.Errorf("value at %v = %v, want %v", p, got, want)
		}
	}
}

// TestImageViewDrawsEveryPixel draws a picture of one grey and counts the
// figure pixels of that grey: all Scale x Scale blocks must be there.
func TestImageViewDrawsEveryPixel(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	for i := range img.Pix {
		img.Pix[i] = 77
	}
	fig, err := ImageView{Title: "pixels", Image: GrayRaster(img), Scale: 10}.Figure()
	if err != nil {
		t.Fatal(err)
	}
	out := checkRenders(t, fig, 400, 1000, 300, 1000)
	n := 0
	b := out.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(out.At(x, y)) == gray(77) {
				n++
			}
		}
	}
	// The colour bar shows grey 77 too, in a strip a few pixels high.
	if want := 280 * 280; n < want || n > want+200 {
		t.Errorf("%d figure pixels of grey 77, want %d and a few of the colour bar", n, want)
	}
}

func TestImageViewScaledValues(t *testing.T) {
	img := testImage(2)
	scaled := make([]float32, len(img.Pix))
	for i, p := range img.Pix {
		scaled[i] = float32(p) / 255
	}
	r, err := NewRaster(scaled, 28, 28, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	fig, err := ImageView{Title: "scaled", Image: r, ValueLabel: "scaled value"}.Figure()
	if err != nil {
		t.Fatal(err)
	}
	checkRenders(t, fig, 500, 1000, 450, 1000)
}

func TestImageViewBadInput(t *testing.T) {
	good := GrayRaster(testImage(1))
	for name, v := range map[string]ImageView{
		"zero raster":        {},
		"short values":       {Image: Raster{Width: 28, Height: 28, Values: good.Values[:10], Max: 255}},
		"inverted range":     {Image: Raster{Width: 28, Height: 28, Values: good.Values, Min: 1, Max: 0}},
		"infinite value":     {Image: Raster{Width: 1, Height: 1, Values: []float64{math.Inf(1)}, Max: 1}},
		"negative scale":     {Image: good, Scale: -1},
		"colourless palette": {Image: good, Palette: emptyPalette{}},
	} {
		if _, err := v.Figure(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
