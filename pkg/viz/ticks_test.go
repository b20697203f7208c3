package viz

import (
	"math"
	"strings"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		ticks  niceTicks
		lo, hi float64
		want   string
	}{
		{niceTicks{max: 8, whole: true}, -0.5, 27.5, "0 5 10 15 20 25"},
		{niceTicks{max: 7}, 0, 255, "0 50 100 150 200 250"},
		{niceTicks{max: 7}, 0, 1, "0.0 0.2 0.4 0.6 0.8 1.0"},
		{niceTicks{max: 12, whole: true}, 1, 2, "1 2"},
		{niceTicks{max: 12, whole: true}, 1, 60, "10 20 30 40 50 60"},
		{niceTicks{max: 7}, 0.0097, 0.01, "0.00970 0.00975 0.00980 0.00985 0.00990 0.00995 0.01000"},
		{niceTicks{max: 7}, -math.MaxFloat64, math.MaxFloat64, ""},
		{niceTicks{max: 7}, math.NaN(), 1, ""},
		{niceTicks{max: 7}, 2, 1, ""},
	} {
		var got []string
		for _, tk := range c.ticks.Ticks(c.lo, c.hi) {
			got = append(got, tk.Label)
		}
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("%+v.Ticks(%v, %v) = %q, want %q", c.ticks, c.lo, c.hi, s, c.want)
		}
	}
}

func TestWrapNames(t *testing.T) {
	got := wrapNames([]string{"Bag", "T-shirt/top", "Ankle boot", "Pullover"}, 40)
	want := []string{"Bag", "T-shirt/\ntop", "Ankle\nboot", "Pullover"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("wrapNames: %q, want %q", got[i], want[i])
		}
	}
}
