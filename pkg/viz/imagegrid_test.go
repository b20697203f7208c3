package viz

import (
	"image"
	"image/color"
	"testing"
)

// checkGridPixels checks, for a few images and pixels, that the block of
// scale x scale figure pixels showing image pixel (x, y) is uniform and of
// the colour want(grey value).
func checkGridPixels(t *testing.T, fig image.Image, l gridLayout, images []*image.Gray, want func(uint8) color.RGBA) {
	t.Helper()
	s := l.scale
	for _, i := range []int{0, 1, len(images) / 2, len(images) - 1} {
		img := images[i]
		ox, oy := l.cell(i, img.Bounds().Dx(), img.Bounds().Dy())
		for _, p := range []image.Point{{0, 0}, {27, 0}, {0, 27}, {27, 27}, {5, 9}, {14, 14}, {20, 3}} {
			w := want(img.GrayAt(p.X, p.Y).Y)
			for dy := range s {
				for dx := range s {
					fx, fy := int(ox)+p.X*s+dx, int(oy)+p.Y*s+dy
					if got := color.RGBAModel.Convert(fig.At(fx, fy)).(color.RGBA); got != w {
						t.Fatalf("image %d pixel %v: figure pixel (%d, %d) is %v, want %v", i, p, fx, fy, got, w)
					}
				}
			}
		}
	}
}

func gray(v uint8) color.RGBA { return color.RGBA{R: v, G: v, B: v, A: 255} }

func TestImageGridPixelsAreTheInputPixels(t *testing.T) {
	images := testImages(7)
	for _, scale := range []int{0, 3, 4} {
		g := ImageGrid{Title: "grid", Images: images, Captions: []string{"a", "b", "c", "d", "e", "f", "g\nh"}, Cols: 3, Scale: scale}
		fig, err := g.Figure()
		if err != nil {
			t.Fatal(err)
		}
		l := g.layout()
		if scale == 0 && l.scale != DefaultScale {
			t.Errorf("default scale is %d, want %d", l.scale, DefaultScale)
		}
		checkGridPixels(t, renderPNG(t, fig), l, images, gray)
	}
}

func TestImageGridPalette(t *testing.T) {
	images := testImages(4)
	g := ImageGrid{Images: images, Scale: 2, Palette: Reverse(Grayscale())}
	fig, err := g.Figure()
	if err != nil {
		t.Fatal(err)
	}
	checkGridPixels(t, renderPNG(t, fig), g.layout(), images, func(v uint8) color.RGBA { return gray(255 - v) })
}

func TestImageGridSize(t *testing.T) {
	// The article's grid: the first 20 training images, 5 columns, names
	// under each.
	caps := make([]string, 20)
	for i := range caps {
		caps[i] = testClassNames[i%10]
	}
	fig, err := ImageGrid{Title: "First 20 training images", Images: testImages(20), Captions: caps}.Figure()
	if err != nil {
		t.Fatal(err)
	}
	checkRenders(t, fig, 700, 1000, 600, 900)
	// Five columns of 28x28 pictures at scale 5.
	if w, _ := fig.Pixels(); w < 5*28*DefaultScale {
		t.Errorf("width %d is less than 5 pictures", w)
	}
}

func TestImageGridBadInput(t *testing.T) {
	imgs := testImages(3)
	for name, g := range map[string]ImageGrid{
		"no images":        {},
		"nil image":        {Images: []*image.Gray{imgs[0], nil}},
		"empty image":      {Images: []*image.Gray{image.NewGray(image.Rect(0, 0, 0, 0))}},
		"too few captions": {Images: imgs, Captions: []string{"a", "b"}},
		"too many colours": {Images: imgs, CaptionColors: make([]color.Color, 4)},
		"negative cols":    {Images: imgs, Cols: -1},
		"negative scale":   {Images: imgs, Scale: -2},
		"empty palette":    {Images: imgs, Palette: emptyPalette{}},
	} {
		if _, err := g.Figure(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

type emptyPalette struct{}

func (emptyPalette) Colors() []color.Color { return nil }
