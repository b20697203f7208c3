package tensorboard

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/tensorboard/internal/tfpb"
)

// FileVersion is the file_version of the first record of an event file.
const FileVersion = "brain.Event:2"

// writerName is written as source_metadata.writer in the version record.
const writerName = "github.com/fashion-gomlx/fashion-gomlx/pkg/tensorboard"

// ErrClosed is returned by the methods of a [Writer] after Close.
var ErrClosed = errors.New("tensorboard: writer is closed")

// fileCounter numbers the files this process creates, so that two writers
// started in the same second get different names.
var fileCounter atomic.Int64

// FileName returns the name of an event file created at t by process pid on
// host, with counter distinguishing files of one process:
// "events.out.tfevents.<unix seconds, 10 digits>.<host>.<pid>.<counter>",
// the pattern TensorFlow, Keras and PyTorch use. TensorBoard finds event
// files by the "tfevents" in their names and orders them by name.
func FileName(t time.Time, host string, pid int, counter int64) string {
	return fmt.Sprintf("events.out.tfevents.%010d.%s.%d.%d", t.Unix(), host, pid, counter)
}

// Writer writes one event file. Create it with [NewWriter]; log with
// [Writer.Scalar], [Writer.Histogram] and [Writer.Text]; make what was
// logged durable with [Writer.Flush]; finish with [Writer.Close].
//
// A Writer is not safe for concurrent use: call it from one goroutine (or
// guard it with a mutex).
type Writer struct {
	path   string
	f      *os.File
	bw     *bufio.Writer
	buf    []byte // record being framed, reused
	err    error  // first write error; sticky
	closed bool
	now    func() time.Time
}

// NewWriter creates dir (and its parents) if needed, creates a new event
// file in it named by [FileName] for the current time, host and process,
// and writes and flushes the version record. It never overwrites an
// existing file.
func NewWriter(dir string) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("tensorboard: creating log directory: %w", err)
	}
	host, err := os.Hostname()
	if err != nil || host == "" || filepath.Base(host) != host {
		host = "localhost"
	}
	now := time.Now()
	var f *os.File
	var path string
	for {
		path = filepath.Join(dir, FileName(now, host, os.Getpid(), fileCounter.Add(1)-1))
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue // Another process with our pid wrote here; next counter.
		}
		if err != nil {
			return nil, fmt.Errorf("tensorboard: creating event file: %w", err)
		}
		break
	}
	w := &Writer{path: path, f: f, bw: bufio.NewWriter(f), now: time.Now}
	version := &tfpb.Event{
		WallTime:       float64(now.UnixNano()) / 1e9,
		What:           &tfpb.Event_FileVersion{FileVersion: FileVersion},
		SourceMetadata: &tfpb.SourceMetadata{Writer: writerName},
	}
	if err := w.write(version); err != nil {
		f.Close()
		return nil, err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	syncDir(dir)
	return w, nil
}

// syncDir makes the new file's directory entry durable. It is best-effort:
// some systems (Windows) cannot open or sync a directory, and the file's own
// contents are synced by Flush regardless.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// Path returns the path of the event file.
func (w *Writer) Path() string { return w.path }

// Scalar logs value for tag at step. TensorBoard stores scalars as float32
// (simple_value), so value is rounded to the nearest float32.
func (w *Writer) Scalar(tag string, step int64, value float64) error {
	return w.writeValue(step, &tfpb.Summary_Value{
		Tag:   tag,
		Value: &tfpb.Summary_Value_SimpleValue{SimpleValue: float32(value)},
	})
}

// Histogram logs the histogram of values for tag at step, with
// [DefaultBuckets] equal-width buckets (see [NewHistogram]). It returns an
// error, and writes nothing, if a value is NaN or infinite.
func (w *Writer) Histogram(tag string, step int64, values []float64) error {
	h, err := NewHistogram(values, DefaultBuckets)
	if err != nil {
		return fmt.Errorf("tensorboard: tag %q step %d: %w", tag, step, err)
	}
	return w.WriteHistogram(tag, step, h)
}

// WriteHistogram logs a histogram built by the caller (e.g. by
// [NewHistogram] with another bucket count) for tag at step. It checks that
// BucketLimit and Bucket have the same, non-zero length.
func (w *Writer) WriteHistogram(tag string, step int64, h Histogram) error {
	if len(h.Bucket) == 0 || len(h.Bucket) != len(h.BucketLimit) {
		return fmt.Errorf("tensorboard: tag %q step %d: histogram has %d bucket limits and %d buckets; need the same number, at least 1",
			tag, step, len(h.BucketLimit), len(h.Bucket))
	}
	return w.writeValue(step, &tfpb.Summary_Value{
		Tag: tag,
		Value: &tfpb.Summary_Value_Histo{Histo: &tfpb.HistogramProto{
			Min:         h.Min,
			Max:         h.Max,
			Num:         h.Num,
			Sum:         h.Sum,
			SumSquares:  h.SumSquares,
			BucketLimit: h.BucketLimit,
			Bucket:      h.Bucket,
		}},
	})
}

// Text logs text for tag at step as a TensorFlow 2 text summary, which
// TensorBoard's Text tab renders as Markdown.
func (w *Writer) Text(tag string, step int64, text string) error {
	return w.writeValue(step, &tfpb.Summary_Value{
		Tag: tag,
		// The text plugin's content is a serialized TextPluginData{version:
		// 0}, which is empty.
		Metadata: &tfpb.SummaryMetadata{
			PluginData: &tfpb.SummaryMetadata_PluginData{PluginName: pluginText},
		},
		Value: &tfpb.Summary_Value_Tensor{Tensor: &tfpb.TensorProto{
			Dtype:       tfpb.DataType_DT_STRING,
			TensorShape: &tfpb.TensorShapeProto{}, // a scalar
			StringVal:   [][]byte{[]byte(text)},
		}},
	})
}

// writeValue writes one Event holding v.
func (w *Writer) writeValue(step int64, v *tfpb.Summary_Value) error {
	if v.Tag == "" {
		return fmt.Errorf("tensorboard: step %d: empty tag", step)
	}
	return w.write(&tfpb.Event{
		WallTime: float64(w.now().UnixNano()) / 1e9,
		Step:     step,
		What:     &tfpb.Event_Summary{Summary: &tfpb.Summary{Value: []*tfpb.Summary_Value{v}}},
	})
}

// write frames ev as a record into the buffer.
func (w *Writer) write(ev *tfpb.Event) error {
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	data, err := proto.Marshal(ev)
	if err != nil {
		return fmt.Errorf("tensorboard: encoding event: %w", err)
	}
	w.buf = appendRecord(w.buf[:0], data)
	if _, err := w.bw.Write(w.buf); err != nil {
		w.err = fmt.Errorf("tensorboard: writing %s: %w", w.path, err)
		return w.err
	}
	return nil
}

// Flush writes buffered events to the file and syncs it to stable storage,
// so that what was logged survives if the process is killed later.
func (w *Writer) Flush() error {
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("tensorboard: writing %s: %w", w.path, err)
		return w.err
	}
	if err := w.f.Sync(); err != nil {
		w.err = fmt.Errorf("tensorboard: syncing %s: %w", w.path, err)
		return w.err
	}
	return nil
}

// Close flushes (as [Writer.Flush]) and closes the file. Closing a closed
// Writer does nothing and returns nil, so a deferred Close may follow an
// explicit one.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	err := w.Flush()
	w.closed = true
	if cerr := w.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("tensorboard: closing %s: %w", w.path, cerr)
	}
	return err
}
