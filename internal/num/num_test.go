package num

import (
	"math"
	"testing"
)

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 543860: "543,860", 1234567: "1,234,567",
		-1: "-1", -123: "-123", -1234: "-1,234", -123456: "-123,456", 392000: "392,000", -1234567: "-1,234,567",
		math.MinInt64: "-9,223,372,036,854,775,808", math.MaxInt64: "9,223,372,036,854,775,807",
	} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestArgMax(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		row  []float64
		want int
	}{
		{[]float64{0.1, 0.7, 0.2}, 1},
		{[]float64{0.5, 0.3, 0.2}, 0},
		{[]float64{0.2, 0.2, 0.6}, 2},
		{[]float64{0.4, 0.4, 0.2}, 0}, // the first of equal values
		{[]float64{nan, 0.1, 0.3}, 2}, // a NaN never wins
		{[]float64{0.1, nan, 0.3}, 2},
		{[]float64{nan, nan}, 0},
		{nil, 0},
		{[]float64{1}, 0},
	} {
		if got := ArgMax(tc.row); got != tc.want {
			t.Errorf("ArgMax(%v) = %d, want %d", tc.row, got, tc.want)
		}
	}
	if got := ArgMax([]float32{-3, -1, -2}); got != 1 {
		t.Errorf("ArgMax of float32 logits = %d, want 1", got)
	}
}
