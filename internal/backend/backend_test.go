package backend

import (
	"strings"
	"testing"
)

func TestNewBackend(t *testing.T) {
	b, line, err := NewBackend("go")
	if err != nil || b.Name() == "" || !strings.HasPrefix(line, "backend: ") || strings.Contains(line, "\n") {
		t.Fatalf("go backend: %v %q %v", b, line, err)
	}
	for _, config := range []string{"nosuch", "nosuch:with-config"} {
		_, _, err := NewBackend(config)
		if err == nil || !strings.Contains(err.Error(), `unknown backend "nosuch"`) || !strings.Contains(err.Error(), "go") {
			t.Errorf("NewBackend(%q): %v", config, err)
		}
	}
	t.Setenv("GOMLX_BACKEND", "bogus")
	if _, _, err := NewBackend(""); err == nil || !strings.Contains(err.Error(), "$GOMLX_BACKEND") {
		t.Errorf("bad $GOMLX_BACKEND: %v", err)
	}
	// Without a setting, the XLA plugin cannot be found or downloaded in a
	// sandbox, and the pure-Go backend is used, saying why in one line.
	t.Setenv("GOMLX_BACKEND", "")
	t.Setenv("GOMLX_NO_AUTO_INSTALL", "1")
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", t.TempDir())
	b, line, err = NewBackend("")
	if err != nil || strings.Contains(line, "\n") || !strings.HasPrefix(line, "backend: ") {
		t.Fatalf("default backend: %v %q %v", b, line, err)
	}
	if b.Name() != "xla" && !strings.Contains(line, "XLA not used") {
		t.Errorf("fell back without saying why: %q", line)
	}
}

func TestCPUPlugin(t *testing.T) {
	for _, c := range []struct {
		plugins map[string]string
		want    string
	}{
		{nil, ""},
		{map[string]string{"cuda": "/c.so", "tpu": "/t.so"}, ""},
		{map[string]string{"cuda": "/c.so", "cpu": "/p/cpu.so", "cpu_v0.114.0": "/v114.so"}, "/p/cpu.so"},
		{map[string]string{"cpu_v0.83.1": "/v83.so", "cpu_v0.114.0": "/v114.so", "cpu_v0.9.9": "/v9.so"}, "/v114.so"},
		{map[string]string{"cpu_v0.114.0": "/v114.so", "cpu_v0.114.0.1": "/v114-1.so"}, "/v114-1.so"},
		{map[string]string{"cpux": "/x.so", "mycpu": "/m.so"}, ""},
	} {
		got, ok := cpuPlugin(c.plugins)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("cpuPlugin(%v) = %q, %v; want %q", c.plugins, got, ok, c.want)
		}
	}
}
