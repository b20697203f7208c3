package viz

// Series is a named sequence of numbers: a metric per epoch, a count per
// class, the weights of a layer.
type Series struct {
	// Name labels the series in legends.
	Name string
	// Values are the numbers, in order.
	Values []float64
}

// checkSeries reports an empty list, an empty series, a series whose
// length is not wantLen (when wantLen >= 0) or a value that is not finite.
func checkSeries(what string, ss []Series, wantLen int) error {
	if len(ss) == 0 {
		return errorf("no %s to draw", what)
	}
	for _, s := range ss {
		if len(s.Values) == 0 {
			return errorf("%s %q has no values", what, s.Name)
		}
		if wantLen >= 0 && len(s.Values) != wantLen {
			return errorf("%s %q has %d values, want %d", what, s.Name, len(s.Values), wantLen)
		}
		if err := checkFinite(what+" "+quote(s.Name), s.Values); err != nil {
			return err
		}
	}
	return nil
}
