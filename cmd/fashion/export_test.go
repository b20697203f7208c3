package main

import (
	"strings"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/onnxexport"
)

// TestExportUsage: --onnx is required; a build without ONNX export says how
// to get it, in one line. (tests/onnx/run.sh checks the export itself, with
// the build tag onnx.)
func TestExportUsage(t *testing.T) {
	if code, _, errOut := runCLI("export"); code != 2 || !strings.Contains(errOut, "--onnx FILE is required") {
		t.Errorf("export without --onnx: exit %d, %q", code, errOut)
	}
	if onnxexport.Built {
		return
	}
	code, _, errOut := runCLI("export", "--onnx", t.TempDir()+"/model.onnx")
	if code != 1 || !strings.Contains(errOut, "go build -tags onnx") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("export in a build without it: exit %d, %q", code, errOut)
	}
}
