package fashion

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/compute"
)

// RunInfo identifies a training run and records what shapes it besides its
// Recipe: the images it trains and validates on, and the backend. Fit
// records it in the History of every run it starts; savedmodel.Checkpoints
// keeps only the checkpoints of the run it is writing, and Resume continues
// a run only on the same images and backend, so that a resumed run is the run
// it claims to be.
type RunInfo struct {
	// ID tells runs apart (16 random hex digits).
	ID string `json:"id"`
	// Backend is the name of the backend the run trains on: another one
	// rounds differently.
	Backend string `json:"backend"`
	// Train describes the images the run trains on (after Recipe.Limit).
	Train splitInfo `json:"train"`
	// Validation describes the images it validates on (nil without).
	Validation *splitInfo `json:"validation,omitempty"`
}

// splitInfo identifies the images of a split.
type splitInfo struct {
	// Name is the split's name ("train", or "training file" when the
	// validation images are trained on too).
	Name string `json:"name"`
	// Images is the number of images.
	Images int `json:"images"`
	// SHA256 is the hex SHA-256 of the labels, then the pixels.
	SHA256 string `json:"sha256"`
}

// String describes a split for error messages.
func (s splitInfo) String() string {
	return fmt.Sprintf("%q (%d images)", s.Name, s.Images)
}

// describeSplit returns the splitInfo of a split.
func describeSplit(s *fashionmnist.Split) splitInfo {
	h := sha256.New()
	pixels, labels := s.Bytes()
	h.Write(labels)
	h.Write(pixels)
	return splitInfo{Name: s.Name(), Images: s.Len(), SHA256: hex.EncodeToString(h.Sum(nil))}
}

// newRunInfo starts the record of a new run.
func newRunInfo(backend compute.Backend, train, validation *fashionmnist.Split) *RunInfo {
	var id [8]byte
	rand.Read(id[:])
	r := &RunInfo{ID: hex.EncodeToString(id[:]), Backend: backend.Name(), Train: describeSplit(train)}
	if validation != nil {
		v := describeSplit(validation)
		r.Validation = &v
	}
	return r
}

// checkContinues reports, in one line, why the run cannot continue on
// backend with these splits (train after Recipe.Limit), or nil if it can.
func (r *RunInfo) checkContinues(backend compute.Backend, train, validation *fashionmnist.Split) error {
	same := func(what string, saved *splitInfo, given *fashionmnist.Split) error {
		switch {
		case saved == nil && given == nil:
			return nil
		case saved == nil:
			return fmt.Errorf("the run trained without validation images; %q (%d images) are given", given.Name(), given.Len())
		case given == nil:
			return fmt.Errorf("the run validated on %s; none are given", saved)
		}
		if g := describeSplit(given); g != *saved {
			if g.Name == saved.Name && g.Images == saved.Images {
				return fmt.Errorf("the run %s %s; the images given have the same name and size but are other images", what, saved)
			}
			return fmt.Errorf("the run %s %s; the images given are %s", what, saved, g)
		}
		return nil
	}
	if err := same("trained on", &r.Train, train); err != nil {
		return err
	}
	if err := same("validated on", r.Validation, validation); err != nil {
		return err
	}
	if backend.Name() != r.Backend {
		return fmt.Errorf("the run trained on the backend %q, which rounds differently from %q: resume it on the same backend", r.Backend, backend.Name())
	}
	return nil
}
