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
	"sort"
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
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit status: 0 on success,
// 1 when the work failed, 2 when the command line is wrong.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "fashion: unknown command %q (run \"fashion help\")\n", args[0])
		return 2
	}
	err := cmd.run(args[1:], stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "fashion %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(stderr, "fashion %s: %v\n", args[0], err)
		return 1
	}
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
