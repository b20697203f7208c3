package fashionmnist

import (
	"bytes"
	"encoding/binary"
	"image"
)

// EXIF orientation: cameras and phones store a photo as the sensor saw it
// and add a tag, in the JPEG's APP1 "Exif" segment, saying how to turn it
// upright. Its values, from the TIFF 6.0 and EXIF 2.3 specifications, say
// where the stored picture's first row and first column are to be shown:
//
//	1 top, left       (upright)        5 left, top      (transposed)
//	2 top, right      (mirrored)       6 right, top     (turn 90° clockwise)
//	3 bottom, right   (turn 180°)      7 right, bottom  (transversed)
//	4 bottom, left    (flipped)        8 left, bottom   (turn 90° anticlockwise)
const (
	exifOrientationTag = 0x0112
	exifTypeShort      = 3
)

// jpegOrientation returns the EXIF orientation (1 to 8) of a JPEG file, or
// 1 (upright) when it has none or when its EXIF data cannot be read: a
// broken tag never stops a picture from loading.
func jpegOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8: // no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // the image data starts: no EXIF before it
			return 1
		}
		length := int(binary.BigEndian.Uint16(data[i+2:]))
		if length < 2 || i+2+length > len(data) {
			return 1
		}
		segment := data[i+4 : i+2+length]
		if marker == 0xE1 && bytes.HasPrefix(segment, []byte("Exif\x00\x00")) {
			return tiffOrientation(segment[6:])
		}
		i += 2 + length
	}
	return 1
}

// tiffOrientation reads the orientation tag of the first image directory of
// TIFF data (the body of an EXIF segment), or returns 1.
func tiffOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(tiff[2:]) != 42 {
		return 1
	}
	ifd := int64(order.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > int64(len(tiff)) {
		return 1
	}
	count := int64(order.Uint16(tiff[ifd:]))
	for k := range count {
		e := ifd + 2 + 12*k
		if e+12 > int64(len(tiff)) {
			return 1
		}
		if order.Uint16(tiff[e:]) != exifOrientationTag {
			continue
		}
		if order.Uint16(tiff[e+2:]) != exifTypeShort || order.Uint32(tiff[e+4:]) != 1 {
			return 1
		}
		if o := int(order.Uint16(tiff[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 1
	}
	return 1
}

// orient returns the stored picture src turned upright as the EXIF
// orientation o says (src itself for 1 or an unknown value).
func orient(src *image.Gray, o int) *image.Gray {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 { // a quarter turn swaps width and height
		dw, dh = h, w
	}
	// from gives, for a pixel (x, y) of the upright picture, the stored
	// pixel shown there.
	from := map[int]func(x, y int) (int, int){
		2: func(x, y int) (int, int) { return w - 1 - x, y },
		3: func(x, y int) (int, int) { return w - 1 - x, h - 1 - y },
		4: func(x, y int) (int, int) { return x, h - 1 - y },
		5: func(x, y int) (int, int) { return y, x },
		6: func(x, y int) (int, int) { return y, h - 1 - x },
		7: func(x, y int) (int, int) { return w - 1 - y, h - 1 - x },
		8: func(x, y int) (int, int) { return w - 1 - y, x },
	}[o]
	dst := image.NewGray(image.Rect(0, 0, dw, dh))
	b := src.Bounds()
	for y := range dh {
		for x := range dw {
			sx, sy := from(x, y)
			dst.Pix[y*dst.Stride+x] = src.Pix[src.PixOffset(b.Min.X+sx, b.Min.Y+sy)]
		}
	}
	return dst
}
