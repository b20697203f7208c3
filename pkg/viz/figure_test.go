package viz

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallFigure returns a quick figure to encode and save.
func smallFigure(t *testing.T) *Figure {
	t.Helper()
	fig, err := ImageGrid{Images: testImages(2), Captions: []string{"a", "b"}, Scale: 2}.Figure()
	if err != nil {
		t.Fatal(err)
	}
	return fig
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]Format{"a.png": PNG, "dir/b.PNG": PNG, "c.svg": SVG, "d.Svg": SVG, "e.pdf": "pdf", "f.JPG": "jpg"} {
		got, err := formatOf(path)
		if err != nil || got != want {
			t.Errorf("formatOf(%q) = %q, %v; want %q", path, got, err, want)
		}
	}
	for _, path := range []string{"a.gif", "b.eps", "c.tex", "d", "e.png.txt", ""} {
		if _, err := formatOf(path); err == nil {
			t.Errorf("formatOf(%q): no error", path)
		}
	}
}

func TestEncodeUnknownFormat(t *testing.T) {
	var buf bytes.Buffer
	if err := smallFigure(t).Encode(&buf, Format("gif")); err == nil {
		t.Error("Encode(gif): no error")
	}
}

func TestEmptyFigure(t *testing.T) {
	var nilFig *Figure
	for _, f := range []*Figure{nilFig, {}} {
		if _, err := f.PNG(); err == nil {
			t.Error("PNG of an empty figure: no error")
		}
		if err := f.Save(filepath.Join(t.TempDir(), "x.svg")); err == nil {
			t.Error("Save of an empty figure: no error")
		}
	}
}

func TestPixelsMatchSize(t *testing.T) {
	fig := smallFigure(t)
	w, h := fig.Size()
	pw, ph := fig.Pixels()
	if got := int(toPx(w) + 0.5); got != pw {
		t.Errorf("width: %v points is %d pixels, Pixels says %d", w, got, pw)
	}
	if got := int(toPx(h) + 0.5); got != ph {
		t.Errorf("height: %v points is %d pixels, Pixels says %d", h, got, ph)
	}
	renderPNG(t, fig) // checks the PNG is Pixels() big
}

func TestSavePicksFormatByExtension(t *testing.T) {
	fig := smallFigure(t)
	dir := t.TempDir()
	pngPath, svgPath := filepath.Join(dir, "fig.png"), filepath.Join(dir, "fig.SVG")
	if err := fig.Save(pngPath); err != nil {
		t.Fatal(err)
	}
	if err := fig.Save(svgPath); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("fig.png is not a PNG: %v", err)
	}
	if w, h := fig.Pixels(); img.Bounds().Dx() != w || img.Bounds().Dy() != h {
		t.Errorf("fig.png is %v, want %dx%d", img.Bounds().Size(), w, h)
	}
	svg, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(svg), "<?xml") {
		t.Errorf("fig.SVG starts with %.20q", svg)
	}
	if info, err := os.Stat(pngPath); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("fig.png mode: %v, %v; want 0644", info.Mode(), err)
	}
	assertOnlyFiles(t, dir, "fig.SVG", "fig.png")
}

func TestSaveUnknownExtension(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"fig.gif", "fig"} {
		if err := smallFigure(t).Save(filepath.Join(dir, name)); err == nil {
			t.Errorf("Save(%q): no error", name)
		}
	}
	assertOnlyFiles(t, dir)
}

// TestSaveReplacesByRename checks that Save puts a new file in place
// rather than rewriting the old one, so a reader never sees half a file.
func TestSaveReplacesByRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fig.png")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := smallFigure(t).Save(path); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Error("Save rewrote the old file in place; want a new file renamed over it")
	}
	if after.Size() <= int64(len("old")) {
		t.Errorf("fig.png has %d bytes after Save", after.Size())
	}
	assertOnlyFiles(t, dir, "fig.png")
}

func TestSaveFailureLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "taken.png")
	if err := os.Mkdir(target, 0o755); err != nil { // renaming a file over a directory fails
		t.Fatal(err)
	}
	if err := smallFigure(t).Save(target); err == nil {
		t.Fatal("Save over a directory: no error")
	}
	assertOnlyFiles(t, dir, "taken.png")
	if err := smallFigure(t).Save(filepath.Join(dir, "missing", "fig.png")); err == nil {
		t.Error("Save into a missing directory: no error")
	}
}

// assertOnlyFiles checks that dir holds exactly the named entries.
func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}
