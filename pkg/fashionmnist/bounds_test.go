package fashionmnist

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/internal/testpictures"
)

// TestExtremePicturesCostWhatTheirPixelsCost decodes pictures of extreme
// shapes: 1 x 49,000,000 pixels, within the pixel limit, took 4.6 GB and
// 20 s when the scaler's tables grew with the long side (16 bytes for 4
// weights a pixel of it: 256 MB here for 4 megapixels). Each must now be
// prepared in memory bounded by its pixels (the bytes allocated).
func TestExtremePicturesCostWhatTheirPixelsCost(t *testing.T) {
	for _, size := range []image.Point{{1, 4_000_000}, {4_000_000, 1}, {2000, 2000}} {
		img := image.NewGray(image.Rect(0, 0, size.X, size.Y))
		for i := range img.Pix {
			img.Pix[i] = uint8(255 - i%7) // light, not uniform
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		pixels := uint64(size.X) * uint64(size.Y)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		if _, err := decodePicture(bytes.NewReader(b.Bytes())); err != nil {
			t.Fatalf("%v: %v", size, err)
		}
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		// The decoded picture, its copy in grayscale, and the PNG decoder's
		// rows: a few bytes a pixel (it was 90).
		if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 5*pixels+64<<20 {
			t.Errorf("%v: %d MB allocated for %d megapixels", size, allocated>>20, pixels/1_000_000)
		}
		t.Logf("%v: %v", size, elapsed)
	}
}

func TestShrinkAveragesBlocks(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 10, 3))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 8)
	}
	box := image.Rect(1, 0, 10, 3) // 9 x 3
	got, bounds := shrink(img, box, 4)
	// Blocks of 3 x 1 (9/4 rounds up to 3): row y, columns 1-3, 4-6, 7-9.
	want := []uint8{16, 40, 64, 96, 120, 144, 176, 200, 224}
	if bounds != image.Rect(0, 0, 3, 3) || !bytes.Equal(got.Pix, want) {
		t.Errorf("shrink = %v %v, want %v", bounds, got.Pix, want)
	}
	if same, b := shrink(img, box, 9); same != img || b != box {
		t.Error("a picture that fits was copied")
	}
	// Blocks cut by the edge average the pixels they hold.
	got, _ = shrink(img, image.Rect(0, 0, 10, 1), 4)
	if !bytes.Equal(got.Pix, []uint8{8, 32, 56, 72}) {
		t.Errorf("edge blocks: %v", got.Pix)
	}
}

// decodeEnv makes this test binary, run again, decode the picture it
// names under a limit of address space (ulimit -v) that leaves 300 MB, and
// print the error.
const decodeEnv = "FASHIONMNIST_TEST_DECODE_LIMITED"

func TestMain(m *testing.M) {
	if path := os.Getenv(decodeEnv); path != "" {
		left, _ := addressSpaceLeft()
		var rl syscall.Rlimit
		syscall.Getrlimit(syscall.RLIMIT_AS, &rl)
		used := int64(rl.Cur) - left
		if rl.Cur == ^uint64(0) {
			used = -left // no limit: addressSpaceLeft returned 0
			statm, _ := os.ReadFile("/proc/self/statm")
			pages, _ := strconv.ParseInt(strings.Fields(string(statm))[0], 10, 64)
			used = pages * int64(os.Getpagesize())
		}
		rl.Cur = uint64(used + 300<<20)
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &rl); err != nil {
			os.Stdout.WriteString("setrlimit: " + err.Error() + "\n")
			os.Exit(3)
		}
		_, err := ReadPicture(path)
		os.Stdout.WriteString(fmt.Sprint(err) + "\n")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestPictureOverTheMemoryLimitIsRefused decodes, under a limit of address
// space that leaves 300 MB, a 7000 x 7000 PNG of 16-bit RGBA (400 MB
// decoded): Go's runtime ends a process whose allocation crosses the limit
// with a trace of 100 lines and more, so the decoder must refuse first,
// in one line.
func TestPictureOverTheMemoryLimitIsRefused(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the limit is read on Linux")
	}
	// The header is enough: the limit is checked before decoding.
	path := writeFile(t, t.TempDir(), "big.png", testpictures.PNGHeader(7000, 7000, 16, 6))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), decodeEnv+"="+path)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "the process's memory limit (ulimit -v) leaves") || strings.Count(string(out), "\n") != 1 {
		t.Errorf("%v: %.300s", err, out)
	}
}

