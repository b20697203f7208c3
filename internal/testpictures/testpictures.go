// Package testpictures makes pictures for tests of the pictures' checks:
// a picture encoded as PNG, JPEG or GIF, and the start of a PNG whose
// header claims any size, which is all a check of the size (done before
// decoding) reads.
package testpictures

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
)

// Encode returns img in format: "png", "jpeg" (quality 90) or "gif".
func Encode(format string, img image.Image) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, img)
	case "jpeg":
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	case "gif":
		err = gif.Encode(&b, img, nil)
	default:
		err = fmt.Errorf("unknown picture format %q", format)
	}
	return b.Bytes(), err
}

// PNGHeader returns the start of a PNG (its signature and IHDR chunk, no
// pixels) whose header claims w x h pixels of the given bit depth and
// colour type (0 gray, 2 RGB, 6 RGBA).
func PNGHeader(w, h uint32, depth, colorType byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], w)
	binary.BigEndian.PutUint32(ihdr[8:], h)
	ihdr[12], ihdr[13] = depth, colorType
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	return b.Bytes()
}
