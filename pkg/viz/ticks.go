package viz

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// niceTicks marks the multiples of a step of 1, 2 or 5 times a power of
// ten: the smallest step giving at most max ticks. With whole set, the
// step is at least 1 (for epochs, pixel rows, classes). gonum's
// plot.DefaultTicks aims at about three labelled ticks whatever the length
// of the axis, and may step by 0.5 or 2.5 on an axis of whole numbers (an
// epoch 2.5); neither can be asked of it.
type niceTicks struct {
	max   int
	whole bool
}

// Ticks implements plot.Ticker.
func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if span := hi - lo; !(span >= 0) || math.IsInf(span, 0) {
		return nil // NaN, inverted or unbounded: no ticks rather than endless ones
	}
	step := t.step(hi - lo)
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var ticks []plot.Tick
	for i := math.Ceil(lo/step - 1e-9); i*step <= hi+step*1e-9; i++ {
		v := i * step
		if v == 0 {
			v = 0 // not -0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', decimals, 64)})
	}
	return ticks
}

// step returns the tick step for an axis spanning span.
func (t niceTicks) step(span float64) float64 {
	n := float64(max(t.max, 2))
	if !(span > 0) || math.IsInf(span, 0) {
		return 1
	}
	e := math.Floor(math.Log10(span / n))
	for k := e; ; k++ {
		for _, m := range []float64{1, 2, 5} {
			step := m * math.Pow(10, k)
			if t.whole && step < 1 {
				continue
			}
			if span/step+1 <= n {
				return step
			}
		}
	}
}
