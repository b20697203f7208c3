package fashionmnist

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"  // Registers the GIF decoder.
	_ "image/jpeg" // Registers the JPEG decoder.
	_ "image/png"  // Registers the PNG decoder.
	"io"
	"math"

	"github.com/fashion-gomlx/fashion-gomlx/internal/plainfile"
	"golang.org/x/image/draw"
)

// maxPicturePixels bounds the size of a picture ReadPicture accepts (width
// times height), so that a huge file cannot exhaust memory: 50 megapixels.
const maxPicturePixels = 50_000_000

// maxPictureBytes bounds the size of a picture file: 100 MB.
const maxPictureBytes = 100 << 20

// ReadPicture reads a PNG, JPEG or GIF file of any size and colour and turns
// it into a 28x28 Fashion-MNIST-like image (see PreparePicture).
func ReadPicture(path string) (*image.Gray, error) {
	f, err := plainfile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("picture: %w", err)
	}
	defer f.Close()
	img, err := decodePicture(f)
	if err != nil {
		return nil, fmt.Errorf("picture %s: %w", path, err)
	}
	return img, nil
}

// DecodePicture reads a picture as ReadPicture reads a file, from r: for
// programs without files, such as the tutorial's drawing pad in a web page.
func DecodePicture(r io.Reader) (*image.Gray, error) { return decodePicture(r) }

// decodePicture decodes a PNG, JPEG or GIF picture and prepares it as
// PreparePicture does, first turning it upright as its EXIF orientation
// says (phones store JPEG photos sideways, with a tag saying how to turn
// them). Empty input, other formats and pictures over maxPicturePixels are
// errors.
func decodePicture(r io.Reader) (*image.Gray, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPictureBytes+1))
	if err != nil {
		return nil, err
	}
	switch {
	case len(data) == 0:
		return nil, errors.New("the file is empty")
	case len(data) > maxPictureBytes:
		return nil, fmt.Errorf("the file is larger than %d MB", maxPictureBytes>>20)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, errors.New("not a PNG, JPEG or GIF picture")
		}
		return nil, fmt.Errorf("unreadable picture: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("the %s picture has no pixels (%dx%d)", format, cfg.Width, cfg.Height)
	}
	if cfg.Width > maxPicturePixels/cfg.Height {
		return nil, fmt.Errorf("the %s picture is %dx%d: over the limit of %d megapixels", format, cfg.Width, cfg.Height, maxPicturePixels/1_000_000)
	}
	if need := decodingBytes(cfg); need > 0 {
		if left, limited := addressSpaceLeft(); limited && need > left {
			return nil, fmt.Errorf("decoding the %dx%d %s picture takes about %d MB, and the process's memory limit (ulimit -v) leaves %d MB",
				cfg.Width, cfg.Height, format, need>>20, max(left, 0)>>20)
		}
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("unreadable %s picture: %w", format, err)
	}
	gray := grayOnWhite(img)
	if format == "jpeg" {
		gray = orient(gray, jpegOrientation(data))
	}
	return prepareGray(gray), nil
}

// decodingBytes estimates the memory that decoding and preparing a picture
// takes: the decoded picture (its bytes per pixel depend on its colour
// model) and two grayscale copies, a quarter more for what the garbage
// collector has not yet freed, and 64 MB for the heap's growth (measured:
// a 7000x7000 16-bit RGBA PNG, estimated at 676 MB, fails with 386 MB
// left and is predicted with 950 MB).
func decodingBytes(cfg image.Config) int64 {
	bytesPerPixel := int64(8) // 16-bit RGBA, the most
	switch cfg.ColorModel {
	case color.GrayModel, color.AlphaModel:
		bytesPerPixel = 1
	case color.Gray16Model, color.Alpha16Model:
		bytesPerPixel = 2
	case color.YCbCrModel, color.NYCbCrAModel:
		bytesPerPixel = 4
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		bytesPerPixel = 4
	}
	if _, paletted := cfg.ColorModel.(color.Palette); paletted {
		bytesPerPixel = 1
	}
	pixels := int64(cfg.Width) * int64(cfg.Height)
	return pixels*(bytesPerPixel+2)*5/4 + 64<<20
}

// PreparePicture turns any picture into a 28x28 grayscale image the way
// Fashion-MNIST's images were made from product photos: converted to
// grayscale, with transparent parts white, as a product photo shows them;
// inverted when the background is light, so that the garment is light on
// black; trimmed of the background around the garment; scaled so that its
// longer side is 28 pixels, keeping its proportions; and centred.
func PreparePicture(img image.Image) *image.Gray {
	return prepareGray(grayOnWhite(img))
}

