package main

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printable returns s as it may reach a terminal: characters that are not
// printable (control characters such as the escape that starts a
// terminal's commands, carriage returns, bidirectional overrides) are
// written as Go escapes ("\x1b", "\r", "\u202e"), and bytes that are not
// UTF-8 as "\xff". Printable text, accents and all, is unchanged. Every
// text the tool prints that comes from a file or a file's name goes
// through it, so that a file cannot clear the screen, retitle the window
// or forge lines of output.
func printable(s string) string {
	if isPrintable(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case r == ' ' || unicode.IsPrint(r):
			b.WriteString(s[i : i+size])
		default:
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\n', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

// isPrintable reports whether printable would leave s unchanged.
func isPrintable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || (r != ' ' && !unicode.IsPrint(r)) {
			return false
		}
	}
	return true
}
