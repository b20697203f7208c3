package fashionmnist

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"slices"
	"testing"
)

// withOrientation inserts, after the start marker of a JPEG file, an APP1
// segment with EXIF data holding one tag: the orientation o, in the byte
// order given.
func withOrientation(jpg []byte, o uint16, order binary.ByteOrder) []byte {
	tiff := make([]byte, 8+2+12+4)
	if order == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	order.PutUint16(tiff[2:], 42)
	order.PutUint32(tiff[4:], 8) // the first image directory follows the header
	order.PutUint16(tiff[8:], 1) // one entry
	order.PutUint16(tiff[10:], 0x0112)
	order.PutUint16(tiff[12:], 3) // SHORT
	order.PutUint32(tiff[14:], 1) // one value
	order.PutUint16(tiff[18:], o)
	body := append([]byte("Exif\x00\x00"), tiff...)
	segment := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(segment[2:], uint16(2+len(body)))
	return slices.Concat(jpg[:2], segment, body, jpg[2:])
}

// grayPicture builds a w x h picture from its pixels, row by row.
func grayPicture(w, h int, pix ...uint8) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	copy(g.Pix, pix)
	return g
}

func TestOrientMatchesTheEXIFSpecification(t *testing.T) {
	// The stored picture 1 2 3 / 4 5 6, and how each orientation shows it,
	// worked out by hand from the specification's words (where the first
	// row and the first column are to be shown).
	stored := grayPicture(3, 2, 1, 2, 3, 4, 5, 6)
	want := map[int][]uint8{
		1: {1, 2, 3, 4, 5, 6},
		2: {3, 2, 1, 6, 5, 4},
		3: {6, 5, 4, 3, 2, 1},
		4: {4, 5, 6, 1, 2, 3},
		5: {1, 4, 2, 5, 3, 6},
		6: {4, 1, 5, 2, 6, 3},
		7: {6, 3, 5, 2, 4, 1},
		8: {3, 6, 2, 5, 1, 4},
	}
	for o, pix := range want {
		got := orient(stored, o)
		wantW := 3
		if o >= 5 {
			wantW = 2
		}
		if got.Bounds().Dx() != wantW || !slices.Equal(got.Pix, pix) {
			t.Errorf("orientation %d: %dx%d %v, want %v", o, got.Bounds().Dx(), got.Bounds().Dy(), got.Pix, pix)
		}
	}
}

func TestJPEGOrientation(t *testing.T) {
	var plain bytes.Buffer
	jpeg.Encode(&plain, grayPicture(2, 2, 0, 0, 0, 0), nil)
	for o := uint16(1); o <= 8; o++ {
		for _, order := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
			if got := jpegOrientation(withOrientation(plain.Bytes(), o, order)); got != int(o) {
				t.Errorf("orientation %d (%v): read %d", o, order, got)
			}
		}
	}
	tagged := withOrientation(plain.Bytes(), 6, binary.BigEndian)
	for name, data := range map[string][]byte{
		"no EXIF":             plain.Bytes(),
		"orientation 9":       withOrientation(plain.Bytes(), 9, binary.BigEndian),
		"truncated segment":   tagged[:30],
		"not a JPEG":          []byte("hello"),
		"directory past end":  bytes.Replace(tagged, []byte{0, 0, 0, 8}, []byte{0, 0, 0xFF, 8}, 1),
		"segment length zero": bytes.Replace(tagged, []byte{0xFF, 0xE1, 0}, []byte{0xFF, 0xE1, 0, 0}, 1)[:40],
	} {
		if got := jpegOrientation(data); got != 1 {
			t.Errorf("%s: orientation %d, want 1", name, got)
		}
	}
}

