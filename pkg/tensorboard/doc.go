// Package tensorboard writes and reads TensorBoard event files: the
// "events.out.tfevents.*" logs that TensorFlow, Keras and PyTorch write during
// training and that TensorBoard plots. It knows nothing of models: callers
// hand it tags, steps and plain Go numbers and strings.
//
// # File format
//
// An event file is a sequence of TFRecord records. Each record is
//
//	uint64  length        little-endian length of data
//	uint32  length CRC    masked CRC-32C of the 8 length bytes
//	[]byte  data          a serialized tensorflow.Event protobuf
//	uint32  data CRC      masked CRC-32C of data
//
// where the CRC-32C (Castagnoli) checksum crc is stored masked as
// ((crc >> 15) | (crc << 17)) + 0xa282ead8, little-endian. The first Event
// of a file has file_version "brain.Event:2"; each later Event carries a
// wall time (seconds since the Unix epoch), a step and a Summary of tagged
// values. This package writes one value per Event:
//
//   - scalars as Summary.Value.simple_value (a float32), which TensorBoard,
//     Keras and PyTorch all read;
//   - histograms as Summary.Value.histo, a HistogramProto with equal-width
//     buckets (see [NewHistogram]);
//   - text as a TensorFlow 2 text summary: a scalar DT_STRING tensor whose
//     metadata names the "text" plugin, which TensorBoard's Text tab shows.
//
// The reader accepts those and also TensorFlow 2 scalars (a rank-0
// DT_FLOAT or DT_DOUBLE tensor, as tf.summary.scalar and Keras write them).
// Other records (graphs, images, TensorFlow 2 histogram tensors, ...) are
// returned as [KindOther] events.
//
// Files are named events.out.tfevents.<unix seconds>.<host>.<pid>.<counter>,
// as PyTorch's SummaryWriter names them; see [FileName]. A Keras run
// directory holds one subdirectory per "run" (train, validation), each with
// its own event files; [ReadRun] and [Scalars] read such a directory.
//
// The message types come from a subset of TensorFlow's .proto files, kept
// with TensorFlow's field numbers in internal/tfpb and compiled with protoc
// and protoc-gen-go (see internal/tfpb/gen.go).
package tensorboard
