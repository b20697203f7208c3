package tutorial

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// verdict prints the result of an exercise check and returns it.
func verdict(ok bool, right, hint string) bool {
	if ok {
		fmt.Fprintln(stdout, "✓ Right! "+right)
	} else {
		fmt.Fprintln(stdout, "✗ Not yet. "+hint)
	}
	return ok
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

// checkNumber prints the verdict on a numeric answer: rightText when it is
// right, a request for more digits (with how to get them) when it is a
// near miss, and hint otherwise.
func checkNumber(got, want, tol float64, rightText, moreDigits, hint string) bool {
	g, digits := gradeNumber(got, want, tol)
	if g == tooFewDigits {
		plural := "s"
		if digits == 1 {
			plural = ""
		}
		hint = fmt.Sprintf("Close: %g is the answer rounded to %d significant digit%s, too few to be sure. Give more digits: %s",
			got, digits, plural, moreDigits)
	}
	return verdict(g == right, rightText, hint)
}