// trousers draws a dark, asymmetric garment on a light background: two
// legs joined by a waistband at the top, the left leg longer, so that a
// picture turned the wrong way looks different.
func trousers() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 120, 200))
	for i := range img.Pix {
		img.Pix[i] = 245
	}
	fill := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.Pix[y*120+x] = 30
			}
		}
	}
	fill(20, 20, 100, 50)  // waistband
	fill(20, 50, 50, 180)  // left leg
	fill(70, 50, 100, 120) // right leg, shorter
	return img
}

// Reference transforms of the tests, built from two plain operations.
func mirrorX(g *image.Gray) *image.Gray {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			out.Pix[y*w+x] = g.Pix[y*w+w-1-x]
		}
	}
	return out
}

func transpose(g *image.Gray) *image.Gray {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	out := image.NewGray(image.Rect(0, 0, h, w))
	for y := range h {
		for x := range w {
			out.Pix[x*h+y] = g.Pix[y*w+x]
		}
	}
	return out
}

func mirrorY(g *image.Gray) *image.Gray { return transpose(mirrorX(transpose(g))) }

// meanDifference is the mean absolute difference of two 28x28 images.
func meanDifference(a, b *image.Gray) float64 {
	sum := 0
	for i := range a.Pix {
		d := int(a.Pix[i]) - int(b.Pix[i])
		sum += max(d, -d)
	}
	return float64(sum) / float64(len(a.Pix))
}

func TestDecodePictureTurnsPhotosUpright(t *testing.T) {
	upright := trousers()
	want, err := decodePicture(bytes.NewReader(encodeAs(t, "jpeg", upright)))
	if err != nil {
		t.Fatal(err)
	}
	// What the camera stored, for each orientation tag it then wrote.
	stored := map[uint16]*image.Gray{
		1: upright,
		2: mirrorX(upright),
		3: mirrorX(mirrorY(upright)),
		4: mirrorY(upright),
		5: transpose(upright),
		6: mirrorY(transpose(upright)), // the phone was turned a quarter anticlockwise
		7: mirrorX(mirrorY(transpose(upright))),
		8: mirrorX(transpose(upright)),
	}
	for o, img := range stored {
		data := withOrientation(encodeAs(t, "jpeg", img), o, binary.BigEndian)
		got, err := decodePicture(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if d := meanDifference(got, want); d > 4 {
			t.Errorf("orientation %d: the picture differs from the upright one by %.1f grey levels on average", o, d)
		}
		if o == 1 {
			continue
		}
		// The test's own check: read without the tag, it does differ.
		plain, _ := decodePicture(bytes.NewReader(encodeAs(t, "jpeg", img)))
		if d := meanDifference(plain, want); d < 15 {
			t.Errorf("orientation %d: the stored picture differs by only %.1f from the upright one: a weak test", o, d)
		}
	}
}

func TestDecodePictureCompositesTransparencyOntoWhite(t *testing.T) {
	// A product cut-out: the garment opaque, the rest fully transparent
	// (transparent black, as image editors store it), with a half-transparent
	// edge.
	upright := trousers()
	cutout := image.NewNRGBA(upright.Bounds())
	for i, p := range upright.Pix {
		switch {
		case p < 100:
			cutout.Set(i%120, i/120, color.NRGBA{30, 30, 30, 255})
		case i%120 == 19 && i/120 >= 20 && i/120 < 180:
			cutout.Set(i%120, i/120, color.NRGBA{30, 30, 30, 128})
		default:
			cutout.Set(i%120, i/120, color.NRGBA{0, 0, 0, 0})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, cutout); err != nil {
		t.Fatal(err)
	}
	got, err := decodePicture(&b)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := decodePicture(bytes.NewReader(encodeAs(t, "png", upright)))
	if d := meanDifference(got, want); d > 4 {
		t.Errorf("the cut-out differs from the same garment on white by %.1f grey levels on average", d)
	}
	if got.GrayAt(0, 0).Y != 0 || got.GrayAt(9, 20).Y < 150 {
		t.Errorf("background %d, garment %d: want the garment light on black", got.GrayAt(0, 0).Y, got.GrayAt(9, 20).Y)
	}
}
