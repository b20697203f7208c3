package viz

import (
	"math"
	"slices"
	"testing"
)

func TestClassCounts(t *testing.T) {
	s, err := ClassCounts("test", []int{0, 2, 2, 1, 2, 0}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "test" || !slices.Equal(s.Values, []float64{2, 1, 3, 0}) {
		t.Errorf("ClassCounts = %+v, want test [2 1 3 0]", s)
	}
	for name, labels := range map[string][]int{"none": nil, "negative": {0, -1}, "too big": {3, 4}} {
		if _, err := ClassCounts(name, labels, 4); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ClassCounts("no classes", []int{0}, 0); err == nil {
		t.Error("0 classes: no error")
	}
}

func TestClassDistribution(t *testing.T) {
	counts := func(name string, per float64) Series {
		v := make([]float64, 10)
		for i := range v {
			v[i] = per + float64(i*10)
		}
		return Series{Name: name, Values: v}
	}
	fig, err := ClassDistribution{Title: "Images per class", ClassNames: testClassNames,
		Counts: []Series{counts("training", 5500), counts("validation", 500), counts("test", 1000)}}.Figure()
	if err != nil {
		t.Fatal(err)
	}
	checkRenders(t, fig, 800, 1000, 400, 700)
}

func TestClassDistributionBadInput(t *testing.T) {
	ten := make([]float64, 10)
	for name, d := range map[string]ClassDistribution{
		"no class names": {Counts: []Series{{"a", ten}}},
		"no counts":      {ClassNames: testClassNames},
		"short counts":   {ClassNames: testClassNames, Counts: []Series{{"a", ten[:9]}}},
		"negative count": {ClassNames: testClassNames, Counts: []Series{{"a", append([]float64{-1}, ten[1:]...)}}},
		"NaN count":      {ClassNames: testClassNames, Counts: []Series{{"a", append([]float64{math.NaN()}, ten[1:]...)}}},
	} {
		if _, err := d.Figure(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
