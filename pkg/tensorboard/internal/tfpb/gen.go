// Package tfpb holds Go types generated from a subset of TensorFlow's event,
// summary and tensor protobufs. The messages keep TensorFlow's names and field
// numbers, so they read and write the same bytes; the protobuf package is
// fashiongomlx.tfpb rather than tensorflow so that these subset copies cannot
// collide in the global protobuf registry with full TensorFlow protos linked
// into the same binary.
//
// To regenerate (needs protoc, e.g. Debian's protobuf-compiler; protoc-gen-go
// is built from the google.golang.org/protobuf version pinned in go.mod, so
// the generated code always matches the runtime):
//
//	go generate ./pkg/tensorboard/internal/tfpb/
package tfpb

//go:generate sh -c "cd ../../../.. && go build -o pkg/tensorboard/internal/tfpb/.protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go && protoc --plugin=protoc-gen-go=pkg/tensorboard/internal/tfpb/.protoc-gen-go --go_out=. --go_opt=paths=source_relative -I . pkg/tensorboard/internal/tfpb/types.proto pkg/tensorboard/internal/tfpb/tensor_shape.proto pkg/tensorboard/internal/tfpb/tensor.proto pkg/tensorboard/internal/tfpb/summary.proto pkg/tensorboard/internal/tfpb/event.proto; rc=$?; rm -f pkg/tensorboard/internal/tfpb/.protoc-gen-go; exit $rc"
