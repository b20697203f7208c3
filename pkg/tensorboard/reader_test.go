package tensorboard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const goldenFile = "testdata/events.out.tfevents.1795730160.vm.1741.0"

// TestGolden reads the file PyTorch's SummaryWriter wrote; see
// testdata/README.md for its contents.
func TestGolden(t *testing.T) {
	evs, err := ReadFile(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		kind  Kind
		tag   string
		step  int64
		value float32
	}
	wants := []want{
		{KindFileVersion, "", 0, 0},
		{KindScalar, "epoch_loss", 0, 0.52},
		{KindScalar, "epoch_accuracy", 0, 0.81},
		{KindScalar, "epoch_loss", 1, 0.40},
		{KindScalar, "epoch_accuracy", 1, 0.85},
		{KindScalar, "epoch_loss", 2, 0.36},
		{KindScalar, "epoch_accuracy", 2, 0.87},
	}
	if len(evs) != len(wants) {
		t.Fatalf("read %d events, want %d: %+v", len(evs), len(wants), evs)
	}
	if evs[0].FileVersion != "brain.Event:2" {
		t.Errorf("file_version = %q, want brain.Event:2", evs[0].FileVersion)
	}
	for i, w := range wants {
		ev := evs[i]
		if ev.Kind != w.kind || ev.Tag != w.tag || ev.Step != w.step || float32(ev.Value) != w.value {
			t.Errorf("event %d = {%v %q step %d %v}, want {%v %q step %d %v}",
				i, ev.Kind, ev.Tag, ev.Step, float32(ev.Value), w.kind, w.tag, w.step, w.value)
		}
		// Written at 1795730160 by the file's name, within a second or so.
		if ev.WallTime < 1795730160 || ev.WallTime > 1795730162 {
			t.Errorf("event %d: wall time %v", i, ev.WallTime)
		}
	}

	s, err := Scalars(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := s["epoch_accuracy"]; len(got) != 3 || got[2].Step != 2 || float32(got[2].Value) != 0.87 {
		t.Errorf("Scalars[epoch_accuracy] = %+v", got)
	}
}

// TestUpstreamEncoded reads events encoded by protoc from TensorBoard's own
// .proto files (see testdata/upstream/README.md): TF2-style tensor scalars,
// a HistogramProto, a text summary and a graph. It checks that this
// package's protobuf subset has TensorFlow's field numbers.
func TestUpstreamEncoded(t *testing.T) {
	files, err := filepath.Glob("testdata/upstream/*.pb")
	if err != nil || len(files) != 7 {
		t.Fatalf("testdata/upstream/*.pb: %v, %v", files, err)
	}
	var file []byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file = appendRecord(file, data)
	}
	evs, err := readAll(NewReader(bytes.NewReader(file), "upstream"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range evs {
		evs[i].Offset = 0
	}
	want := []Event{
		{Kind: KindFileVersion, WallTime: 1700000000.25, FileVersion: "brain.Event:2"},
		{Kind: KindScalar, WallTime: 1700000001.5, Step: 3, Tag: "epoch_loss", Value: 0.25},
		{Kind: KindScalar, WallTime: 1700000002.5, Step: 4, Tag: "epoch_loss", Value: 0.125},
		{Kind: KindScalar, WallTime: 1700000003.5, Step: 4, Tag: "learning_rate", Value: 0.001},
		{Kind: KindHistogram, WallTime: 1700000004.5, Step: 5, Tag: "dense/kernel", Histogram: &Histogram{
			Min: -1, Max: 2, Num: 4, Sum: 2.5, SumSquares: 6.25,
			BucketLimit: []float64{0, 1, 2}, Bucket: []float64{1, 1, 2},
		}},
		{Kind: KindText, WallTime: 1700000005.5, Step: 6, Tag: "notes", Text: "hello *world*"},
		{Kind: KindOther, WallTime: 1700000006.5},
	}
	if !reflect.DeepEqual(evs, want) {
		t.Errorf("events:\n got %+v\nwant %+v", evs, want)
	}
}

// validFile returns the bytes of a small event file and the offsets at
// which its records start.
func validFile(t *testing.T) ([]byte, []int64) {
	t.Helper()
	w := mustWriter(t, t.TempDir())
	if err := w.Scalar("loss", 1, 0.5); err != nil {
		t.Fatal(err)
	}
	if err := w.Text("note", 1, "hi"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	evs, err := ReadFile(w.Path())
	if err != nil || len(evs) != 3 {
		t.Fatalf("ReadFile: %d events, %v", len(evs), err)
	}
	var offsets []int64
	for _, ev := range evs {
		offsets = append(offsets, ev.Offset)
	}
	return data, offsets
}

// readBytes reads data as an event file named name.
func readBytes(data []byte, name string) ([]Event, error) {
	return readAll(NewReader(bytes.NewReader(data), name))
}

func TestCorruption(t *testing.T) {
	data, offsets := validFile(t)
	second := offsets[1]

	check := func(name string, data []byte, sentinel error, wantText string, wantEvents int) {
		t.Helper()
		evs, err := readBytes(data, "some/file")
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("%s: err = %v, want a *FormatError", name, err)
		}
		if fe.Path != "some/file" || fe.Offset != second {
			t.Errorf("%s: error at %s:%d, want some/file:%d", name, fe.Path, fe.Offset, second)
		}
		if sentinel != nil && !errors.Is(err, sentinel) {
			t.Errorf("%s: err = %v, want it to wrap %v", name, err, sentinel)
		}
		msg := err.Error()
		for _, s := range []string{"some/file", fmt.Sprintf("offset %d", second), wantText} {
			if !strings.Contains(msg, s) {
				t.Errorf("%s: error %q does not mention %q", name, msg, s)
			}
		}
		if len(evs) != wantEvents {
			t.Errorf("%s: %d events before the error, want %d", name, len(evs), wantEvents)
		}
	}

	flip := func(i int64) []byte {
		c := bytes.Clone(data)
		c[i] ^= 0x40
		return c
	}
	check("length byte", flip(second), ErrChecksum, "length CRC", 1)
	check("length CRC byte", flip(second+9), ErrChecksum, "length CRC", 1)
	check("data byte", flip(second+headerSize+2), ErrChecksum, "data CRC", 1)
	check("data CRC byte", flip(offsets[2]-1), ErrChecksum, "data CRC", 1)
	check("truncated header", data[:second+5], ErrTruncated, "truncated", 1)
	check("truncated data", data[:second+headerSize+3], ErrTruncated, "truncated", 1)
	check("truncated data CRC", data[:offsets[2]-1], ErrTruncated, "truncated", 1)

	// A record whose CRCs are right but whose data is not an Event.
	bad := append(bytes.Clone(data[:second]), appendRecord(nil, []byte{0xff, 0xff})...)
	check("bad protobuf", bad, nil, "Event protobuf", 1)

	// A record with a huge length and a valid length CRC.
	var header [headerSize]byte
	header[7] = 0x10
	binaryPutCRC(header[:])
	check("huge length", append(bytes.Clone(data[:second]), header[:]...), nil, "exceeds", 1)

	// Every truncation inside a record is ErrTruncated, at every offset;
	// truncations at record boundaries are clean.
	for n := int64(0); n < int64(len(data)); n++ {
		evs, err := readBytes(data[:n], "f")
		boundary := false
		for i, o := range offsets {
			if n == o {
				boundary = true
				if err != nil || len(evs) != i {
					t.Errorf("cut at record boundary %d: %d events, %v", n, len(evs), err)
				}
			}
		}
		if !boundary && !errors.Is(err, ErrTruncated) {
			t.Errorf("cut at %d: err = %v, want ErrTruncated", n, err)
		}
	}
}

// binaryPutCRC sets the length CRC of a record header.
func binaryPutCRC(header []byte) {
	c := maskedCRC(header[:8])
	header[8], header[9], header[10], header[11] = byte(c), byte(c>>8), byte(c>>16), byte(c>>24)
}

func TestReaderStickyError(t *testing.T) {
	data, offsets := validFile(t)
	r := NewReader(bytes.NewReader(data[:offsets[1]+3]), "f")
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err1 := r.Next()
	_, err2 := r.Next()
	if !errors.Is(err1, ErrTruncated) || err1 != err2 {
		t.Errorf("errors %v, %v; want the same ErrTruncated twice", err1, err2)
	}

	r = NewReader(bytes.NewReader(nil), "empty")
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("empty file: %v, want io.EOF", err)
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadFile(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want os.ErrNotExist", err)
	}
}
