package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writePicture writes a small PNG (a dark square on white) at path.
func writePicture(t *testing.T, path string) string {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 40, 40))
	for i := range img.Pix {
		if x, y := i%40, i/40; x < 10 || x >= 30 || y < 10 || y >= 30 {
			img.Pix[i] = 255
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// terminalControls are what must never reach a terminal from a file: the
// escape that starts its commands (clear the screen, set the window's
// title), the bell, a carriage return, a right-to-left override.
const terminalControls = "\x1b\x07\r\u202e"

func TestPrintedFileNamesAreEscaped(t *testing.T) {
	dir := t.TempDir()
	model := savedModel(t, filepath.Join(dir, "model"))
	hostile := filepath.Join(dir, "\x1b]0;owned\x07\x1b[2J\r\u202egnp.png")
	writePicture(t, hostile)
	code, out, errOut := runCLI("predict", "--backend", "go", "--model", model, "--image", hostile)
	if code != 0 || strings.ContainsAny(out, terminalControls) || !strings.Contains(out, `\x1b]0;owned\a\x1b[2J\r\u202egnp.png: `) {
		t.Errorf("predict: exit status %d, stdout %q, stderr %q", code, out, errOut)
	}
	// In errors too: a missing picture, a missing model.
	for _, args := range [][]string{
		{"predict", "--backend", "go", "--model", model, "--image", hostile + ".missing"},
		{"evaluate", "--backend", "go", "--model", hostile},
		{"train", "--backend", "nosuch", "--out", filepath.Join(hostile, "\nfashion train: all good")},
	} {
		code, _, errOut := runCLI(args...)
		errOut = strings.TrimPrefix(errOut, "backend: Go Backend (from --backend)\n")
		if code == 0 || strings.ContainsAny(errOut, terminalControls) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit status %d, stderr %q", args, code, errOut)
		}
	}
	if got := printable("café \xff\x1b 中"); got != `café \xff\x1b 中` {
		t.Errorf("printable = %q", got)
	}
}

// TestPredictJSONKeepsTheBytesOfFileNames predicts two pictures whose names
// are not UTF-8 and differ in one byte: JSON can only hold Unicode, so
// "file" holds them escaped, and "file_bytes" exactly.
func TestPredictJSONKeepsTheBytesOfFileNames(t *testing.T) {
	dir := t.TempDir()
	model := savedModel(t, filepath.Join(dir, "model"))
	names := []string{filepath.Join(dir, "\xff.png"), filepath.Join(dir, "\xfe.png"), filepath.Join(dir, "ok\x1b.png")}
	args := []string{"predict", "--backend", "go", "--model", model, "--json"}
	for _, n := range names {
		writePicture(t, n)
		args = append(args, "--image", n)
	}
	code, out, errOut := runCLI(args...)
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, errOut)
	}
	var got struct {
		Predictions []struct {
			File      string
			FileBytes []byte `json:"file_bytes"`
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Predictions) != 3 {
		t.Fatalf("%v: %s", err, out)
	}
	p := got.Predictions
	if p[0].File == p[1].File || !strings.HasSuffix(p[0].File, `\xff.png`) || string(p[0].FileBytes) != names[0] || string(p[1].FileBytes) != names[1] {
		t.Errorf("the two names: %q %q", p[0], p[1])
	}
	// A name that is UTF-8 is as it is (JSON escapes its controls).
	if p[2].File != names[2] || p[2].FileBytes != nil {
		t.Errorf("a UTF-8 name: %q", p[2])
	}
}

