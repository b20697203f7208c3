package atomicfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileReplacesByRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	if err := WriteFile(path, []byte("new content"), 0o644); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Error("the old file was rewritten in place; want a new file renamed over it")
	}
	if data, _ := os.ReadFile(path); string(data) != "new content" {
		t.Errorf("content %q", data)
	}
	if got := entries(t, dir); !slices.Equal(got, []string{"model.json"}) {
		t.Errorf("the directory holds %q", got)
	}
}

func TestWriteFileFailureLeavesTheOldContentAndNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	taken := filepath.Join(dir, "taken")
	if err := os.Mkdir(taken, 0o755); err != nil { // renaming a file over a directory fails
		t.Fatal(err)
	}
	err := WriteFile(taken, []byte("x"), 0o644)
	if err == nil {
		t.Fatal("writing over a directory: no error")
	}
	if got := entries(t, dir); !slices.Equal(got, []string{"taken"}) {
		t.Errorf("after the failure the directory holds %q", got)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "f"), nil, 0o644); err == nil {
		t.Error("writing into a missing directory: no error")
	}
}

func TestIsTemp(t *testing.T) {
	dir := t.TempDir()
	f, err := createTemp(dir, "model.json", 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	name := filepath.Base(f.Name())
	if !IsTemp(name, "model.json") || IsTemp(name, "model") || IsTemp("model.json", "model.json") {
		t.Errorf("IsTemp(%q) wrong", name)
	}
}
