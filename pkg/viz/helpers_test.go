package viz

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
)

// testClassNames are the Fashion-MNIST class names, by label.
var testClassNames = []string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// testImage returns a synthetic 28x28 picture that differs with seed: a
// diagonal gradient with a bright square whose place depends on seed.
func testImage(seed int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	sx, sy := 4+seed%12, 4+(seed*7)%12
	for y := range 28 {
		for x := range 28 {
			v := (x*5 + y*3 + seed*11) % 200
			if x >= sx && x < sx+10 && y >= sy && y < sy+10 {
				v = 255 - seed%40
			}
			img.Pix[y*img.Stride+x] = uint8(v)
		}
	}
	return img
}

// testImages returns n synthetic pictures.
func testImages(n int) []*image.Gray {
	imgs := make([]*image.Gray, n)
	for i := range imgs {
		imgs[i] = testImage(i)
	}
	return imgs
}

// renderPNG encodes fig as PNG, checks its size against Pixels and
// decodes it.
func renderPNG(t *testing.T, fig *Figure) image.Image {
	t.Helper()
	data, err := fig.PNG()
	if err != nil {
		t.Fatalf("PNG: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decoding PNG: %v", err)
	}
	w, h := fig.Pixels()
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("PNG is %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	return img
}

// checkRenders checks that fig encodes to a PNG of the expected size,
// between the given bounds in pixels, and to an SVG document.
func checkRenders(t *testing.T, fig *Figure, minW, maxW, minH, maxH int) image.Image {
	t.Helper()
	img := renderPNG(t, fig)
	w, h := fig.Pixels()
	if w < minW || w > maxW || h < minH || h > maxH {
		t.Errorf("figure is %dx%d pixels, want width in [%d, %d] and height in [%d, %d]", w, h, minW, maxW, minH, maxH)
	}
	svg, err := fig.SVG()
	if err != nil {
		t.Fatalf("SVG: %v", err)
	}
	if s := string(svg); !strings.HasPrefix(s, "<?xml") && !strings.HasPrefix(s, "<svg") {
		t.Errorf("SVG starts with %.40q, want <?xml or <svg", s)
	}
	if len(svg) < 200 {
		t.Errorf("SVG has only %d bytes", len(svg))
	}
	return img
}
