//go:build !js

package backend

import (
	_ "github.com/gomlx/go-xla/compute/xla" // The XLA backend, where its PJRT plugin can be found.
	"github.com/gomlx/go-xla/pjrt"
)

// availablePlugins returns the PJRT plugins found, name to path.
func availablePlugins() map[string]string { return pjrt.AvailablePlugins() }
