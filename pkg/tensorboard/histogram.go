package tensorboard

import (
	"fmt"
	"math"
)

// DefaultBuckets is the number of equal-width buckets [Writer.Histogram]
// uses, the same default as TensorFlow 2's tf.summary.histogram (which Keras'
// TensorBoard callback calls).
const DefaultBuckets = 30

// Histogram is a histogram as TensorBoard stores it (its HistogramProto).
// Bucket[i] counts the values from BucketLimit[i-1] (from Min for i == 0) up
// to BucketLimit[i]; BucketLimit and Bucket have the same length.
type Histogram struct {
	Min, Max   float64 // smallest and largest value
	Num        float64 // number of values
	Sum        float64 // sum of the values
	SumSquares float64 // sum of the squares of the values

	BucketLimit []float64 // right edge of each bucket, increasing
	Bucket      []float64 // count of each bucket
}

// NewHistogram returns the histogram of values with n equal-width buckets
// spanning [min, max] of the values: bucket i holds the values v with
// Min+i*w <= v < Min+(i+1)*w, w = (Max-Min)/n, and the last bucket also holds
// Max; its limit is exactly Max. If all values are equal there is a single
// (zero-width) bucket, and an empty values gives a single empty bucket at 0.
//
// TensorFlow 1's default exponential buckets (about 1500 edges at powers of
// 1.1) suit values of widely different magnitudes, but equal-width buckets
// over the data's range are what TensorFlow 2 and Keras write and what
// TensorBoard plots best for weights and activations.
//
// NewHistogram returns an error if n < 1 or a value is NaN or infinite.
func NewHistogram(values []float64, n int) (Histogram, error) {
	if n < 1 {
		return Histogram{}, fmt.Errorf("tensorboard: histogram needs at least 1 bucket, got %d", n)
	}
	if len(values) == 0 {
		return Histogram{BucketLimit: []float64{0}, Bucket: []float64{0}}, nil
	}
	h := Histogram{Min: math.Inf(1), Max: math.Inf(-1), Num: float64(len(values))}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Histogram{}, fmt.Errorf("tensorboard: histogram value %d is %v; only finite values can be bucketed", i, v)
		}
		h.Min = min(h.Min, v)
		h.Max = max(h.Max, v)
		h.Sum += v
		h.SumSquares += v * v
	}
	if h.Min == h.Max {
		h.BucketLimit = []float64{h.Max}
		h.Bucket = []float64{h.Num}
		return h, nil
	}
	// Positions use halved values, and edges interpolate between Min and
	// Max where the range overflows, so that no intermediate result
	// overflows even for a range near the largest float64.
	nf := float64(n)
	width := (h.Max - h.Min) / nf
	h.BucketLimit = make([]float64, n)
	h.Bucket = make([]float64, n)
	for i := range n - 1 {
		if !math.IsInf(width, 0) {
			h.BucketLimit[i] = h.Min + float64(i+1)*width
		} else {
			f := float64(i+1) / nf
			h.BucketLimit[i] = h.Min*(1-f) + h.Max*f
		}
		if i > 0 {
			h.BucketLimit[i] = max(h.BucketLimit[i], h.BucketLimit[i-1])
		}
	}
	h.BucketLimit[n-1] = h.Max
	halfRange := h.Max/2 - h.Min/2
	for _, v := range values {
		i := int((v/2 - h.Min/2) / halfRange * nf)
		// Rounding can put v one bucket off its limits; move it so that
		// BucketLimit[i-1] <= v < BucketLimit[i], as TensorFlow counts.
		i = min(max(i, 0), n-1)
		for i > 0 && v < h.BucketLimit[i-1] {
			i--
		}
		for i < n-1 && v >= h.BucketLimit[i] {
			i++
		}
		h.Bucket[i]++
	}
	return h, nil
}
