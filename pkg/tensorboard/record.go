package tensorboard

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
)

// ErrTruncated is wrapped by the *FormatError returned when a file ends in
// the middle of a record. A file another process is still writing can end
// that way; a caller following such a live file can test for it with
// errors.Is, keep the events read before it and read again later.
var ErrTruncated = errors.New("truncated record")

// ErrChecksum is wrapped by the *FormatError returned when the CRC of a
// record's length or data does not match its contents.
var ErrChecksum = errors.New("checksum mismatch")

// FormatError reports a bad record: a checksum mismatch, a truncated record
// or a record whose data is not a valid Event. Reading stops at the first
// one; nothing is silently skipped.
type FormatError struct {
	// Path is the file's path, or the name given to [NewReader].
	Path string
	// Offset is the byte offset of the start of the bad record.
	Offset int64
	// Err describes the problem; it wraps [ErrTruncated] or [ErrChecksum]
	// where those apply.
	Err error
}

// Error implements error.
func (e *FormatError) Error() string {
	return fmt.Sprintf("tensorboard: %s: record at byte offset %d: %v", e.Path, e.Offset, e.Err)
}

// Unwrap returns e.Err.
func (e *FormatError) Unwrap() error { return e.Err }

const (
	headerSize = 12 // uint64 length + uint32 masked CRC of the length
	footerSize = 4  // uint32 masked CRC of the data

	// maxRecordSize bounds a record's length: an Event is a protobuf, and
	// protobuf messages are limited to 2 GiB.
	maxRecordSize = 1<<31 - 1

	crcMaskDelta = 0xa282ead8
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maskedCRC returns the masked CRC-32C of b, as TFRecord stores it.
func maskedCRC(b []byte) uint32 {
	crc := crc32.Checksum(b, castagnoli)
	return ((crc >> 15) | (crc << 17)) + crcMaskDelta
}

// appendRecord appends data framed as one TFRecord to buf.
func appendRecord(buf, data []byte) []byte {
	var header [headerSize]byte
	binary.LittleEndian.PutUint64(header[:8], uint64(len(data)))
	binary.LittleEndian.PutUint32(header[8:], maskedCRC(header[:8]))
	buf = append(buf, header[:]...)
	buf = append(buf, data...)
	return binary.LittleEndian.AppendUint32(buf, maskedCRC(data))
}

// recordReader reads TFRecord records from r.
type recordReader struct {
	r      io.Reader
	path   string
	offset int64 // offset of the next record
	buf    []byte
}

// next returns the data of the next record and its byte offset. It returns
// io.EOF, unwrapped, at a clean end of input, and a *FormatError for a bad
// or truncated record. The returned slice is valid until the next call.
func (rr *recordReader) next() (data []byte, offset int64, err error) {
	offset = rr.offset
	fail := func(err error) ([]byte, int64, error) {
		return nil, offset, &FormatError{Path: rr.path, Offset: offset, Err: err}
	}

	var header [headerSize]byte
	n, err := io.ReadFull(rr.r, header[:])
	switch {
	case err == io.EOF:
		return nil, offset, io.EOF
	case err == io.ErrUnexpectedEOF:
		return fail(fmt.Errorf("%w: %d of %d header bytes", ErrTruncated, n, headerSize))
	case err != nil:
		return fail(fmt.Errorf("reading header: %w", err))
	}
	if got, want := binary.LittleEndian.Uint32(header[8:]), maskedCRC(header[:8]); got != want {
		return fail(fmt.Errorf("length CRC %#08x, want %#08x: %w", got, want, ErrChecksum))
	}
	length := binary.LittleEndian.Uint64(header[:8])
	if length > maxRecordSize {
		return fail(fmt.Errorf("record length %d exceeds the 2 GiB protobuf limit", length))
	}

	// Read the data and footer in chunks, so that a large length in a
	// short (truncated) file never allocates more than the file holds.
	total := int(length) + footerSize
	rr.buf = rr.buf[:0]
	const chunk = 1 << 20
	for len(rr.buf) < total {
		k := min(total-len(rr.buf), chunk)
		rr.buf = slices.Grow(rr.buf, k)[:len(rr.buf)+k]
		got, err := io.ReadFull(rr.r, rr.buf[len(rr.buf)-k:])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			have := len(rr.buf) - k + got
			return fail(fmt.Errorf("%w: %d of %d data and CRC bytes", ErrTruncated, have, total))
		}
		if err != nil {
			return fail(fmt.Errorf("reading data: %w", err))
		}
	}
	data = rr.buf[:length]
	if got, want := binary.LittleEndian.Uint32(rr.buf[length:]), maskedCRC(data); got != want {
		return fail(fmt.Errorf("data CRC %#08x, want %#08x: %w", got, want, ErrChecksum))
	}
	rr.offset += headerSize + int64(total)
	return data, offset, nil
}
