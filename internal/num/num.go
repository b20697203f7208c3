// Package num holds the small numeric helpers that the model, the figures
// and the tutorial share, written once: the index of the largest value
// (ArgMax) and integers with thousands separators (Thousands). It imports
// the standard library only, so that every package of the project may
// import it.
package num

import (
	"math"
	"strconv"
)

// ArgMax returns the index of the largest value of row: the predicted
// class of a row of probabilities or logits. The first of equal values
// wins, and a NaN never beats a number. It returns 0 for an empty row.
func ArgMax[T ~float32 | ~float64](row []T) int {
	best := 0
	for i, v := range row {
		if v > row[best] || math.IsNaN(float64(row[best])) && !math.IsNaN(float64(v)) {
			best = i
		}
	}
	return best
}

// Thousands writes n with a comma between groups of three digits, as
// Keras' summary writes parameter counts: 543860 is "543,860", -1234 is
// "-1,234".
func Thousands(n int) string {
	s := strconv.Itoa(n)
	first := 0 // index of the first digit
	if n < 0 {
		first = 1
	}
	for i := len(s) - 3; i > first; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
