package fashionmnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// encodeIDX builds the bytes of an unsigned-byte IDX file.
func encodeIDX(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, idxTypeUnsignedByte, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

// gzipBytes compresses raw.
func gzipBytes(t testing.TB, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeFile writes content to dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseIDX(t *testing.T) {
	data := []byte{1, 2, 3, 4, 5, 6}
	idx, err := parseIDX(encodeIDX([]int{3, 2}, data))
	if err != nil {
		t.Fatal(err)
	}
	if len(idx.Dims) != 2 || idx.Dims[0] != 3 || idx.Dims[1] != 2 || !bytes.Equal(idx.Data, data) {
		t.Fatalf("got dims %v data %v", idx.Dims, idx.Data)
	}
}

func TestParseIDXErrors(t *testing.T) {
	good := encodeIDX([]int{2, 2}, []byte{1, 2, 3, 4})
	float := append([]byte{}, good...)
	float[2] = 0x0D
	unknown := append([]byte{}, good...)
	unknown[2] = 0x42
	badMagic := append([]byte{}, good...)
	badMagic[0] = 0x1f
	tests := []struct {
		name, want string
		raw        []byte
	}{
		{"empty", "truncated header", nil},
		{"short header", "truncated header", good[:6]},
		{"bad magic", "bad magic number", badMagic},
		{"float elements", "float32 (0x0d) is not supported", float},
		{"unknown type", "unknown element type 0x42", unknown},
		{"rank zero", "rank 0", []byte{0, 0, 8, 0}},
		{"zero dimension", "dimension 1 is 0", encodeIDX([]int{2, 0}, nil)},
		{"truncated data", "truncated data: dimensions [2 2] need 4 bytes, the file has 3", good[:len(good)-1]},
		{"trailing bytes", "2 unexpected bytes", append(append([]byte{}, good...), 9, 9)},
		{"huge dimensions", "describe more than", encodeIDX([]int{1 << 20, 1 << 20}, nil)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseIDX(tc.raw)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("parseIDX: got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestReadIDXFileGzipAndRaw(t *testing.T) {
	dir := t.TempDir()
	raw := encodeIDX([]int{4}, []byte{9, 0, 0, 3})
	for _, p := range []string{
		writeFile(t, dir, "labels.gz", gzipBytes(t, raw)),
		writeFile(t, dir, "labels", raw),
	} {
		idx, err := readIDX(p, nil)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if idx.Dims[0] != 4 || idx.Data[0] != 9 {
			t.Fatalf("%s: got %v %v", p, idx.Dims, idx.Data)
		}
	}
}

func TestReadIDXErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	gz := gzipBytes(t, encodeIDX([]int{4}, []byte{9, 0, 0, 3}))
	corrupt := append([]byte{}, gz[:len(gz)-6]...) // cut the gzip trailer
	tests := map[string][]byte{
		"corrupt.gz":   corrupt,
		"truncated.gz": gzipBytes(t, encodeIDX([]int{4}, []byte{9, 0})),
		"text.txt":     []byte("hello, world"),
	}
	for name, content := range tests {
		p := writeFile(t, dir, name, content)
		_, err := readIDX(p, nil)
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: got error %v, want one naming the file", name, err)
		}
	}
	if _, err := readIDX(filepath.Join(dir, "missing"), nil); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: got %v", err)
	}
}

func TestDecompressRefusesGzipBombs(t *testing.T) {
	huge := make([]byte, 100_000)
	_, err := decompress(bytes.NewReader(gzipBytes(t, huge)), 1000)
	if err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("got %v, want a size error", err)
	}
}

// FuzzParseIDX checks that no input makes the parser panic, and that what it
// accepts is self-consistent. The seed corpus is in testdata/fuzz/FuzzParseIDX.
func FuzzParseIDX(f *testing.F) {
	f.Add(encodeIDX([]int{2, 2}, []byte{1, 2, 3, 4}))
	f.Add(encodeIDX([]int{1, 28, 28}, make([]byte, 784)))
	f.Add([]byte{0, 0, 8, 1, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, raw []byte) {
		idx, err := parseIDX(raw)
		if err != nil {
			return
		}
		size := 1
		for _, d := range idx.Dims {
			if d <= 0 {
				t.Fatalf("accepted dimension %d", d)
			}
			size *= d
		}
		if size != len(idx.Data) || 4+4*len(idx.Dims)+len(idx.Data) != len(raw) {
			t.Fatalf("dims %v and %d data bytes from %d input bytes", idx.Dims, len(idx.Data), len(raw))
		}
	})
}
