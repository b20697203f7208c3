package viz

import (
	"fmt"
	"image"
	"math"
	"strconv"
)

// checkLabels reports a label outside [0, numClasses).
func checkLabels(what string, labels []int, numClasses int) error {
	for i, l := range labels {
		if l < 0 || l >= numClasses {
			return errorf("%s[%d] = %d is not a class in [0, %d)", what, i, l, numClasses)
		}
	}
	return nil
}

// checkFinite reports a NaN or infinite value.
func checkFinite(what string, values []float64) error {
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errorf("%s[%d] is %v, want a finite number", what, i, v)
		}
	}
	return nil
}

// checkLen reports a slice whose length n is not want.
func checkLen(what string, n, want int, wantWhat string) error {
	if n != want {
		return errorf("%d %s for %d %s", n, what, want, wantWhat)
	}
	return nil
}

// checkImages reports an empty list, a nil image or an image without
// pixels.
func checkImages(images []*image.Gray) error {
	if len(images) == 0 {
		return errorf("no images to draw")
	}
	for i, img := range images {
		if img == nil {
			return errorf("image %d is nil", i)
		}
		if img.Bounds().Empty() {
			return errorf("image %d has no pixels", i)
		}
	}
	return nil
}

// checkClassNames reports an empty list of class names.
func checkClassNames(names []string) error {
	if len(names) == 0 {
		return errorf("no class names")
	}
	return nil
}

// quote returns s in double quotes.
func quote(s string) string { return strconv.Quote(s) }

// errorf returns an error whose message starts with "viz: ".
func errorf(format string, args ...any) error {
	return fmt.Errorf("viz: "+format, args...)
}

// checkSpan reports values from lo to hi too far apart to draw: hi - lo
// overflows.
func checkSpan(what string, lo, hi float64) error {
	if math.IsInf(hi-lo, 0) {
		return errorf("%s span [%g, %g], too wide to draw", what, lo, hi)
	}
	return nil
}
