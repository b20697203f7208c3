// Package quietlogs silences the logs of the libraries a program uses, so
// that the program alone says what went wrong, in one line, from the
// errors the libraries return: go-xla's klog lines ("W... failed to
// dynamically load PJRT plugin" before the error saying so; "E...
// Couldn't get user's home directory" when $HOME is unset, logged by
// go-xla's init) and the standard logger's (net/http's "Unsolicited
// response received on idle HTTP channel" from a misbehaving server).
//
// A program imports it for its effect, before anything else logs:
//
//	import _ "github.com/fashion-gomlx/fashion-gomlx/internal/quietlogs"
//
// Its init function runs before go-xla's: Go initializes packages in the
// order of their import paths, among those whose imports are initialized,
// and this one needs only klog. Setting $FASHION_DEBUG to 1 keeps the logs.
package quietlogs

import (
	"flag"
	"io"
	"log"
	"os"

	"k8s.io/klog/v2"
)

// DebugEnv names the environment variable that, set to 1, keeps the logs
// (and makes the programs print the stack trace of an internal error).
const DebugEnv = "FASHION_DEBUG"

func init() {
	if os.Getenv(DebugEnv) == "1" {
		return
	}
	log.SetOutput(io.Discard)
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	fs.Set("logtostderr", "false")
	fs.Set("alsologtostderr", "false")
	fs.Set("stderrthreshold", "FATAL")
	klog.SetOutput(io.Discard) // and no log files
}
