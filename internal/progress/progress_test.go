package progress

import (
	"bytes"
	"strings"
	"testing"
)

func TestBarPlainLines(t *testing.T) {
	var out bytes.Buffer // not a terminal: plain lines at 25/50/75% and at Done
	b := New(&out, "work", 100, nil)
	for range 100 {
		b.Add(1, "")
	}
	b.Done("ok")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want 4:\n%s", len(lines), out.String())
	}
	for i, pct := range []string{" 25%", " 50%", " 75%", "100%"} {
		if !strings.Contains(lines[i], pct) || !strings.HasPrefix(lines[i], "work [") {
			t.Errorf("line %d = %q, want %s", i, lines[i], pct)
		}
	}
	if !strings.HasSuffix(lines[3], " ok") || !strings.Contains(lines[3], "100/100") {
		t.Errorf("last line %q", lines[3])
	}
	if strings.Contains(out.String(), "\r") {
		t.Error("carriage returns in non-terminal output")
	}
}

func TestBarCountsWrites(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, "dl", 10_000_000, Bytes)
	b.Write(make([]byte, 5_000_000))
	b.Done("")
	if !strings.Contains(out.String(), "5.0/10.0 MB") || !strings.Contains(out.String(), " 50%") {
		t.Fatalf("output %q", out.String())
	}
}
