package writepath

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	t.Chdir(dir)
	os.MkdirAll("real/sub", 0o755)
	os.Symlink("real", "link")
	os.Symlink(filepath.Join(dir, "real", "sub"), "abs")
	os.Symlink("nowhere", "dangling")
	os.Symlink("loop-b", "loop-a")
	os.Symlink("loop-a", "loop-b")
	os.WriteFile("file", nil, 0o644)
	real := filepath.Join(dir, "real")
	for _, tc := range []struct{ path, want string }{
		{"real", real},
		{"link", real},
		{"link/new/deeper", filepath.Join(real, "new", "deeper")},
		{"./link/../link/sub", filepath.Join(real, "sub")},
		{"abs/..", real}, // ".." after a link goes to the physical parent
		{filepath.Join(dir, "link", "x"), filepath.Join(real, "x")},
		{"new/../other", filepath.Join(dir, "other")},
		{"file", filepath.Join(dir, "file")},
	} {
		if got, err := Resolve(tc.path); err != nil || got != tc.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", tc.path, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ path, want string }{
		{"dangling", "dangling is a symbolic link to nowhere, which does not exist"},
		{"dangling/m", "which does not exist"},
		{"loop-a", "too many levels of symbolic links"},
		{"file/m", "file is a file, not a directory"},
		{"", "empty path"},
	} {
		if _, err := Resolve(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Resolve(%q): %v, want %q", tc.path, err, tc.want)
		}
	}
}

func TestCheckNames(t *testing.T) {
	if err := CheckNames(strings.Repeat("n", NameMax)+"/m", 100); err != nil {
		t.Errorf("a name of %d bytes: %v", NameMax, err)
	}
	if err := CheckNames("a/"+strings.Repeat("n", NameMax+1), 0); err == nil || !strings.Contains(err.Error(), "256 bytes long") {
		t.Errorf("a name of %d bytes: %v", NameMax+1, err)
	}
	long := strings.Repeat("d/", 2000)
	if err := CheckNames(long, 95); err != nil {
		t.Errorf("%d bytes and 95 more: %v", len(long), err)
	}
	if err := CheckNames(long, 96); err == nil || !strings.Contains(err.Error(), "over the limit of 4095") {
		t.Errorf("%d bytes and 96 more: %v", len(long), err)
	}
}

func TestCheckDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for _, ok := range []string{dir, filepath.Join(dir, "new", "deeper")} {
		if err := CheckDir(ok); err != nil {
			t.Errorf("CheckDir(%s): %v", ok, err)
		}
	}
	for _, tc := range []struct{ path, want string }{
		{file, "is a file, not a directory"},
		{filepath.Join(file, "m"), "is a file, not a directory"},
		{"/proc/x", "cannot write in /proc"},
		{"/dev/null", "is a device"},
	} {
		if err := CheckDir(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckDir(%s): %v, want %q", tc.path, err, tc.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the checks left %v", entries)
	}
}
