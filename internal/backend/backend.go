package backend

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend"  // The pure-Go backend, always available.
	_ "github.com/gomlx/go-xla/compute/xla" // The XLA backend, where its PJRT plugin can be found.
	"github.com/gomlx/go-xla/pjrt"
)

// NewBackend returns the compute backend to run the model on and one line
// naming it, for the user to see. The config follows GoMLX's format
// ("go", "xla:cpu", "xla:/path/to/plugin.so", ...). An empty config uses
// $GOMLX_BACKEND when set; otherwise it uses XLA on the CPU: an XLA CPU plugin
// already installed where GoMLX looks for plugins (the directories of
// $PJRT_PLUGIN_LIBRARY_PATH, else ~/.local/lib/go-xla, /usr/local/lib/go-xla
// and the system's library directories), else the one GoMLX installs itself
// (it downloads it on first use); it falls back to the pure-Go backend when
// there is neither.
func NewBackend(config string) (compute.Backend, string, error) {
	from := "--backend"
	if config == "" {
		config, from = os.Getenv(compute.ConfigEnvVar), "$"+compute.ConfigEnvVar
	}
	if config != "" {
		b, err := newBackend(config)
		if err != nil {
			return nil, "", fmt.Errorf("backend %q (from %s): %w", config, from, err)
		}
		return b, fmt.Sprintf("backend: %s (from %s)", describeBackend(b), from), nil
	}
	xlaConfig := "xla:cpu" // GoMLX's own plugin, downloaded on first use.
	if path, ok := cpuPlugin(availablePlugins()); ok {
		// An installed plugin, by its path: GoMLX's auto-install would
		// first try to download its own version.
		xlaConfig = "xla:" + path
	}
	b, err := newBackend(xlaConfig)
	if err == nil {
		return b, "backend: " + describeBackend(b), nil
	}
	goBackend, goErr := newBackend("go")
	if goErr != nil {
		return nil, "", fmt.Errorf("no backend: XLA failed (%v), and so did the pure-Go backend: %w", err, goErr)
	}
	return goBackend, fmt.Sprintf("backend: %s (XLA not used: %s)", describeBackend(goBackend), xlaReason(err)), nil
}

// availablePlugins lists the PJRT plugins GoMLX finds (name to path). The
// search opens each candidate, and go-xla panics on one that is not a
// plugin (a truncated download in $PJRT_PLUGIN_LIBRARY_PATH): that counts
// as finding none there, and XLA's own error then says why.
func availablePlugins() (plugins map[string]string) {
	defer func() {
		if recover() != nil {
			plugins = nil
		}
	}()
	return pjrt.AvailablePlugins()
}

// cpuPlugin picks XLA's CPU plugin among the plugins found (name to path, as
// pjrt.AvailablePlugins returns them): the one named "cpu"
// (pjrt_c_api_cpu_plugin.so), else the newest of the versions GoMLX installs
// ("cpu_v0.114.0").
func cpuPlugin(plugins map[string]string) (string, bool) {
	if path, ok := plugins["cpu"]; ok {
		return path, true
	}
	var best string
	for name := range plugins {
		if v, ok := strings.CutPrefix(name, "cpu_v"); ok && (best == "" || newerVersion(v, best)) {
			best = v
		}
	}
	if best == "" {
		return "", false
	}
	return plugins["cpu_v"+best], true
}

// newerVersion reports whether dotted version a is after b ("0.114.0" after "0.83.1").
func newerVersion(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range min(len(as), len(bs)) {
		x, errX := strconv.Atoi(as[i])
		y, errY := strconv.Atoi(bs[i])
		if errX != nil || errY != nil {
			return as[i] > bs[i]
		}
		if x != y {
			return x > y
		}
	}
	return len(as) > len(bs)
}

// newBackend creates a backend, turning an unknown name (which GoMLX
// reports by panicking) and any other panic of a backend's constructor into
// an error.
func newBackend(config string) (b compute.Backend, err error) {
	name, _, _ := strings.Cut(config, ":")
	known := compute.List()
	slices.Sort(known)
	if !slices.Contains(known, name) {
		return nil, fmt.Errorf("unknown backend %q: the backends compiled in are %s", name, strings.Join(known, ", "))
	}
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return compute.NewWithConfig(config)
}

// describeBackend names a backend and its device in a few words.
func describeBackend(b compute.Backend) string {
	if strings.HasPrefix(b.Name(), "Go ") {
		return b.Name() // Its description only repeats the name, with the parallelism.
	}
	return fmt.Sprintf("%s (%s)", b.Name(), b.Description())
}

// xlaReason shortens XLA's chain of error messages to what a user can act on.
func xlaReason(err error) string {
	msg := err.Error()
	parts := strings.Split(msg, ": ")
	last := parts[len(parts)-1]
	if strings.Contains(msg, "auto-install") {
		return "its CPU plugin is not installed" // and could not be downloaded: the details add nothing to act on
	}
	return last
}
