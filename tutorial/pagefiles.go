//go:build !js

package tutorial

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashion"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
)

// The files the widgets load in the browser. A widget's cell (DrawGarment,
// BrowseTestSet) runs in the kernel; what stays live runs in the page: the
// cell's own program compiled to WebAssembly (the page program), with the
// model's weights and, for the test-set browser, the test images. The cell
// writes them into a folder beside the notebook, pageFilesDir, which
// Jupyter's file server serves (it refuses hidden folders: hence no dot),
// and its output loads them from there (page.js): so the widgets stay live
// with the kernel shut down, and come back live when the saved notebook is
// opened again.
//
//	widgets/README.md            what the folder is (the page finds the folder's URL by it)
//	widgets/program-<key>/       the page program of a cell: page.wasm.gz, wasm_exec.js
//	widgets/weights-<key>/       a model's weights: weights.json, weights.bin
//	widgets/fashion-mnist-test.gz  the test split: 10,000 labels, then 10,000 x 784 pixels
//
// Keys are content hashes, so that the outputs of several cells, and of
// earlier runs, do not overwrite each other's files; the folder keeps the
// newest keepPageFiles programs and weights.

// pageFilesDir is the folder of the widgets' files, beside the notebook.
const pageFilesDir = "widgets"

// keepPageFiles is how many programs, and how many weights, the folder keeps.
const keepPageFiles = 8

// pageReadme is widgets/README.md.
const pageReadme = `# The widgets' files

The interactive cells of the chapters (the drawing pad, the test-set browser) run in your
browser: they load from this folder the cell's program compiled to WebAssembly (program-*),
the trained model's weights (weights-*) and the test images. Deleting the folder is safe:
the widgets then say that their files are gone, and running their cell again writes them.
`

// testSetFile is the test split in the page: its labels, then its pixels, gzipped.
const testSetFile = "fashion-mnist-test.gz"

// pageFiles writes the widgets' files into dir.
type pageFiles struct{ dir string }

// prepare creates the folder and its README.
func (f pageFiles) prepare() error {
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(f.dir, "README.md")
	if data, err := os.ReadFile(path); err == nil && string(data) == pageReadme {
		return nil
	}
	return writeFileAtomic(path, []byte(pageReadme))
}

// program builds the page program of the running cell, unless the folder
// has it already, and returns its folder's name. The page program is the
// cell's own source, as GoNB wrote it beside the cell's program (main.go:
// the notebook's declarations and the cell's code), compiled for
// GOOS=js GOARCH=wasm: so it holds the learner's very model function. Its
// key is the hash of the cell's (native) program, which Go builds
// reproducibly: the same key, the same source.
func (f pageFiles) program() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	return f.programOf(exe)
}

