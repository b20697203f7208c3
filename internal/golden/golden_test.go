package golden

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// square is a picture that saves itself as a PNG of one colour.
type square struct{ c color.Gray }

func (s square) Save(path string) error {
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range img.Pix {
		img.Pix[i] = s.c.Y
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// TestCheckMatchLeavesOnlyTheGolden checks that a picture equal to its
// golden passes and leaves no drawn file behind.
func TestCheckMatchLeavesOnlyTheGolden(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.Mkdir("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := (square{color.Gray{Y: 7}}).Save(filepath.Join("testdata", "sq_golden.png")); err != nil {
		t.Fatal(err)
	}
	Check(t, "sq.png", square{color.Gray{Y: 7}})
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "sq_golden.png" {
		t.Errorf("testdata holds %v, want only sq_golden.png", entries)
	}
}
