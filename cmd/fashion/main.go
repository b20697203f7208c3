// Command fashion trains and inspects the article's Fashion-MNIST classifier
// from a terminal. Run "fashion help" for the list of commands.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/internal/quietlogs"
)

// command is one sub-command of the tool.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

// commands lists the sub-commands by name.
var commands = map[string]command{
	"data":     {"describe the data set: where it came from, partitions, class counts", runData},
	"summary":  {"print the model's layers and parameter counts", runSummary},
	"train":    {"train the article's model and save it", runTrain},
	"evaluate": {"measure a saved model's loss and accuracy on the test set", runEvaluate},
	"plots":    {"write every figure (PNG and SVG) of the data and of a saved model", runPlots},
	"predict":  {"predict the classes of the first test images with a saved model", runPredict},
}

// errUsage marks errors in the command line (exit status 2).
var errUsage = errors.New("usage")

func main() {
	os.Exit(cli(os.Args[1:]))
}

// cli runs the tool as a process. Libraries print to os.Stdout (GoMLX's Go
// backend says "parallelism set to ...", XLA's installer reports its
// downloads); the tool's standard output carries its results (--json) and
// nothing else, so os.Stdout is pointed at standard error for them. Their
// logs are silenced (see internal/quietlogs), and SIGINT and SIGTERM are
// handled (see interrupts).
func cli(args []string) int {
	stdout := os.Stdout
	os.Stdout = os.Stderr
	defer func() { os.Stdout = stdout }()
	name := "fashion"
	if len(args) > 0 {
		name += " " + args[0]
	}
	stop := sigs.watch(name, os.Stderr)
	defer stop()
	return run(args, stdout, os.Stderr)
}

// run executes the command line and returns the exit status: 0 on success,
// 1 when the work failed, 2 when the command line is wrong. Every failure
// is one line on stderr, a failure to write the output included.
func run(args []string, stdout, stderr io.Writer) int {
	out := &checkedWriter{w: stdout}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		if out.err != nil {
			fmt.Fprintf(stderr, "fashion: writing the output: %v\n", out.err)
			return 1
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "fashion: unknown command %q (run \"fashion help\")\n", args[0])
		return 2
	}
	err := runCommand(cmd, args[1:], out, stderr)
	if err == nil && out.err != nil {
		err = fmt.Errorf("writing the output: %w", out.err)
	}
	var interrupted *interruptedError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &interrupted):
		fmt.Fprintf(stderr, "fashion %s: %s\n", args[0], oneLine(err))
		return interrupted.exitStatus()
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "fashion %s: %s\n", args[0], oneLine(err))
		return 2
	default:
		fmt.Fprintf(stderr, "fashion %s: %s\n", args[0], oneLine(err))
		return 1
	}
}

// debugEnv, set to 1, makes an internal error print its stack trace, and
// keeps the libraries' logs.
const debugEnv = quietlogs.DebugEnv

// runCommand runs a sub-command, turning a panic (a bug: bad input gets an
// error) into an error of one line.
func runCommand(cmd command, args []string, stdout, stderr io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if os.Getenv(debugEnv) == "1" {
				stderr.Write(debug.Stack())
			}
			err = fmt.Errorf("internal error: %v (please report it; %s=1 shows where)", r, debugEnv)
		}
	}()
	return cmd.run(args, stdout, stderr)
}

// oneLine joins the lines of an error message with "; ", so that every
// failure is one line even when a library's message is not, and escapes
// what a terminal would interpret (see printable): messages quote file
// names and the content of files.
func oneLine(err error) string {
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, printable(l))
		}
	}
	return strings.Join(lines, "; ")
}

// checkedWriter remembers the first error of the writes to w, so that
// output lost on a full disk or a closed pipe makes the command fail.
type checkedWriter struct {
	w   io.Writer
	err error
}

// Fd returns the file descriptor of the file written to (an invalid one
// for other writers), so that progress bars know a terminal.
func (c *checkedWriter) Fd() uintptr {
	if f, ok := c.w.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}

// Write implements io.Writer.
func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.err = err
	return n, err
}

// usage prints the list of commands.
func usage(w io.Writer) {
	fmt.Fprintln(w, "fashion trains and inspects the article's Fashion-MNIST classifier.")
	fmt.Fprintln(w, "\nUsage: fashion <command> [flags]   (fashion <command> -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-10s %s\n", name, commands[name].summary)
	}
}

// flagSet is a sub-command's flags. Parsing errors come back as errors of
// one line (see parse); -h prints the flags to stderr.
type flagSet struct {
	*flag.FlagSet
	stderr io.Writer
}

// newFlags returns the flag set of a sub-command.
func newFlags(name string, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet("fashion "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // parse prints the help, for -h only.
	return &flagSet{FlagSet: fs, stderr: stderr}
}

// parse parses args, rejecting positional arguments.
func (fs *flagSet) parse(args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(fs.stderr, "Usage of %s:\n", fs.Name())
			fs.SetOutput(fs.stderr)
			fs.PrintDefaults()
			return err
		}
		return fmt.Errorf("%w: %v (see \"%s -h\")", errUsage, err, fs.Name())
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
