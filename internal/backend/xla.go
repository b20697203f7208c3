//go:build !js

package backend

import (
	_ "github.com/gomlx/go-xla/compute/xla" // The XLA backend, where its PJRT plugin can be found.
	"github.com/gomlx/go-xla/pjrt"
)

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
