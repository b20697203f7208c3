package tensorboard

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestReadRun writes a Keras-style log directory (run/train,
// run/validation) and reads it back.
func TestReadRun(t *testing.T) {
	dir := t.TempDir()
	losses := map[string][]float64{
		"train":      {0.52, 0.40, 0.36},
		"validation": {0.45, 0.41, 0.39},
	}
	for run, ls := range losses {
		w := mustWriter(t, filepath.Join(dir, run))
		for step, l := range ls {
			if err := w.Scalar("epoch_loss", int64(step), l); err != nil {
				t.Fatal(err)
			}
		}
		if run == "train" {
			if err := w.Histogram("dense/kernel", 2, []float64{1, 2, 3}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// A second file in train continues the series (as after a restart) and
	// a file that is not an event file is ignored.
	w := mustWriter(t, filepath.Join(dir, "train"))
	if err := w.Scalar("epoch_loss", 3, 0.33); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "train", "checkpoint"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	losses["train"] = append(losses["train"], 0.33)

	runs, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || len(runs["train"]) != 7 || len(runs["validation"]) != 4 {
		t.Errorf("ReadRun: %d runs, train %d events, validation %d; want 2, 7, 4",
			len(runs), len(runs["train"]), len(runs["validation"]))
	}

	s, err := Scalars(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 2 {
		t.Errorf("Scalars tags = %v, want train/epoch_loss and validation/epoch_loss", s)
	}
	for run, ls := range losses {
		var got []float64
		for i, p := range s[run+"/epoch_loss"] {
			if p.Step != int64(i) {
				t.Errorf("%s point %d has step %d", run, i, p.Step)
			}
			got = append(got, p.Value)
		}
		var want []float64
		for _, l := range ls {
			want = append(want, float64(float32(l)))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s/epoch_loss = %v, want %v", run, got, want)
		}
	}

	// Files directly in the directory form the run "." and keep plain tags.
	flat := t.TempDir()
	w = mustWriter(t, flat)
	if err := w.Scalar("acc", 0, 0.5); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if s, err := Scalars(flat); err != nil || len(s["acc"]) != 1 {
		t.Errorf("Scalars(flat) = %v, %v; want acc", s, err)
	}
	if runs, err := ReadRun(flat); err != nil || len(runs["."]) != 2 {
		t.Errorf("ReadRun(flat) = %v, %v; want run \".\" with 2 events", runs, err)
	}
}

func TestReadRunCorrupt(t *testing.T) {
	dir := t.TempDir()
	w := mustWriter(t, filepath.Join(dir, "train"))
	for step := range int64(2) {
		if err := w.Scalar("loss", step, 1); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	data, err := os.ReadFile(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.Path(), data[:len(data)-2], 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Scalars(dir)
	var fe *FormatError
	if !errors.Is(err, ErrTruncated) || !errors.As(err, &fe) || fe.Path != w.Path() {
		t.Errorf("Scalars of a truncated file: %v; want ErrTruncated naming %s", err, w.Path())
	}
	if len(s["train/loss"]) != 1 {
		t.Errorf("points before the truncated record: %v, want 1", s)
	}
	if _, err := ReadRun(filepath.Join(dir, "missing")); err == nil {
		t.Error("ReadRun of a missing directory succeeded")
	}
}
