package main

import (
	"slices"
	"testing"

	"github.com/fashion-gomlx/fashion-gomlx/internal/backend"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/savedmodel"
)

// sameModels reports whether two saved models hold the same history and
// the same values in every variable, bit for bit.
func sameModels(t *testing.T, a, b string) bool {
	backend, _, err := backend.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	ma, err := savedmodel.Load(backend, a, fashion.ArticleMLP)
	if err != nil {
		t.Errorf("loading %s: %v", a, err)
		return false
	}
	mb, err := savedmodel.Load(backend, b, fashion.ArticleMLP)
	if err != nil {
		t.Errorf("loading %s: %v", b, err)
		return false
	}
	ha, hb := ma.History(), mb.History()
	if len(ha.Epochs) != len(hb.Epochs) || ha.BestEpoch != hb.BestEpoch || ha.RestoredBest != hb.RestoredBest {
		return false
	}
	for i := range ha.Epochs {
		if ha.Epochs[i].Loss != hb.Epochs[i].Loss || ha.Epochs[i].ValLoss != hb.Epochs[i].ValLoss {
			return false
		}
	}
	for _, l := range ma.Layers()[1:] {
		wa, _ := ma.Weights(l.Name)
		wb, _ := mb.Weights(l.Name)
		if !slices.Equal(wa.Biases, wb.Biases) {
			return false
		}
		for i := range wa.Weights {
			if !slices.Equal(wa.Weights[i], wb.Weights[i]) {
				return false
			}
		}
	}
	return true
}