// grayOnWhite returns the picture in grayscale, composited onto white:
// transparent pixels become white (not black, as a plain conversion
// makes them), half-transparent ones lighter.
func grayOnWhite(img image.Image) *image.Gray {
	b := img.Bounds()
	gray := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	if g, ok := img.(*image.Gray); ok { // opaque already
		draw.Draw(gray, gray.Bounds(), g, b.Min, draw.Src)
		return gray
	}
	draw.Draw(gray, gray.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(gray, gray.Bounds(), img, b.Min, draw.Over)
	return gray
}

// prepareGray does the steps of PreparePicture after the conversion to
// grayscale.
func prepareGray(gray *image.Gray) *image.Gray {
	w, h := gray.Bounds().Dx(), gray.Bounds().Dy()

	// The background is the colour of the corners.
	corners := []int{0, w - 1, (h-1)*w + 0, (h-1)*w + w - 1}
	sum := 0
	for _, i := range corners {
		sum += int(gray.Pix[i])
	}
	background := sum / len(corners)
	if background > 127 {
		for i, p := range gray.Pix {
			gray.Pix[i] = 255 - p
		}
		background = 255 - background
	}

	// Trim: keep the box of pixels that differ from the background by more
	// than 5%.
	box := image.Rectangle{}
	const threshold = 255 * 5 / 100
	for y := range h {
		for x := range w {
			if d := int(gray.Pix[y*w+x]) - background; d > threshold || d < -threshold {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if box.Empty() {
		box = gray.Bounds()
	}

	// Fit the longer side into 28 pixels, centred on black.
	scale := float64(ImageSize) / float64(max(box.Dx(), box.Dy()))
	dw := max(1, int(math.Round(float64(box.Dx())*scale)))
	dh := max(1, int(math.Round(float64(box.Dy())*scale)))
	out := image.NewGray(image.Rect(0, 0, ImageSize, ImageSize))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.Gray{}), image.Point{}, draw.Src)
	x0, y0 := (ImageSize-dw)/2, (ImageSize-dh)/2
	src, box := shrink(gray, box, maxScaledSide)
	draw.CatmullRom.Scale(out, image.Rect(x0, y0, x0+dw, y0+dh), src, box, draw.Src, nil)
	return out
}

// maxScaledSide bounds the sides of what the scaler reads. Its kernel
// tables grow with the source's sides (about 4 weights per source pixel of
// each side, 16 bytes each), not with its pixels: a picture of 1 x
// 49,000,000 pixels, within maxPicturePixels, took 4.6 GB and 20 s. A
// longer side is first shrunk by averaging blocks of pixels (shrink), in
// time proportional to the picture's pixels; phone photos (4032 x 3024)
// are scaled as they are.
const maxScaledSide = 4096

// shrink returns the part box of img, shrunk by averaging blocks of pixels
// so that neither side is longer than max (as it is when it already fits),
// and its bounds.
func shrink(img *image.Gray, box image.Rectangle, max int) (*image.Gray, image.Rectangle) {
	fx, fy := (box.Dx()+max-1)/max, (box.Dy()+max-1)/max
	if fx <= 1 && fy <= 1 {
		return img, box
	}
	w, h := (box.Dx()+fx-1)/fx, (box.Dy()+fy-1)/fy
	out := image.NewGray(image.Rect(0, 0, w, h))
	sums := make([]int, w) // one row of blocks at a time
	counts := make([]int, w)
	for by := range h {
		clear(sums)
		clear(counts)
		for y := box.Min.Y + by*fy; y < min(box.Min.Y+(by+1)*fy, box.Max.Y); y++ {
			row := img.Pix[img.PixOffset(box.Min.X, y) : img.PixOffset(box.Min.X, y)+box.Dx()]
			for x, p := range row {
				sums[x/fx] += int(p)
				counts[x/fx]++
			}
		}
		for bx := range w {
			out.Pix[by*out.Stride+bx] = uint8((sums[bx] + counts[bx]/2) / counts[bx])
		}
	}
	return out, out.Bounds()
}

// ScalePixels returns the pixels of a 28x28 image scaled to [0, 1], the
// model's input.
func ScalePixels(img *image.Gray) ([]float32, error) {
	if img.Bounds().Dx() != ImageSize || img.Bounds().Dy() != ImageSize {
		return nil, fmt.Errorf("the image is %dx%d, want %dx%d", img.Bounds().Dx(), img.Bounds().Dy(), ImageSize, ImageSize)
	}
	pixels := make([]uint8, 0, ImagePixels)
	for y := range ImageSize {
		row := img.Pix[y*img.Stride : y*img.Stride+ImageSize]
		pixels = append(pixels, row...)
	}
	return scalePixels(pixels), nil
}
