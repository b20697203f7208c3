package tensorboard

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/tensorboard/internal/tfpb"
)

// Plugin names found in SummaryMetadata.
const (
	pluginScalars = "scalars"
	pluginText    = "text"
)

// Kind says what an [Event] holds.
type Kind int

// The kinds of events.
const (
	// KindOther is any record this package does not decode: a graph, an
	// image, a TensorFlow 2 histogram tensor, a session log, ...
	KindOther Kind = iota
	// KindFileVersion is the first record of a file; see Event.FileVersion.
	KindFileVersion
	// KindScalar is a scalar; see Event.Value.
	KindScalar
	// KindHistogram is a histogram; see Event.Histogram.
	KindHistogram
	// KindText is a text summary; see Event.Text.
	KindText
)

// String returns the kind's name, e.g. "scalar".
func (k Kind) String() string {
	switch k {
	case KindOther:
		return "other"
	case KindFileVersion:
		return "file_version"
	case KindScalar:
		return "scalar"
	case KindHistogram:
		return "histogram"
	case KindText:
		return "text"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Event is one logged value (one record's summary may hold several; each
// becomes an Event), or a file's version record, as plain Go values.
type Event struct {
	Kind     Kind
	WallTime float64 // seconds since the Unix epoch; see Event.Time
	Step     int64
	Tag      string // empty for KindFileVersion and most KindOther

	FileVersion string     // KindFileVersion: e.g. "brain.Event:2"
	Value       float64    // KindScalar (float32 in the file for simple_value)
	Histogram   *Histogram // KindHistogram
	Text        string     // KindText; several strings are joined by "\n"

	// Offset is the byte offset of the record in its file.
	Offset int64
}

// Time returns WallTime as a time.Time.
func (e Event) Time() time.Time {
	sec, frac := math.Modf(e.WallTime)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// Reader reads the events of one event file. It is not safe for
// concurrent use.
type Reader struct {
	rr      recordReader
	pending []Event
	plugins map[string]string // tag -> plugin name, from the first metadata
	err     error
}

// NewReader returns a Reader of the event file contents r. name (usually
// the file's path) is used in error messages.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{
		rr:      recordReader{r: r, path: name},
		plugins: make(map[string]string),
	}
}

// Next returns the next event. At the clean end of the file it returns
// io.EOF. A bad record gives a *[FormatError] naming the file and byte
// offset, which wraps [ErrTruncated] if the file ends within a record and
// [ErrChecksum] on a CRC mismatch. After an error Next returns it again.
func (r *Reader) Next() (Event, error) {
	for len(r.pending) == 0 {
		if r.err != nil {
			return Event{}, r.err
		}
		data, offset, err := r.rr.next()
		if err != nil {
			r.err = err
			return Event{}, err
		}
		evs, err := r.decode(data, offset)
		if err != nil {
			r.err = &FormatError{Path: r.rr.path, Offset: offset, Err: err}
			return Event{}, r.err
		}
		r.pending = evs
	}
	ev := r.pending[0]
	r.pending = r.pending[1:]
	return ev, nil
}

// decode turns one record into events: one per summary value, or one for
// any other record.
func (r *Reader) decode(data []byte, offset int64) ([]Event, error) {
	var pb tfpb.Event
	if err := proto.Unmarshal(data, &pb); err != nil {
		return nil, fmt.Errorf("decoding Event protobuf: %w", err)
	}
	base := Event{WallTime: pb.GetWallTime(), Step: pb.GetStep(), Offset: offset}
	switch what := pb.What.(type) {
	case *tfpb.Event_FileVersion:
		base.Kind = KindFileVersion
		base.FileVersion = what.FileVersion
		return []Event{base}, nil
	case *tfpb.Event_Summary:
		values := what.Summary.GetValue()
		evs := make([]Event, 0, len(values))
		for _, v := range values {
			ev, err := r.decodeValue(base, v)
			if err != nil {
				return nil, err
			}
			evs = append(evs, ev)
		}
		return evs, nil
	default:
		return []Event{base}, nil
	}
}

// decodeValue decodes one summary value into an Event based on base.
func (r *Reader) decodeValue(ev Event, v *tfpb.Summary_Value) (Event, error) {
	ev.Tag = v.GetTag()
	plugin := v.GetMetadata().GetPluginData().GetPluginName()
	if v.GetTensor() != nil && ev.Tag == "" {
		ev.Tag = v.GetNodeName() // TensorFlow 1 tagged tensors so.
	}
	if plugin != "" {
		// Writers may put the metadata only on a tag's first value.
		if _, ok := r.plugins[ev.Tag]; !ok {
			r.plugins[ev.Tag] = plugin
		}
	} else {
		plugin = r.plugins[ev.Tag]
	}

	switch val := v.Value.(type) {
	case *tfpb.Summary_Value_SimpleValue:
		ev.Kind = KindScalar
		ev.Value = float64(val.SimpleValue)
	case *tfpb.Summary_Value_Histo:
		h := val.Histo
		if len(h.GetBucket()) != len(h.GetBucketLimit()) {
			return ev, fmt.Errorf("tag %q: histogram has %d bucket limits and %d buckets",
				ev.Tag, len(h.GetBucketLimit()), len(h.GetBucket()))
		}
		ev.Kind = KindHistogram
		ev.Histogram = &Histogram{
			Min:         h.GetMin(),
			Max:         h.GetMax(),
			Num:         h.GetNum(),
			Sum:         h.GetSum(),
			SumSquares:  h.GetSumSquares(),
			BucketLimit: h.GetBucketLimit(),
			Bucket:      h.GetBucket(),
		}
	case *tfpb.Summary_Value_Tensor:
		t := val.Tensor
		dtype := t.GetDtype()
		switch {
		case plugin == pluginText || (plugin == "" && dtype == tfpb.DataType_DT_STRING):
			text, err := tensorText(t)
			if err != nil {
				return ev, fmt.Errorf("tag %q: text summary: %w", ev.Tag, err)
			}
			ev.Kind = KindText
			ev.Text = text
		case plugin == pluginScalars || (plugin == "" && isFloatScalar(t)):
			x, err := tensorScalar(t)
			if err != nil {
				return ev, fmt.Errorf("tag %q: scalar summary: %w", ev.Tag, err)
			}
			ev.Kind = KindScalar
			ev.Value = x
		}
	}
	return ev, nil
}

// numElements returns the number of elements of the tensor's shape, or -1
// if it is unknown or absurd.
func numElements(t *tfpb.TensorProto) int64 {
	shape := t.GetTensorShape()
	if shape.GetUnknownRank() {
		return -1
	}
	n := int64(1)
	for _, d := range shape.GetDim() {
		if d.GetSize() < 0 || (d.GetSize() > 0 && n > math.MaxInt32/d.GetSize()) {
			return -1
		}
		n *= d.GetSize()
	}
	return n
}

// isFloatScalar reports whether t is a single DT_FLOAT or DT_DOUBLE.
func isFloatScalar(t *tfpb.TensorProto) bool {
	dt := t.GetDtype()
	return (dt == tfpb.DataType_DT_FLOAT || dt == tfpb.DataType_DT_DOUBLE) && numElements(t) == 1
}

// tensorScalar returns the value of a single-element DT_FLOAT or DT_DOUBLE
// tensor, held in float_val/double_val or as little-endian tensor_content.
func tensorScalar(t *tfpb.TensorProto) (float64, error) {
	if n := numElements(t); n != 1 {
		return 0, fmt.Errorf("tensor has shape %v, want a single value", shapeOf(t))
	}
	content := t.GetTensorContent()
	switch t.GetDtype() {
	case tfpb.DataType_DT_FLOAT:
		if len(content) == 4 {
			return float64(math.Float32frombits(binary.LittleEndian.Uint32(content))), nil
		}
		if len(content) == 0 && len(t.GetFloatVal()) >= 1 {
			return float64(t.GetFloatVal()[0]), nil
		}
	case tfpb.DataType_DT_DOUBLE:
		if len(content) == 8 {
			return math.Float64frombits(binary.LittleEndian.Uint64(content)), nil
		}
		if len(content) == 0 && len(t.GetDoubleVal()) >= 1 {
			return t.GetDoubleVal()[0], nil
		}
	default:
		return 0, fmt.Errorf("tensor has dtype %v, want DT_FLOAT or DT_DOUBLE", t.GetDtype())
	}
	return 0, fmt.Errorf("%v tensor holds no value (%d content bytes)", t.GetDtype(), len(content))
}

// tensorText returns the strings of a DT_STRING tensor joined by "\n".
func tensorText(t *tfpb.TensorProto) (string, error) {
	if t.GetDtype() != tfpb.DataType_DT_STRING {
		return "", fmt.Errorf("tensor has dtype %v, want DT_STRING", t.GetDtype())
	}
	vals := t.GetStringVal()
	if n := numElements(t); n < 0 || int64(len(vals)) != n {
		return "", fmt.Errorf("tensor of shape %v holds %d strings", shapeOf(t), len(vals))
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = string(v)
	}
	return strings.Join(parts, "\n"), nil
}

// shapeOf returns t's shape as a slice, for messages.
func shapeOf(t *tfpb.TensorProto) []int64 {
	dims := t.GetTensorShape().GetDim()
	s := make([]int64, len(dims))
	for i, d := range dims {
		s[i] = d.GetSize()
	}
	return s
}

// ReadFile reads all events of the event file at path. On an error it
// returns the events read before the bad record together with the error (a
// *[FormatError] for a bad record), so a caller reading a file that is still
// being written may keep them when errors.Is(err, [ErrTruncated]).
func ReadFile(path string) ([]Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tensorboard: %w", err)
	}
	defer f.Close()
	return readAll(NewReader(bufio.NewReader(f), path))
}

// readAll reads events from r until io.EOF or an error.
func readAll(r *Reader) ([]Event, error) {
	var evs []Event
	for {
		ev, err := r.Next()
		if err == io.EOF {
			return evs, nil
		}
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
}
