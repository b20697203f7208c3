// Package progress draws progress bars: a redrawn bar on a terminal, plain
// lines otherwise (logs, CI, notebooks), so that captured output stays short.
package progress

import (
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/term"
)

// barWidth is the number of cells of the drawn bar.
const barWidth = 30

// Bar shows the progress of one task of known size. Create it with New, call
// Set or Add as work advances, and Done once at the end. A Bar is not safe
// for concurrent use.
type Bar struct {
	w        io.Writer
	label    string
	total    int64
	done     int64
	terminal bool
	start    time.Time
	lastDraw time.Time
	lastTick int // last quarter reported on a non-terminal (0-4)
	format   func(done, total int64) string
}

// New returns a bar writing to w. On a terminal the bar is redrawn in place
// at most ten times a second; elsewhere one line is written at 25%, 50%, 75%
// and at Done. format renders the amount done, e.g. as bytes; nil prints
// "done/total".
func New(w io.Writer, label string, total int64, format func(done, total int64) string) *Bar {
	if format == nil {
		format = func(done, total int64) string { return fmt.Sprintf("%d/%d", done, total) }
	}
	return &Bar{w: w, label: label, total: total, terminal: IsTerminal(w), start: time.Now(), format: format}
}

// IsTerminal reports whether w is a terminal (a character device such as a
// TTY), where a redrawn bar makes sense.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr }) // an *os.File, or a writer wrapping one
	return ok && term.IsTerminal(int(f.Fd()))
}

// Write counts len(p) as done, so a Bar can sit in an io.TeeReader or
// io.MultiWriter while bytes are copied.
func (b *Bar) Write(p []byte) (int, error) {
	b.Add(int64(len(p)), "")
	return len(p), nil
}

// Add advances the bar by n, with an optional suffix (e.g. running metrics).
func (b *Bar) Add(n int64, suffix string) { b.Set(b.done+n, suffix) }

// Set sets the amount done, with an optional suffix (e.g. running metrics).
func (b *Bar) Set(done int64, suffix string) {
	b.done = done
	if b.terminal {
		if time.Since(b.lastDraw) < 100*time.Millisecond {
			return
		}
		b.lastDraw = time.Now()
		fmt.Fprintf(b.w, "\r%s\033[K", b.line(suffix))
		return
	}
	if b.total > 0 {
		tick := int(4 * b.done / b.total)
		if tick > b.lastTick && tick < 4 {
			b.lastTick = tick
			fmt.Fprintln(b.w, b.line(suffix))
		}
	}
}

// Done draws the bar at its final state, followed by a newline.
func (b *Bar) Done(suffix string) {
	if b.terminal {
		fmt.Fprintf(b.w, "\r%s\033[K\n", b.line(suffix))
		return
	}
	fmt.Fprintln(b.w, b.line(suffix))
}

// line renders the bar: label, cells, percentage, amount, elapsed time.
func (b *Bar) line(suffix string) string {
	frac := 1.0
	if b.total > 0 {
		frac = min(float64(b.done)/float64(b.total), 1)
	}
	filled := int(frac * barWidth)
	cells := strings.Repeat("=", filled)
	if filled < barWidth {
		cells += ">" + strings.Repeat(" ", barWidth-filled-1)
	}
	s := fmt.Sprintf("%s [%s] %3.0f%% %s %s", b.label, cells, 100*frac, b.format(b.done, b.total),
		time.Since(b.start).Round(100*time.Millisecond))
	if suffix != "" {
		s += " " + suffix
	}
	return s
}

// Bytes formats amounts of bytes as megabytes: "12.3/26.4 MB".
func Bytes(done, total int64) string {
	if total <= 0 {
		return fmt.Sprintf("%.1f MB", float64(done)/1e6)
	}
	return fmt.Sprintf("%.1f/%.1f MB", float64(done)/1e6, float64(total)/1e6)
}
