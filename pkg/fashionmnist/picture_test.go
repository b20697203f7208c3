package fashionmnist

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/testpictures"
)

// photo draws a dark 120x60 rectangle on a white 300x200 background: a
// product photo in miniature.
func photo() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for y := range 200 {
		for x := range 300 {
			c := color.RGBA{250, 250, 250, 255}
			if x >= 90 && x < 210 && y >= 70 && y < 130 {
				c = color.RGBA{40, 20, 60, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func encodeAs(t *testing.T, format string, img image.Image) []byte {
	t.Helper()
	data, err := testpictures.Encode(format, img)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestPreparePicture(t *testing.T) {
	for _, format := range []string{"png", "jpeg", "gif"} {
		t.Run(format, func(t *testing.T) {
			img, err := decodePicture(bytes.NewReader(encodeAs(t, format, photo())))
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, 28, 28) {
				t.Fatalf("bounds %v", img.Bounds())
			}
			// The light background became black, the dark object light; the
			// 2:1 object fills the width and half the height, centred.
			at := func(x, y int) uint8 { return img.GrayAt(x, y).Y }
			if at(0, 0) > 10 || at(27, 27) > 10 || at(14, 3) > 10 || at(14, 24) > 10 {
				t.Errorf("background not black: corners %d %d, above %d, below %d", at(0, 0), at(27, 27), at(14, 3), at(14, 24))
			}
			if at(14, 14) < 180 || at(2, 14) < 180 || at(25, 14) < 180 {
				t.Errorf("object not light or not filling the width: %d %d %d", at(14, 14), at(2, 14), at(25, 14))
			}
			if at(14, 5) > 30 || at(14, 22) > 30 {
				t.Errorf("object taller than half: %d %d", at(14, 8), at(14, 20))
			}
		})
	}
}

func TestPrepareKeepsDarkBackgrounds(t *testing.T) {
	// A light garment on black, as in Fashion-MNIST, is not inverted.
	src := image.NewGray(image.Rect(0, 0, ImageSize, ImageSize)) // black
	for y := 9; y < 19; y++ {                                    // 20 wide, 10 high
		for x := 4; x < 24; x++ {
			src.Pix[y*28+x] = 200
		}
	}
	got := PreparePicture(src)
	if got.GrayAt(0, 0).Y != 0 || got.GrayAt(14, 14).Y < 190 {
		t.Fatalf("corner %d, centre %d", got.GrayAt(0, 0).Y, got.GrayAt(14, 14).Y)
	}
}

func TestPictureOfAnImageGivesItBack(t *testing.T) {
	// A 28x28 garment spanning the width, drawn ten times larger and dark on
	// white like a photo, comes back close to the original.
	src := image.NewGray(image.Rect(0, 0, 28, 28))
	for y := 6; y < 22; y++ {
		for x := range 28 {
			src.Pix[y*28+x] = uint8(80 + 6*x)
		}
	}
	big := image.NewGray(image.Rect(0, 0, 280, 280))
	for y := range 280 {
		for x := range 280 {
			big.Pix[y*280+x] = 255 - src.Pix[(y/10)*28+x/10]
		}
	}
	got := PreparePicture(big)
	diff := 0
	for i := range src.Pix {
		d := int(src.Pix[i]) - int(got.Pix[i])
		diff += max(d, -d)
	}
	if mean := float64(diff) / float64(len(src.Pix)); mean > 8 {
		t.Errorf("mean absolute difference %.1f grey levels from the original", mean)
	}
}

// hugePNG returns the start of a PNG whose header claims w x h pixels of
// 8-bit gray.
func hugePNG(w, h uint32) []byte { return testpictures.PNGHeader(w, h, 8, 0) }

func TestDecodePictureErrors(t *testing.T) {
	tests := []struct {
		name, want string
		data       []byte
	}{
		{"empty", "the file is empty", nil},
		{"text", "not a PNG, JPEG or GIF picture", []byte("hello, this is not a picture")},
		{"huge", "over the limit of 50 megapixels", hugePNG(100_000, 100_000)},
		{"truncated", "unreadable png picture", encodeAs(t, "png", photo())[:200]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodePicture(bytes.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	dir := t.TempDir()
	if _, err := ReadPicture(filepath.Join(dir, "missing.png")); err == nil || !strings.Contains(err.Error(), "missing.png") {
		t.Errorf("missing file: %v", err)
	}
	p := filepath.Join(dir, "empty.png")
	os.WriteFile(p, nil, 0o644)
	if _, err := ReadPicture(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("empty file: %v", err)
	}
}

// FuzzDecodePicture checks that no input makes the picture loader panic and
// that what it accepts is a 28x28 image. The seed corpus is in
// testdata/fuzz/FuzzDecodePicture.
func FuzzDecodePicture(f *testing.F) {
	small := image.NewRGBA(image.Rect(0, 0, 5, 3))
	small.Set(2, 1, color.White)
	for _, format := range []string{"png", "jpeg", "gif"} {
		var b bytes.Buffer
		switch format {
		case "png":
			png.Encode(&b, small)
		case "jpeg":
			jpeg.Encode(&b, small, nil)
		case "gif":
			gif.Encode(&b, small, nil)
		}
		f.Add(b.Bytes())
		if format == "jpeg" {
			f.Add(withOrientation(b.Bytes(), 6, binary.LittleEndian))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Large pictures (allowed up to maxPicturePixels) take seconds each:
		// the fuzzer explores small ones.
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 1<<20 {
			t.Skip()
		}
		img, err := decodePicture(bytes.NewReader(data))
		if err != nil {
			return
		}
		if img.Bounds() != image.Rect(0, 0, ImageSize, ImageSize) {
			t.Fatalf("bounds %v", img.Bounds())
		}
	})
}

func TestScalePixels(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	img.Pix[29] = 255
	px, err := ScalePixels(img)
	if err != nil || px[29] != 1 || px[0] != 0 {
		t.Fatalf("%v %v", px[:30], err)
	}
	if _, err := ScalePixels(image.NewGray(image.Rect(0, 0, 3, 3))); err == nil {
		t.Error("a 3x3 image accepted")
	}
}
