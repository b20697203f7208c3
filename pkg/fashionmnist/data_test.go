package fashionmnist

import (
	"strings"
	"testing"
)

func TestNewSplitErrors(t *testing.T) {
	if _, err := NewSplit("x", make([]byte, 2*ImagePixels), []byte{1}); err == nil ||
		!strings.Contains(err.Error(), "1568 pixel bytes for 1 labels") {
		t.Errorf("mismatched sizes: %v", err)
	}
	if _, err := NewSplit("x", make([]byte, 2*ImagePixels), []byte{1, 10}); err == nil ||
		!strings.Contains(err.Error(), "label 10 of image 1 is outside 0-9") {
		t.Errorf("bad label: %v", err)
	}
}

func TestSplitAccessors(t *testing.T) {
	pixels := make([]byte, 3*ImagePixels)
	pixels[ImagePixels+5] = 255 // image 1, row 0, column 5
	pixels[2*ImagePixels+ImageSize] = 51
	s, err := NewSplit("tiny", pixels, []byte{9, 0, 9})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 || s.Label(0) != 9 || s.Name() != "tiny" {
		t.Fatalf("len %d label %d name %q", s.Len(), s.Label(0), s.Name())
	}
	if got := s.Image(1).GrayAt(5, 0).Y; got != 255 {
		t.Errorf("Image(1) at (5,0) = %d, want 255", got)
	}
	if got := s.Image(2).GrayAt(0, 1).Y; got != 51 {
		t.Errorf("Image(2) at (0,1) = %d, want 51", got)
	}
	if got := s.Scaled(1)[5]; got != 1 {
		t.Errorf("scaled 255 = %v, want 1", got)
	}
	if got := s.Scaled(2)[ImageSize]; got != 0.2 {
		t.Errorf("scaled 51 = %v, want 0.2", got)
	}
	counts := s.ClassCounts()
	if len(counts) != NumClasses || counts[9] != 2 || counts[0] != 1 {
		t.Errorf("class counts %v", counts)
	}
	head, err := s.Head(2)
	if err != nil || head.Len() != 2 || head.Label(1) != 0 {
		t.Fatalf("Head(2): %v %v", head, err)
	}
	for _, n := range []int{0, -1, 4} {
		if _, err := s.Head(n); err == nil {
			t.Errorf("Head(%d) accepted", n)
		}
	}
	if _, err := s.Slice("bad", 2, 1); err == nil {
		t.Error("Slice(2, 1) accepted")
	}
}

func TestClassNames(t *testing.T) {
	if len(ClassNames) != NumClasses || ClassNames[0] != "T-shirt/top" || ClassNames[9] != "Ankle boot" {
		t.Fatalf("class names %v", ClassNames)
	}
}

func TestSplitNamed(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	opts.Dir = writeFakeDir(t, content)
	data, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]*Split{"training file": data.TrainFile, "train": data.Train, "validation": data.Validation, "test": data.Test} {
		if got, err := data.SplitNamed(name); err != nil || got != want {
			t.Errorf("SplitNamed(%q) = %v, %v", name, got, err)
		}
	}
	if _, err := data.SplitNamed("synthetic"); err == nil || !strings.Contains(err.Error(), `"training file"`) {
		t.Errorf("an unknown name: %v", err)
	}
}
