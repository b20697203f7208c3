package tensorboard

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// fileNameRE is the pattern TF, Keras and PyTorch name event files by.
var fileNameRE = regexp.MustCompile(`^events\.out\.tfevents\.(\d{10,})\.([^/]+)\.(\d+)\.(\d+)$`)

func TestFileName(t *testing.T) {
	got := FileName(time.Unix(1795730160, 999), "vm", 1741, 0)
	if want := "events.out.tfevents.1795730160.vm.1741.0"; got != want {
		t.Errorf("FileName = %q, want %q", got, want)
	}
	// Ten digits, zero-padded, as TensorFlow writes %010d.
	if got := FileName(time.Unix(42, 0), "h", 1, 7); got != "events.out.tfevents.0000000042.h.1.7" {
		t.Errorf("FileName(42s) = %q", got)
	}

	dir := t.TempDir()
	w1 := mustWriter(t, dir)
	w2 := mustWriter(t, dir)
	if w1.Path() == w2.Path() {
		t.Fatalf("two writers share path %s", w1.Path())
	}
	for _, w := range []*Writer{w1, w2} {
		base := filepath.Base(w.Path())
		m := fileNameRE.FindStringSubmatch(base)
		if m == nil {
			t.Fatalf("file name %q does not match %v", base, fileNameRE)
		}
		if m[3] != strconv.Itoa(os.Getpid()) {
			t.Errorf("file name %q: pid %s, want %d", base, m[3], os.Getpid())
		}
		if filepath.Dir(w.Path()) != dir || !IsEventFile(w.Path()) {
			t.Errorf("Path() = %q, not an event file in %q", w.Path(), dir)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func mustWriter(t *testing.T, dir string) *Writer {
	t.Helper()
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func TestRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs", "train") // NewWriter creates it.
	w := mustWriter(t, dir)
	before := time.Now()

	values := []float64{-1.5, -0.25, 0, 0.5, 0.5, 2, 3.75}
	wantHist, err := NewHistogram(values, DefaultBuckets)
	if err != nil {
		t.Fatal(err)
	}
	text := "# Model\nDense(128, relu) → Dense(10)\n"
	want := []Event{
		{Kind: KindFileVersion, FileVersion: FileVersion},
		{Kind: KindScalar, Tag: "epoch_loss", Step: 0, Value: 0.52},
		{Kind: KindScalar, Tag: "epoch_accuracy", Step: 0, Value: 0.81},
		{Kind: KindHistogram, Tag: "dense/kernel", Step: 0, Histogram: &wantHist},
		{Kind: KindScalar, Tag: "epoch_loss", Step: 1, Value: 0.40},
		{Kind: KindText, Tag: "model", Step: 1, Text: text},
		{Kind: KindText, Tag: "empty", Step: 1 << 40, Text: ""},
		{Kind: KindScalar, Tag: "neg", Step: -3, Value: math.Inf(-1)},
	}
	for _, ev := range want[1:] {
		var err error
		switch ev.Kind {
		case KindScalar:
			err = w.Scalar(ev.Tag, ev.Step, ev.Value)
		case KindHistogram:
			err = w.Histogram(ev.Tag, ev.Step, values)
		case KindText:
			err = w.Text(ev.Tag, ev.Step, ev.Text)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	after := time.Now()

	got, err := ReadFile(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("read %d events, want %d: %+v", len(got), len(want), got)
	}
	var offset int64
	for i, g := range got {
		wt := g.Time()
		if wt.Before(before.Add(-time.Second)) || wt.After(after.Add(time.Second)) {
			t.Errorf("event %d: wall time %v outside [%v, %v]", i, wt, before, after)
		}
		if i > 0 && g.Offset <= offset {
			t.Errorf("event %d: offset %d not after %d", i, g.Offset, offset)
		}
		offset = g.Offset
		g.WallTime, g.Offset = 0, 0
		w := want[i]
		if w.Kind == KindScalar {
			w.Value = float64(float32(w.Value)) // simple_value is a float32
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	if got[0].Offset != 0 {
		t.Errorf("version record at offset %d, want 0", got[0].Offset)
	}
}

func TestHistogramBuckets(t *testing.T) {
	values := []float64{-1, 0, 0.1, 0.2, 0.5, 0.99, 1, 3}
	h, err := NewHistogram(values, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := Histogram{
		Min: -1, Max: 3, Num: 8, Sum: 4.79, SumSquares: 1 + 0.01 + 0.04 + 0.25 + 0.9801 + 1 + 9,
		BucketLimit: []float64{0, 1, 2, 3},
		Bucket:      []float64{1, 5, 1, 1},
	}
	if math.Abs(h.Sum-want.Sum) > 1e-12 || math.Abs(h.SumSquares-want.SumSquares) > 1e-12 {
		t.Errorf("sum, sum of squares = %v, %v; want %v, %v", h.Sum, h.SumSquares, want.Sum, want.SumSquares)
	}
	h.Sum, h.SumSquares = want.Sum, want.SumSquares
	if !reflect.DeepEqual(h, want) {
		t.Errorf("NewHistogram =\n %+v\nwant\n %+v", h, want)
	}

	// Every value lands in a bucket whose edges hold it, at any scale.
	for _, vs := range [][]float64{
		{1e-300, 2e-300, 3e-300},
		{-1e308, 1e308, 0, 5},
		{0.1, 0.2, 0.3, 0.7, 0.9, 1.1, 1.3},
	} {
		for _, n := range []int{1, 3, 7, 30} {
			h, err := NewHistogram(vs, n)
			if err != nil {
				t.Fatal(err)
			}
			var total float64
			for _, c := range h.Bucket {
				total += c
			}
			if total != float64(len(vs)) || len(h.Bucket) != n || len(h.BucketLimit) != n {
				t.Errorf("NewHistogram(%v, %d): %d buckets with %v values", vs, n, len(h.Bucket), total)
			}
			if h.BucketLimit[n-1] != h.Max {
				t.Errorf("NewHistogram(%v, %d): last limit %v, want max %v", vs, n, h.BucketLimit[n-1], h.Max)
			}
			for i := 1; i < n; i++ {
				if !(h.BucketLimit[i] >= h.BucketLimit[i-1]) {
					t.Errorf("NewHistogram(%v, %d): limits not increasing: %v", vs, n, h.BucketLimit)
				}
			}
		}
	}

	if h, err := NewHistogram([]float64{2, 2, 2}, 30); err != nil || !reflect.DeepEqual(h.Bucket, []float64{3}) ||
		!reflect.DeepEqual(h.BucketLimit, []float64{2}) {
		t.Errorf("constant values: %+v, %v", h, err)
	}
	if h, err := NewHistogram(nil, 30); err != nil || len(h.Bucket) != 1 || h.Num != 0 {
		t.Errorf("no values: %+v, %v", h, err)
	}
	for _, bad := range [][]float64{{1, math.NaN()}, {math.Inf(1)}} {
		if _, err := NewHistogram(bad, 30); err == nil {
			t.Errorf("NewHistogram(%v) succeeded, want error", bad)
		}
	}
	if _, err := NewHistogram(values, 0); err == nil {
		t.Error("NewHistogram with 0 buckets succeeded")
	}
}

func TestWriterErrors(t *testing.T) {
	w := mustWriter(t, t.TempDir())
	if err := w.Scalar("", 0, 1); err == nil {
		t.Error("empty tag accepted")
	}
	if err := w.Histogram("h", 0, []float64{math.NaN()}); err == nil {
		t.Error("NaN histogram accepted")
	}
	if err := w.WriteHistogram("h", 0, Histogram{BucketLimit: []float64{1}}); err == nil {
		t.Error("histogram with mismatched buckets accepted")
	}
	if err := w.Scalar("bad\xffutf8", 0, 1); err == nil {
		t.Error("invalid UTF-8 tag accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	for name, err := range map[string]error{
		"Scalar": w.Scalar("a", 0, 1),
		"Text":   w.Text("a", 0, "x"),
		"Flush":  w.Flush(),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
	// Nothing but the version record was written.
	evs, err := ReadFile(w.Path())
	if err != nil || len(evs) != 1 || evs[0].Kind != KindFileVersion {
		t.Errorf("ReadFile = %+v, %v; want only the version record", evs, err)
	}

	// A directory that cannot be created.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewWriter(filepath.Join(file, "sub")); err == nil {
		t.Error("NewWriter under a regular file succeeded")
	}
}

// TestFlushIsVisible checks that what was flushed is in the file before
// Close, as a reader (TensorBoard, or a crash) would see it.
func TestFlushIsVisible(t *testing.T) {
	w := mustWriter(t, t.TempDir())
	evs, err := ReadFile(w.Path())
	if err != nil || len(evs) != 1 || evs[0].FileVersion != FileVersion {
		t.Fatalf("after NewWriter: %+v, %v; want the version record on disk", evs, err)
	}
	for step := range int64(3) {
		if err := w.Scalar("loss", step, float64(step)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	s, err := Scalars(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	if len(s["loss"]) != 3 {
		t.Errorf("after Flush: %v, want 3 points of loss", s)
	}
}
