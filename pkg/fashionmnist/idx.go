package fashionmnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/fashion-gomlx/fashion-gomlx/internal/plainfile"
)

// idxData is the content of one IDX file (the format of the MNIST family of data
// sets): the dimensions from its header and the unsigned bytes that follow,
// in row-major order.
type idxData struct {
	// Dims holds the size of each dimension, outermost first: [N, 28, 28] for
	// an images file, [N] for a labels file.
	Dims []int
	// Data holds the product of Dims bytes.
	Data []byte
}

// idxTypeUnsignedByte is the element-type code of an IDX file of uint8 values,
// the only one the Fashion-MNIST files use.
const idxTypeUnsignedByte = 0x08

// idxTypeNames names the element-type codes the IDX format defines, for error
// messages about files that use one other than unsigned bytes.
var idxTypeNames = map[byte]string{
	0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "int16",
	0x0C: "int32", 0x0D: "float32", 0x0E: "float64",
}

// maxIDXBytes bounds the decompressed size of a file read by readIDX, so
// that a corrupt or hostile gzip stream cannot exhaust memory. The largest
// Fashion-MNIST file (training images) is 47,040,016 bytes.
const maxIDXBytes = 256 << 20

// parseIDX decodes the bytes of an uncompressed IDX file. It checks the magic
// number, the element type (unsigned bytes), the rank, that every dimension
// is positive and that the data is exactly as long as the header says.
func parseIDX(raw []byte) (*idxData, error) {
	if len(raw) < 4 {
		return nil, fmt.Errorf("truncated header: %d bytes, want at least 4", len(raw))
	}
	if raw[0] != 0 || raw[1] != 0 {
		return nil, fmt.Errorf("bad magic number 0x%02x%02x%02x%02x: not an IDX file", raw[0], raw[1], raw[2], raw[3])
	}
	if raw[2] != idxTypeUnsignedByte {
		name, known := idxTypeNames[raw[2]]
		if !known {
			return nil, fmt.Errorf("unknown element type 0x%02x in the magic number: not an IDX file", raw[2])
		}
		return nil, fmt.Errorf("element type %s (0x%02x) is not supported: Fashion-MNIST files hold unsigned bytes", name, raw[2])
	}
	rank := int(raw[3])
	if rank == 0 {
		return nil, errors.New("rank 0 in the header: an IDX file needs at least one dimension")
	}
	headerLen := 4 + 4*rank
	if len(raw) < headerLen {
		return nil, fmt.Errorf("truncated header: %d bytes, rank %d needs %d", len(raw), rank, headerLen)
	}
	dims := make([]int, rank)
	size := 1
	for i := range dims {
		d := binary.BigEndian.Uint32(raw[4+4*i:])
		if d == 0 {
			return nil, fmt.Errorf("dimension %d is 0", i)
		}
		dims[i] = int(d)
		if size > maxIDXBytes/dims[i] {
			return nil, fmt.Errorf("dimensions %v describe more than %d bytes", dims[:i+1], maxIDXBytes)
		}
		size *= dims[i]
	}
	got := len(raw) - headerLen
	switch {
	case got < size:
		return nil, fmt.Errorf("truncated data: dimensions %v need %d bytes, the file has %d", dims, size, got)
	case got > size:
		return nil, fmt.Errorf("%d unexpected bytes after the data of dimensions %v", got-size, dims)
	}
	return &idxData{Dims: dims, Data: raw[headerLen:]}, nil
}

// readMaybeGzip returns the bytes of the file at path, decompressed when the
// file is gzip-compressed (detected by its content, not its name).
func readMaybeGzip(path string) ([]byte, error) {
	f, err := plainfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decompress(f, maxIDXBytes)
}

// decompress reads r to the end, gunzipping it when it starts with the gzip
// magic bytes, and refuses to produce more than limit bytes.
func decompress(r io.Reader, limit int) ([]byte, error) {
	var head [2]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	r = io.MultiReader(bytes.NewReader(head[:n]), r)
	if n == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("corrupt gzip stream: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("corrupt gzip stream: %w", err)
	}
	if len(data) > limit {
		return nil, fmt.Errorf("more than %d bytes once decompressed: not a Fashion-MNIST file", limit)
	}
	return data, nil
}

// readIDX reads and decodes the IDX file at path, gzip-compressed or not,
// checking its decompressed bytes with verify first when verify is not
// nil. Errors name the file.
func readIDX(path string, verify func(raw []byte, path string) error) (*idxData, error) {
	raw, err := readMaybeGzip(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if verify != nil {
		if err := verify(raw, path); err != nil {
			return nil, err
		}
	}
	idx, err := parseIDX(raw)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return idx, nil
}
