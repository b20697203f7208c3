package tensorboard

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
)

// FuzzReader feeds arbitrary bytes to the record and event reader. It must
// never panic; it must end with io.EOF or a *FormatError whose offset is a
// record boundary, such that the bytes before it read cleanly. The seed
// corpus is in testdata/fuzz/FuzzReader; the golden file is added too.
func FuzzReader(f *testing.F) {
	if golden, err := os.ReadFile(goldenFile); err == nil {
		f.Add(golden)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), "fuzz")
		var n int
		var last int64 = -1
		var err error
		for {
			var ev Event
			ev, err = r.Next()
			if err != nil {
				break
			}
			if ev.Offset < last || ev.Offset >= int64(len(data)) {
				t.Fatalf("event %d at offset %d after %d (len %d)", n, ev.Offset, last, len(data))
			}
			last = ev.Offset
			n++
			if ev.Kind == KindHistogram && len(ev.Histogram.Bucket) != len(ev.Histogram.BucketLimit) {
				t.Fatalf("histogram with %d limits, %d buckets", len(ev.Histogram.BucketLimit), len(ev.Histogram.Bucket))
			}
		}
		if err == io.EOF {
			return
		}
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("error %v (%T) is not a *FormatError", err, err)
		}
		if fe.Path != "fuzz" || fe.Offset < 0 || fe.Offset > int64(len(data)) || (n > 0 && fe.Offset <= last) {
			t.Fatalf("bad error position %d (len %d, last event at %d): %v", fe.Offset, len(data), last, err)
		}
		if errors.Is(err, ErrTruncated) && fe.Offset == int64(len(data)) {
			t.Fatalf("truncated record reported at the end of data: %v", err)
		}
		// The records before the bad one read cleanly.
		if _, err := readAll(NewReader(bytes.NewReader(data[:fe.Offset]), "prefix")); err != nil {
			t.Fatalf("prefix before bad record at %d: %v", fe.Offset, err)
		}
	})
}
