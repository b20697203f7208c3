//go:build js

package backend

// In a web page (GOOS=js, the tutorial's widgets compiled to WebAssembly)
// there is no XLA: its binding is cgo. NewBackend then finds no plugin, and
// XLA's name is unknown, so it uses the pure-Go backend.

// availablePlugins returns no PJRT plugin.
func availablePlugins() map[string]string { return nil }
