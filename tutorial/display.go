package tutorial

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/viz"
	"github.com/janpfeifer/gonb/gonbui"
)

// output is where the tutorial shows things: the notebook, or (outside a
// notebook, in tests and plain programs) the terminal and files.
type output interface {
	// image shows a PNG.
	image(png []byte)
	// update replaces the transient picture with the given id (created on
	// first use); an empty png removes it.
	update(id string, png []byte)
	// markdown shows formatted text.
	markdown(md string)
}

// out is the current output; tests replace it.
var out output = defaultOutput()

// defaultOutput picks the notebook when running in GoNB.
func defaultOutput() output {
	if gonbui.IsNotebook {
		return notebook{}
	}
	return terminal{dir: filepath.Join(os.TempDir(), "fashion-tutorial")}
}

// notebook shows things in a GoNB notebook.
type notebook struct{}

// The notebook's display functions wait for GoNB to acknowledge (Sync): a
// cell's program that ended right after displaying would otherwise lose the
// display, since GoNB stops reading the program's pipe when it exits.

func (notebook) image(png []byte) { gonbui.DisplayPNG(png); gonbui.Sync() }

func (notebook) update(id string, png []byte) {
	if len(png) == 0 {
		gonbui.UpdateHTML(id, "")
		gonbui.Sync()
		return
	}
	gonbui.UpdateHTML(id, `<img src="data:image/png;base64,`+base64.StdEncoding.EncodeToString(png)+`">`)
	gonbui.Sync()
}

func (notebook) markdown(md string) { gonbui.DisplayMarkdown(md); gonbui.Sync() }

// terminal writes pictures to files and prints their paths.
type terminal struct{ dir string }

func (t terminal) image(png []byte) {
	if err := os.MkdirAll(t.dir, 0o755); err != nil {
		fmt.Fprintln(stdout, "(cannot save the picture:", err, ")")
		return
	}
	f, err := os.CreateTemp(t.dir, "figure-*.png")
	if err != nil {
		fmt.Fprintln(stdout, "(cannot save the picture:", err, ")")
		return
	}
	defer f.Close()
	f.Write(png)
	fmt.Fprintln(stdout, "(picture saved to", f.Name()+")")
}

func (terminal) update(string, []byte) {}

func (terminal) markdown(md string) { fmt.Fprintln(stdout, md) }

// Show displays a figure inline in the notebook.
func Show(f *viz.Figure, err error) {
	check(err)
	png, err := f.PNG()
	check(err)
	out.image(png)
}

// note shows a line of formatted text.
func note(format string, args ...any) {
	out.markdown(fmt.Sprintf(format, args...))
}

// table renders rows as a Markdown table; the first row is the header.
func table(rows [][]string) string {
	var b strings.Builder
	for i, row := range rows {
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		if i == 0 {
			b.WriteString(strings.Repeat("| --- ", len(row)) + "|\n")
		}
	}
	return b.String()
}

// codeBlock wraps text so that the notebook shows it in a fixed font.
func codeBlock(text string) string {
	return "```\n" + strings.TrimRight(text, "\n") + "\n```"
}

// stdout receives the tutorial's printed text; tests replace it.
var stdout io.Writer = os.Stdout

// exit ends the cell after an error; tests replace it.
var exit = os.Exit

// check ends the cell with a one-line message if err is not nil: notebooks
// then show what went wrong, not a panic trace.
func check(err error) {
	if err == nil {
		return
	}
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintln(os.Stderr, "✗ "+msg)
	exit(1)
}

// NoError ends the cell with a one-line message when err is not nil: for
// notebook code that calls a function returning only an error (savedmodel.Save).
func NoError(err error) { check(err) }

// Must returns v, or ends the cell with a one-line error: a helper for
// notebook code that calls pkg/fashion directly.
func Must[T any](v T, err error) T {
	check(err)
	return v
}

// pngOf encodes a figure, for live updates.
func pngOf(f *viz.Figure) ([]byte, error) {
	var b bytes.Buffer
	if err := f.Encode(&b, viz.PNG); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
