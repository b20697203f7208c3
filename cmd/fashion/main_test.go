package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// runCLI runs the tool in-process and returns its exit status and output.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	code, out, _ := runCLI("help")
	if code != 0 || !strings.Contains(out, "data") {
		t.Fatalf("help: code %d, output %q", code, out)
	}
	code, _, errOut := runCLI("frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: code %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI("data", "--no-such-flag")
	if code != 2 || !strings.Contains(errOut, "no-such-flag") {
		t.Fatalf("bad flag: code %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI("data", "extra")
	if code != 2 || !strings.Contains(errOut, `unexpected argument "extra"`) {
		t.Fatalf("extra argument: code %d, stderr %q", code, errOut)
	}
}

func TestDataMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI("data", "--data-dir", dir)
	if code != 1 || !strings.Contains(errOut, dir) || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("code %d, stderr %q: want status 1 and one line naming %s", code, errOut, dir)
	}
}

func TestDataJSON(t *testing.T) {
	code, out, errOut := runCLI("data", "--json", "--offline")
	if code != 0 {
		if os.Getenv("FASHION_MNIST_REQUIRE") == "1" {
			t.Fatalf("fashion data: %s", errOut)
		}
		t.Skipf("real data not available: %s", errOut)
	}
	var report struct {
		Source                  string
		Train, Validation, Test int
		ClassNames              []string         `json:"class_names"`
		ClassCounts             map[string][]int `json:"class_counts"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if report.Source == "" || report.Train != 55000 || report.Validation != 5000 || report.Test != 10000 ||
		len(report.ClassNames) != 10 || report.ClassNames[9] != "Ankle boot" {
		t.Fatalf("report %+v", report)
	}
	for _, split := range []string{"train", "validation", "test"} {
		if len(report.ClassCounts[split]) != 10 {
			t.Errorf("class_counts[%s] = %v", split, report.ClassCounts[split])
		}
	}
	if report.ClassCounts["test"][0] != 1000 {
		t.Errorf("test class 0 count %d", report.ClassCounts["test"][0])
	}
}

func TestFlagErrorsAreOneLine(t *testing.T) {
	code, _, errOut := runCLI("train", "--no-such-flag")
	if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "fashion train -h") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI("train", "-h")
	if code != 0 || !strings.Contains(errOut, "-epochs") {
		t.Fatalf("-h: code %d, stderr %q", code, errOut)
	}
}
