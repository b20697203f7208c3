//go:build ignore

// Command xla-install pre-installs GoMLX's XLA CPU plugin (PJRT) under DIR/go-xla, with
// the go-xla version go.mod pins, so that the XLA backend works without a download at
// first use. The Dockerfile runs it as `go run docker/xla-install.go /usr/local/lib`;
// the pjrt package looks in /usr/local/lib/go-xla among other places.
package main

import (
	"fmt"
	"os"

	"github.com/gomlx/go-xla/installer"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run docker/xla-install.go LIBDIR")
		os.Exit(2)
	}
	if err := installer.AutoInstall(os.Args[1], false, installer.Normal); err != nil {
		fmt.Fprintf(os.Stderr, "xla-install: %v\n", err)
		os.Exit(1)
	}
}
