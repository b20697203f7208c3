package tutorial

import (
	"fmt"
	"runtime"
	"runtime/debug"

	backends "github.com/fashion-gomlx/fashion-gomlx/internal/backend" // backend is this package's function
	"github.com/gomlx/compute"
)

// Chapter 3: the tools.

// modules whose versions ShowTools reports, with what each does here.
var modules = []struct{ path, role string }{
	{"github.com/gomlx/gomlx", "builds, trains and saves the model"},
	{"github.com/gomlx/compute", "runs the graphs: the pure-Go backend"},
	{"github.com/gomlx/go-xla", "runs the graphs: the XLA backend (CPU, GPU)"},
	{"gonum.org/v1/plot", "draws the figures"},
	{"github.com/janpfeifer/gonb", "the Jupyter kernel running this notebook"},
}

// ShowTools prints the Go version, the versions of the libraries this
// tutorial uses, and which backend GoMLX runs on here.
func ShowTools() {
	versions := map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Replace != nil {
				dep = dep.Replace
			}
			versions[dep.Path] = dep.Version
		}
	}
	rows := [][]string{{"library", "version", "role"}, {"Go", runtime.Version(), "the language, its compiler and standard library"}}
	for _, m := range modules {
		v := versions[m.path]
		if v == "" {
			v = "(not linked)"
		}
		rows = append(rows, []string{m.path, v, m.role})
	}
	note("%s", table(rows))
	_, line, err := backends.NewBackend("")
	check(err)
	fmt.Fprintln(stdout, line)
}

// Backend returns the backend GoMLX computes on here: XLA when its plugin
// is installed, else the pure-Go backend (ShowTools says which).
func Backend() compute.Backend { return backend() }