// TestLibrariesAddNoLines: what the tool's libraries log (go-xla's klog at
// its start when $HOME is unset, and when a plugin does not load) stays
// out of stderr, where each failure is one line; a file that is not a
// plugin in the plugins' search path is no internal error.
func TestLibrariesAddNoLines(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "pjrt_c_api_cpu_plugin.so")
	os.WriteFile(bad, []byte("not a plugin"), 0o644)
	for _, tc := range []struct {
		env  []string
		args []string
		code int
		want string
	}{
		{[]string{"HOME="}, []string{"summary", "--backend", "go"}, 0, ""},
		{nil, []string{"summary", "--backend", "xla:" + bad}, 1, "failed to load PJRT plugin"},
		{[]string{"PJRT_PLUGIN_LIBRARY_PATH=" + dir, "GOMLX_BACKEND=", "GOMLX_NO_AUTO_INSTALL=1"}, []string{"summary"}, 0, ""},
	} {
		cmd := cliProcess(tc.args...)
		cmd.Env = append(cmd.Env, tc.env...)
		if tc.env != nil && tc.env[0] == "HOME=" {
			cmd.Env = withoutVar(cmd.Env, "HOME")
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		cmd.Run()
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		switch {
		case cmd.ProcessState.ExitCode() != tc.code:
			t.Errorf("%v %v: exit status %d: %q", tc.env, tc.args, cmd.ProcessState.ExitCode(), stderr.String())
		case tc.code == 0 && (len(lines) != 1 || !strings.HasPrefix(lines[0], "backend: ")):
			t.Errorf("%v %v: stderr %q, want only the backend's line", tc.env, tc.args, stderr.String())
		case tc.code != 0 && (len(lines) != 1 || !strings.Contains(lines[0], tc.want)):
			t.Errorf("%v %v: stderr %q, want one line with %q", tc.env, tc.args, stderr.String(), tc.want)
		}
	}
}

// withoutVar returns env without the variable name.
func withoutVar(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// TestOutputPathsOfPlotsAndBenchAreCheckedFirst: the figures' directory and
// the CPU profile are checked before the data, the backend and the work;
// plots with an empty --out is a wrong command line.
func TestOutputPathsOfPlotsAndBenchAreCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	os.WriteFile(file, []byte("x"), 0o644)
	os.Symlink("nowhere", filepath.Join(dir, "dangling"))
	ck := checkpointsDir(t, filepath.Join(dir, "run.checkpoints"))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"plots", "--out", ""}, 2, "--out must name a directory"},
		{[]string{"plots", "--out", file}, 1, "is a file, not a directory"},
		{[]string{"plots", "--out", filepath.Join(dir, "dangling")}, 1, "which does not exist"},
		{[]string{"plots", "--out", ck}, 1, "is the checkpoints of a training run"},
		{[]string{"plots", "--out", filepath.Join(ck, "figures")}, 1, "is inside"},
		{[]string{"plots", "--out", "/proc/figures"}, 1, "cannot write in /proc"},
		{[]string{"bench", "--synthetic", "--cpuprofile", "/dev/full"}, 1, "/dev/full is a device, not a file"},
		{[]string{"bench", "--synthetic", "--cpuprofile", dir}, 1, "is a directory, not a file"},
		{[]string{"bench", "--synthetic", "--cpuprofile", filepath.Join(dir, "none", "cpu.prof")}, 1, "does not exist"},
		{[]string{"bench", "--synthetic", "--cpuprofile", "/proc/cpu.prof"}, 1, "cannot write in /proc"},
	} {
		args := append(tc.args, "--data-dir", "/nonexistent", "--backend", "nosuch")
		code, _, errOut := runCLI(args...)
		if code != tc.code {
			t.Errorf("%v: exit status %d, want %d", tc.args, code, tc.code)
		}
		checkOneLine(t, strings.Join(tc.args, " "), errOut, tc.want)
	}
	// A profile where it can be written is written.
	prof := filepath.Join(dir, "cpu.prof")
	if code, _, errOut := runCLI("bench", "--synthetic", "--backend", "go", "--steps", "2", "--cpuprofile", prof); code != 0 {
		t.Fatalf("bench: %s", errOut)
	}
	if st, err := os.Stat(prof); err != nil || st.Size() == 0 {
		t.Errorf("the profile: %v %v", st, err)
	}
}
