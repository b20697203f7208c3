package fashion

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
