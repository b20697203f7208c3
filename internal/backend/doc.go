// Package backend chooses the GoMLX backend the programs of this project
// run on (NewBackend): the one a --backend flag or $GOMLX_BACKEND names,
// else XLA on the CPU where its PJRT plugin can be found (the plugin
// search), else GoMLX's pure-Go backend, with one line saying which runs
// and why.
//
// It blank-imports the backends (the pure-Go one and go-xla's XLA binding,
// which is cgo), so only programs may import it: cmd/fashion and tutorial
// (the notebooks' program). The library packages (pkg/...) never do: a
// program that uses them chooses its backend the GoMLX way, with
// _ "github.com/gomlx/gomlx/backends/default" or a backend of its own.
package backend
