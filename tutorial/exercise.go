package tutorial

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// How the exercises talk to the learner.
//
// A check (the Check... functions) prints "✓ Right!" and why, or
// "✗ Not yet." and what is wrong with this answer, in terms the learner can
// act on (which value, which shape, which case), never the answer itself.
// A failure ends with the way to a first hint: Hint(name, 1) prints it, in
// a cell of the learner's own; Hint(name, 2) the next, more precise one;
// and Solution(name) an answer, only when asked for. The hints and the
// answers are in hints.go; the answers written in Go are real code in
// answers.go, which the tests check and Solution prints.

// verdict prints the result of exercise name's check and returns ok: the
// right text when ok, else what is wrong (why) and where to find a hint.
func verdict(name string, ok bool, right, why string) bool {
	if ok {
		fmt.Fprintln(stdout, "✓ Right! "+right)
		return true
	}
	fmt.Fprintln(stdout, "✗ Not yet. "+why)
	if _, known := exercises[name]; known {
		fmt.Fprintf(stdout, "  Stuck? Run tutorial.Hint(%q, 1) in a new cell for a first hint.\n", name)
	}
	return false
}

// Hint prints hint n (from 1) of exercise name, the hints going from a
// nudge to nearly the answer, and says how to get the next one. Each failed
// check names its exercise.
func Hint(name string, n int) {
	e, ok := exercises[name]
	if !ok {
		fmt.Fprintf(stdout, "✗ There is no exercise %q. The exercises are: %s.\n", name, exerciseNames())
		return
	}
	if n < 1 || n > len(e.hints) {
		fmt.Fprintf(stdout, "✗ %q has hints 1 to %d.\n", name, len(e.hints))
		return
	}
	fmt.Fprintf(stdout, "Hint %d of %d: %s\n", n, len(e.hints), e.hints[n-1])
	if n < len(e.hints) {
		fmt.Fprintf(stdout, "  Still stuck? tutorial.Hint(%q, %d) is more precise.\n", name, n+1)
	} else {
		fmt.Fprintf(stdout, "  Still stuck? tutorial.Solution(%q) shows an answer.\n", name)
	}
}

// Solution shows an answer to exercise name: code to put in the exercise's
// cell, or the value and how it is worked out. Other answers can be right
// too: the check says.
func Solution(name string) {
	e, ok := exercises[name]
	if !ok {
		fmt.Fprintf(stdout, "✗ There is no exercise %q. The exercises are: %s.\n", name, exerciseNames())
		return
	}
	if e.code == "" {
		fmt.Fprintf(stdout, "An answer to %q: %s\n", name, e.answer)
		return
	}
	src, err := answerSource(e.code, name)
	check(err)
	fmt.Fprintf(stdout, "An answer to %q (%s):\n", name, e.answer)
	note("%s", codeBlock(src))
}

// exerciseNames lists the exercises' names, sorted.
func exerciseNames() string {
	var names []string
	for name := range exercises {
		names = append(names, strconv.Quote(name))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// grade is how a numeric answer compares with the exact value.
type grade int

const (
	// wrong: the answer is not the exact value, even rounded.
	wrong grade = iota
	// tooFewDigits: the answer is the exact value rounded to the digits it
	// has, but too few of them to tell it from other answers.
	tooFewDigits
	// right: the answer is within the tolerance of the exact value.
	right
)

// gradeNumber grades an answer got against the exact value want: right when
// they differ by at most tol; tooFewDigits when want, rounded to as many
// significant digits as got is written with, is got (0.8 for 205/255 =
// 0.80392...); wrong otherwise. It also returns got's number of significant
// digits.
func gradeNumber(got, want, tol float64) (grade, int) {
	s := strconv.FormatFloat(got, 'e', -1, 64) // shortest form: "8e-01", "9.83e-03"
	mantissa := strings.TrimPrefix(s[:strings.IndexByte(s, 'e')], "-")
	digits := len(strings.Replace(mantissa, ".", "", 1))
	switch {
	case math.Abs(got-want) <= tol:
		return right, digits
	case got != 0 && strconv.FormatFloat(want, 'e', digits-1, 64) == s:
		return tooFewDigits, digits
	}
	return wrong, digits
}

// nearMiss is a wrong answer a check recognises: the value it gives, and
// what to say of it.
type nearMiss struct {
	value float64
	why   string
}

// checkNumber prints the verdict of exercise name on a numeric answer got:
// rightText when it is within tol of want; what is wrong when it is one of
// the misses (0.01 is the learning rate before any decay); a request for
// more digits (with how to get them) when it is want rounded to too few
// digits (0.8 for 0.80392); what is wrong when it is a miss rounded to the
// digits it has; and otherwise why, which says what is wrong without
// giving want.
func checkNumber(name string, got, want, tol float64, rightText, moreDigits, why string, misses ...nearMiss) bool {
	g, digits := gradeNumber(got, want, tol)
	if g == right {
		return verdict(name, true, rightText, "")
	}
	// A miss as it is computed, or rounded to the digits got has.
	isMiss := func(m float64, rounded bool) bool {
		if !rounded {
			return math.Abs(got-m) <= 1e-9*math.Max(1, math.Abs(m))
		}
		return strconv.FormatFloat(m, 'e', digits-1, 64) == strconv.FormatFloat(got, 'e', -1, 64)
	}
	for _, m := range misses {
		if isMiss(m.value, false) {
			return verdict(name, false, "", m.why)
		}
	}
	if g == tooFewDigits {
		plural := "s"
		if digits == 1 {
			plural = ""
		}
		return verdict(name, false, "", fmt.Sprintf("Close: %g has %d significant digit%s, too few to tell it from its neighbours. Give more: %s",
			got, digits, plural, moreDigits))
	}
	for _, m := range misses {
		if isMiss(m.value, true) {
			return verdict(name, false, "", m.why)
		}
	}
	return verdict(name, false, "", why)
}
