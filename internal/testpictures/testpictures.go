// Package testpictures makes pictures for tests of the pictures' checks:
// the start of a PNG whose header claims any size, which is all a check of
// the size (done before decoding) reads.
package testpictures

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

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
