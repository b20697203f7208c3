package fashion

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend"  // The pure-Go backend, always available.
	_ "github.com/gomlx/go-xla/compute/xla" // The XLA backend, where its PJRT plugin can be found.
)

// NewBackend returns the compute backend to run the model on and one line
// naming it, for the user to see. The config follows GoMLX's format
// ("go", "xla:cpu", "xla:/path/to/plugin.so", ...). An empty config uses
// $GOMLX_BACKEND when set; otherwise NewBackend tries XLA on the CPU and falls
// back to the pure-Go backend when XLA's plugin is missing or cannot be
// installed.
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
	b, err := newBackend("xla:cpu")
	if err == nil {
		return b, "backend: " + describeBackend(b), nil
	}
	goBackend, goErr := newBackend("go")
	if goErr != nil {
		return nil, "", fmt.Errorf("no backend: XLA failed (%v), and so did the pure-Go backend: %w", err, goErr)
	}
	return goBackend, fmt.Sprintf("backend: %s; XLA not used: %s", describeBackend(goBackend), xlaReason(err)), nil
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
	return fmt.Sprintf("%s (%s)", b.Name(), b.Description())
}

// xlaReason shortens XLA's chain of error messages to what a user can act on.
func xlaReason(err error) string {
	msg := err.Error()
	parts := strings.Split(msg, ": ")
	last := parts[len(parts)-1]
	if strings.Contains(msg, "auto-install") {
		return "its CPU plugin is not installed and could not be downloaded (" + last + ")"
	}
	return last
}