// TestFileSpecialFilesAreRefused: a FIFO (which makes a plain open wait for
// a writer for ever) in the place of a picture or a data file.
func TestSpecialFilesAreRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "picture.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadPicture(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "is a FIFO") {
			t.Errorf("ReadPicture of a FIFO: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadPicture of a FIFO hangs")
	}
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	opts.Dir = writeFakeDir(t, content)
	path := filepath.Join(opts.Dir, testLabelsFile.Name)
	os.Remove(path)
	syscall.Mkfifo(path, 0o644)
	go func() { _, err := Load(opts); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "special file") {
			t.Errorf("Load with a FIFO for a file: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load with a FIFO for a file hangs")
	}
}

// endlessMirror sends every file as if it had no end (and, with announce,
// a Content-Length of a terabyte). It stops after 64 MB, 16 times what the
// client should take, so that a client without a bound fails this test
// instead of filling the disk.
func endlessMirror(t *testing.T, announce bool) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if announce {
			w.Header().Set("Content-Length", strconv.Itoa(1<<40))
		}
		chunk := make([]byte, 64<<10)
		for range 1024 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

func TestDownloadsStopNearTheFilesSize(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	good, _ := mirror(t, content, "")
	for _, tc := range []struct {
		name, mirror, want string
	}{
		{"an endless body", endlessMirror(t, false), "the mirror sent more than"},
		{"a terabyte announced", endlessMirror(t, true), "the mirror announces 1099511627776 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := isolated(t, files)
			opts.Offline, opts.Mirrors = false, []string{tc.mirror}
			_, err := Load(opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line with %q", err, tc.want)
			}
			if entries, _ := os.ReadDir(opts.CacheDir); len(entries) != 0 {
				t.Errorf("the cache keeps %v", entries)
			}
			// The next mirror is tried.
			opts.Mirrors = []string{tc.mirror, good.URL + "/"}
			if _, err := Load(opts); err != nil {
				t.Errorf("with a good mirror after it: %v", err)
			}
		})
	}
}

func TestCancelledDownloadDeletesItsPart(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	ctx, cancel := context.WithCancelCause(context.Background())
	interrupted := errors.New("interrupted")
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := content[strings.TrimPrefix(r.URL.Path, "/")]
		w.Header().Set("Content-Length", strconv.Itoa(len(c)))
		w.Write(c[:len(c)/2])
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	go func() { <-started; time.Sleep(50 * time.Millisecond); cancel(interrupted) }()
	opts.Offline, opts.Mirrors, opts.Context = false, []string{srv.URL + "/", srv.URL + "/"}, ctx
	start := time.Now()
	_, err := Load(opts)
	if !errors.Is(err, interrupted) || !strings.Contains(err.Error(), "nothing of it was kept") {
		t.Fatalf("got %v, want the context's cause", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second { // not the 30 s a stalled mirror gets
		t.Errorf("the download stopped %v after it began", elapsed)
	}
	if entries, _ := os.ReadDir(opts.CacheDir); len(entries) != 0 {
		t.Errorf("the cache keeps %v", entries)
	}
}

func TestStalePartsAreDeleted(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	srv, _ := mirror(t, content, "")
	os.MkdirAll(opts.CacheDir, 0o755)
	// What killed downloads left, and a file of the user's.
	for _, name := range []string{trainImagesFile.Name + ".part-123", testLabelsFile.Name + ".part-9", "notes.part-1"} {
		writeFile(t, opts.CacheDir, name, []byte("partial"))
	}
	opts.Offline, opts.Mirrors = false, []string{srv.URL + "/"}
	if _, err := Load(opts); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(opts.CacheDir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != len(Files)+1 || !strings.Contains(strings.Join(names, " "), "notes.part-1") {
		t.Errorf("the cache holds %v, want the four files and the user's notes.part-1", names)
	}
}

func TestMirrorsFromTheEnvironment(t *testing.T) {
	t.Setenv(MirrorsEnv, "http://a.example/x  https://b.example/y/")
	if got := (LoadOptions{}).mirrors(); strings.Join(got, " ") != "http://a.example/x/ https://b.example/y/" {
		t.Errorf("mirrors %v", got)
	}
	if got := (LoadOptions{Mirrors: []string{"http://c/"}}).mirrors(); len(got) != 1 {
		t.Errorf("LoadOptions.Mirrors comes first: %v", got)
	}
	t.Setenv(MirrorsEnv, "")
	if got := (LoadOptions{}).mirrors(); strings.Join(got, " ") != strings.Join(defaultMirrors, " ") {
		t.Errorf("default mirrors %v", got)
	}
}