// programOf builds the page program of the cell whose program is exe.
func (f pageFiles) programOf(exe string) (string, error) {
	src := filepath.Dir(exe)
	if _, err := os.Stat(filepath.Join(src, "main.go")); err != nil {
		return "", fmt.Errorf("the page program is the cell's own code, which GoNB writes beside the cell's program (%s), and it is not there: %w", src, err)
	}
	key, err := fileKey(exe)
	if err != nil {
		return "", err
	}
	name := "program-" + key
	dir := filepath.Join(f.dir, name)
	if complete(dir, "page.wasm.gz", "wasm_exec.js") {
		touch(dir)
		return name, nil
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("building the page program needs the go command: %w", err)
	}
	tmp, err := os.MkdirTemp("", "fashion-page-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	wasm := filepath.Join(tmp, "page.wasm")
	// -s -w: no symbol table and no DWARF, which the page never reads.
	cmd := exec.Command(goCmd, "build", "-ldflags=-s -w", "-o", wasm, ".")
	cmd.Dir = src
	cmd.Env = append(withoutEnv(os.Environ(), "GOOS", "GOARCH", "CGO_ENABLED"), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("compiling the cell for the page (GOOS=js GOARCH=wasm go build) failed: %s", firstLines(string(out), 6))
	}
	root, err := exec.Command(goCmd, "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	execJS, err := wasmExecJS(strings.TrimSpace(string(root)))
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(wasm)
	if err != nil {
		return "", err
	}
	return name, writeFolder(dir, map[string][]byte{"page.wasm.gz": gzipped(data), "wasm_exec.js": execJS})
}

// wasmExecJS reads the JavaScript support of Go's js/wasm programs from
// GOROOT: lib/wasm since Go 1.24, misc/wasm before.
func wasmExecJS(goroot string) ([]byte, error) {
	var err error
	for _, dir := range []string{"lib", "misc"} {
		var data []byte
		if data, err = os.ReadFile(filepath.Join(goroot, dir, "wasm", "wasm_exec.js")); err == nil {
			return data, nil
		}
	}
	return nil, fmt.Errorf("no wasm_exec.js in %s: %w", goroot, err)
}

// weights writes the weights of m, without the optimizer's state, unless
// the folder has them already, and returns their folder's name.
func (f pageFiles) weights(m *fashion.Model) (string, error) {
	tmp, err := os.MkdirTemp("", "fashion-weights-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	clone, err := m.Store().Clone()
	if err != nil {
		return "", err
	}
	defer clone.Finalize()
	b := checkpoint.Build(clone).Dir(tmp).WithCompression(checkpoint.BinUncompressed)
	for v := range clone.IterVariables() {
		if fashion.IsTrainingState(v.Path()) {
			b = b.ExcludeVars(v)
		}
	}
	h, err := b.Done()
	if err == nil {
		err = h.Save()
	}
	if err != nil {
		return "", fmt.Errorf("writing the weights for the page: %w", err)
	}
	files := map[string][]byte{}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case checkpoint.JsonNameSuffix:
			files["weights.json"], err = os.ReadFile(filepath.Join(tmp, e.Name()))
		case checkpoint.BinDataSuffix:
			files["weights.bin"], err = os.ReadFile(filepath.Join(tmp, e.Name()))
		}
		if err != nil {
			return "", err
		}
	}
	if len(files) != 2 {
		return "", fmt.Errorf("writing the weights for the page: GoMLX wrote %d files, not a .json and a .bin", len(entries))
	}
	sum := sha256.New()
	sum.Write(files["weights.json"])
	sum.Write(files["weights.bin"])
	name := "weights-" + hex.EncodeToString(sum.Sum(nil))[:16]
	dir := filepath.Join(f.dir, name)
	if complete(dir, "weights.json", "weights.bin") {
		touch(dir)
		return name, nil
	}
	return name, writeFolder(dir, files)
}

// testSet writes the test split, unless the folder has it already, and
// returns the file's name.
func (f pageFiles) testSet(s *fashionmnist.Split) (string, error) {
	path := filepath.Join(f.dir, testSetFile)
	pixels, labels := s.Bytes()
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		if data, err := readGzip(path); err == nil && bytes.Equal(data[:min(len(data), len(labels))], labels) &&
			bytes.Equal(data[min(len(data), len(labels)):], pixels) {
			return testSetFile, nil
		}
	}
	return testSetFile, writeFileAtomic(path, gzipped(append(slices.Clone(labels), pixels...)))
}

// prune removes all but the newest keepPageFiles folders of each kind.
func (f pageFiles) prune() {
	for _, prefix := range []string{"program-", "weights-"} {
		entries, err := os.ReadDir(f.dir)
		if err != nil {
			return
		}
		type folder struct {
			name string
			at   time.Time
		}
		var folders []folder
		for _, e := range entries {
			if info, err := e.Info(); err == nil && e.IsDir() && strings.HasPrefix(e.Name(), prefix) {
				folders = append(folders, folder{e.Name(), info.ModTime()})
			}
		}
		slices.SortFunc(folders, func(a, b folder) int { return b.at.Compare(a.at) })
		for _, old := range folders[min(len(folders), keepPageFiles):] {
			os.RemoveAll(filepath.Join(f.dir, old.name))
		}
	}
}

// fileKey is the start of a file's SHA-256, in hex.
func fileKey(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// complete reports whether dir holds every one of the files.
func complete(dir string, files ...string) bool {
	for _, name := range files {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// touch marks a folder as just used, for prune.
func touch(dir string) {
	now := time.Now()
	os.Chtimes(dir, now, now)
}

// writeFolder writes files into a new folder dir, whole or not at all: into
// a temporary folder beside it, renamed at the end.
func writeFolder(dir string, files map[string][]byte) error {
	suffix := make([]byte, 4)
	rand.Read(suffix)
	tmp := dir + ".tmp-" + hex.EncodeToString(suffix)
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			os.RemoveAll(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if complete(dir, slices.Collect(maps.Keys(files))...) {
			return nil // another cell wrote the same folder meanwhile
		}
		return err
	}
	return nil
}

// writeFileAtomic writes a file whole or not at all.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// gzipped compresses data with gzip. The page decompresses it with the
// browser's DecompressionStream: Jupyter's file server sends files as they
// are on disk. gzip's default level: the page program's 32 MB shrink to 8.5
// MB in seconds, where the best level saves 1% more in twice the time.
func gzipped(data []byte) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// readGzip reads a gzipped file.
func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// withoutEnv removes the named variables from an environment.
func withoutEnv(env []string, names ...string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains(names, name)
	})
}

// firstLines keeps the first n lines of a text, on one line.
func firstLines(text string, n int) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, " | ")
}
