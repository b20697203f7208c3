// Command pictures writes the pictures of the reliability campaign
// (tests/reliability/campaign.sh) into the directory it is given: valid
// ones of every format and shape the tool must predict, and broken or
// hostile ones it must refuse in one line.
//
//	go run ./tests/reliability/pictures DIR
package main

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"

	"github.com/fashion-gomlx/fashion-gomlx/internal/testpictures"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pictures DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	shirt := garment(120, 160)
	write("shirt.png", encode("png", shirt))
	write("shirt.jpg", encode("jpeg", shirt))
	write("shirt.gif", encode("gif", shirt))
	jpg := encode("jpeg", shirt)
	// A JPEG whose EXIF segment is broken (offsets past its end): read as upright.
	write("badexif.jpg", append(append(append([]byte{}, jpg[:2]...), "\xff\xe1\x00\x10Exif\x00\x00MM\x00\x2a\xff\xff\xff\xff"...), jpg[2:]...))
	// A cut-out on a transparent background.
	alpha := image.NewNRGBA(image.Rect(0, 0, 60, 60))
	for y := 15; y < 45; y++ {
		for x := 20; x < 40; x++ {
			alpha.Set(x, y, color.NRGBA{30, 30, 30, 255})
		}
	}
	write("alpha.png", encode("png", alpha))
	// 16-bit gray, a 1-pixel picture.
	g16 := image.NewGray16(image.Rect(0, 0, 50, 50))
	write("gray16.png", encode("png", g16))
	write("pixel.png", encode("png", image.NewGray(image.Rect(0, 0, 1, 1))))
	// Extreme shapes within the 50-megapixel limit (the scaler's tables
	// grew with the long side: 4.6 GB for the first).
	write("tall.png", encode("png", light(1, 49_000_000)))
	write("wide.png", encode("png", light(49_000_000, 1)))
	write("big.png", encode("png", light(7000, 7000)))
	// Headers only: over the pixel limit; 16-bit RGBA of 49 megapixels
	// (400 MB decoded, for the case under a memory limit).
	write("huge.png", testpictures.PNGHeader(100_000, 100_000, 8, 0))
	write("rgba64.png", testpictures.PNGHeader(7000, 7000, 16, 6))
	ok := encode("png", shirt)
	write("truncated.png", ok[:len(ok)/2])
	write("empty.png", nil)
	write("text.png", []byte("not a picture\n"))
	write("zero-width.png", testpictures.PNGHeader(0, 10, 8, 0))
}

// garment is a dark shape on a light background, w x h.
func garment(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{245, 245, 245, 255}
			if x > w/5 && x < 4*w/5 && y > h/8 && y < 7*h/8 {
				c = color.RGBA{50, 40, 70, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// light is a light gray picture of w x h pixels, not quite uniform.
func light(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(250 - i%3)
	}
	return img
}

func encode(format string, img image.Image) []byte {
	data, err := testpictures.Encode(format, img)
	if err != nil {
		panic(err)
	}
	return data
}
