package fashionmnist

import (
	"slices"
	"testing"
)

func TestEpochOrder(t *testing.T) {
	a, b := EpochOrder(100, 7, 0), EpochOrder(100, 7, 0)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed and epoch give different orders")
	}
	if slices.Equal(a, EpochOrder(100, 7, 1)) || slices.Equal(a, EpochOrder(100, 8, 0)) {
		t.Fatal("another epoch or seed gives the same order")
	}
	sorted := slices.Sorted(slices.Values(a))
	for i, v := range sorted {
		if v != i {
			t.Fatalf("not a permutation: %v", a)
		}
	}
}
