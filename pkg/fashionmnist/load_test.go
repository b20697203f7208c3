package fashionmnist

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeFiles builds a small data set of nTrain and nTest images with the
// canonical file names: pixel k of image i is (i+k)%256 and the label of
// image i is i%10. It returns the gzip-compressed content of each file and
// the File descriptions with their checksums.
func fakeFiles(t testing.TB, nTrain, nTest int) (map[string][]byte, []File) {
	t.Helper()
	images := func(n int) []byte {
		b := make([]byte, n*ImagePixels)
		for i := range n {
			for k := range ImagePixels {
				b[i*ImagePixels+k] = byte(i + k)
			}
		}
		return b
	}
	labels := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i % NumClasses)
		}
		return b
	}
	raws := [][]byte{
		encodeIDX([]int{nTrain, ImageSize, ImageSize}, images(nTrain)),
		encodeIDX([]int{nTrain}, labels(nTrain)),
		encodeIDX([]int{nTest, ImageSize, ImageSize}, images(nTest)),
		encodeIDX([]int{nTest}, labels(nTest)),
	}
	content := map[string][]byte{}
	files := make([]File, len(Files))
	for i, f := range Files {
		sum := sha256.Sum256(raws[i])
		files[i] = File{Name: f.Name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(raws[i]))}
		content[f.Name] = gzipBytes(t, raws[i])
	}
	return content, files
}

// writeFakeDir writes the fake files into a new directory.
func writeFakeDir(t testing.TB, content map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, c := range content {
		writeFile(t, dir, name, c)
	}
	return dir
}

// isolated returns options that search only fresh temporary directories, so
// tests never see the machine's real data.
func isolated(t *testing.T, files []File) LoadOptions {
	t.Setenv(DirEnv, "")
	return LoadOptions{
		CacheDir:  filepath.Join(t.TempDir(), "cache"),
		SystemDir: filepath.Join(t.TempDir(), "system"),
		Offline:   true,
		files:     files,
	}
}

const nTrainFake, nTestFake = validationSize + 20, 30

func TestLoadPartitions(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	opts.Dir = writeFakeDir(t, content)
	data, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if data.Source != opts.Dir {
		t.Errorf("source %q, want %q", data.Source, opts.Dir)
	}
	if data.TrainFile.Len() != nTrainFake || data.Validation.Len() != validationSize ||
		data.Train.Len() != nTrainFake-validationSize || data.Test.Len() != nTestFake {
		t.Fatalf("sizes: file %d, validation %d, train %d, test %d", data.TrainFile.Len(),
			data.Validation.Len(), data.Train.Len(), data.Test.Len())
	}
	// Validation is the first images of the file, training the rest.
	if !bytes.Equal(data.Validation.Pixels(0), data.TrainFile.Pixels(0)) ||
		!bytes.Equal(data.Train.Pixels(0), data.TrainFile.Pixels(validationSize)) ||
		data.Train.Label(0) != data.TrainFile.Label(validationSize) {
		t.Fatal("partitions are not the article's: validation = first 5,000, train = the rest")
	}
}

func TestLoadFromEnvironment(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	dir := writeFakeDir(t, content)
	t.Setenv(DirEnv, dir)
	data, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if data.Source != dir {
		t.Fatalf("source %q, want $%s = %q", data.Source, DirEnv, dir)
	}
}

func TestLoadExplicitDirMustHoldTheFiles(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	// Even with a complete system copy, an explicit directory is not skipped.
	opts.SystemDir = writeFakeDir(t, content)
	opts.Dir = t.TempDir()
	writeFile(t, opts.Dir, trainImagesFile.Name, content[trainImagesFile.Name])
	_, err := Load(opts)
	if err == nil || !strings.Contains(err.Error(), opts.Dir) || !strings.Contains(err.Error(), testLabelsFile.Name) ||
		strings.Contains(err.Error(), "lacks "+trainImagesFile.Name) {
		t.Fatalf("got %v, want an error naming the directory and the missing files", err)
	}
}

func TestLoadSearchOrder(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	// The system copy is used when the cache is empty ...
	opts.SystemDir = writeFakeDir(t, content)
	data, err := Load(opts)
	if err != nil || data.Source != opts.SystemDir {
		t.Fatalf("got source %v, err %v; want the system dir", data, err)
	}
	// ... and the cache wins over it. Raw (uncompressed) files count too.
	if err := os.MkdirAll(opts.CacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, c := range content {
		raw, err := decompress(bytes.NewReader(c), maxIDXBytes)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, opts.CacheDir, strings.TrimSuffix(name, ".gz"), raw)
	}
	data, err = Load(opts)
	if err != nil || data.Source != opts.CacheDir {
		t.Fatalf("got %v, err %v; want the cache", data, err)
	}
}

func TestLoadChecksumMismatchNamesFileAndPlace(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	opts.Dir = writeFakeDir(t, content)
	other, _ := fakeFiles(t, nTrainFake, nTestFake+1)
	bad := writeFile(t, opts.Dir, testImagesFile.Name, other[testImagesFile.Name])
	_, err := Load(opts)
	if err == nil || !strings.Contains(err.Error(), "checksum mismatch for t10k-images-idx3-ubyte") ||
		!strings.Contains(err.Error(), bad) {
		t.Fatalf("got %v", err)
	}
}

func TestLoadOfflineNamesEveryPlace(t *testing.T) {
	_, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	_, err := Load(opts)
	if err == nil {
		t.Fatal("no error without data")
	}
	for _, want := range []string{DirEnv, opts.CacheDir, opts.SystemDir, "apt-get install dataset-fashion-mnist"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error spans several lines: %q", err)
	}
}

func TestLoadWrongKindAndMismatchedFiles(t *testing.T) {
	content, _ := fakeFiles(t, nTrainFake, nTestFake)
	tests := []struct {
		name, want string
		swap       func(c map[string][]byte)
	}{
		{"labels given as images", "expected an images file of rank 3", func(c map[string][]byte) {
			c[trainImagesFile.Name] = content[trainLabelsFile.Name]
		}},
		{"images given as labels", "expected a labels file of rank 1", func(c map[string][]byte) {
			c[testLabelsFile.Name] = content[testImagesFile.Name]
		}},
		{"test labels with train images", "do not belong together", func(c map[string][]byte) {
			c[trainLabelsFile.Name] = content[testLabelsFile.Name]
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := map[string][]byte{}
			for k, v := range content {
				c[k] = v
			}
			tc.swap(c)
			// Checksums describe the swapped content, so that the shape checks
			// are what fails.
			files := make([]File, len(Files))
			for i, f := range Files {
				raw, err := decompress(bytes.NewReader(c[f.Name]), maxIDXBytes)
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(raw)
				files[i] = File{Name: f.Name, SHA256: hex.EncodeToString(sum[:])}
			}
			opts := isolated(t, files)
			opts.Dir = writeFakeDir(t, c)
			_, err := Load(opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), opts.Dir) {
				t.Fatalf("got %v, want an error with %q naming the file", err, tc.want)
			}
		})
	}
}

// mirror serves content, optionally corrupting one file, and counts requests.
func mirror(t *testing.T, content map[string][]byte, corrupt string) (*httptest.Server, *int) {
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		c, ok := content[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, corrupt) && corrupt != "" {
			c = gzipBytes(t, []byte("not the data"))
		}
		w.Write(c)
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

func TestLoadDownloadsIntoCache(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	srv, requests := mirror(t, content, "")
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	opts.Offline = false
	opts.Mirrors = []string{dead.URL + "/", srv.URL + "/"} // the first mirror is down
	var progressOut bytes.Buffer
	opts.Progress = &progressOut
	data, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(data.Source, opts.CacheDir) || !strings.Contains(data.Source, srv.URL) {
		t.Errorf("source %q should name the cache and the mirror", data.Source)
	}
	if *requests != len(Files) {
		t.Errorf("%d requests, want %d", *requests, len(Files))
	}
	if !strings.Contains(progressOut.String(), "downloading "+trainImagesFile.Name) {
		t.Errorf("no progress shown: %q", progressOut.String())
	}
	// The next load finds the cache and downloads nothing.
	if _, err := Load(opts); err != nil || *requests != len(Files) {
		t.Fatalf("second load: err %v, %d requests", err, *requests)
	}
	entries, _ := os.ReadDir(opts.CacheDir)
	if len(entries) != len(Files) {
		t.Errorf("cache holds %d entries, want just the %d files", len(entries), len(Files))
	}
}

func TestLoadCorruptDownloadLeavesNothing(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	opts := isolated(t, files)
	srv, _ := mirror(t, content, trainLabelsFile.Name)
	opts.Offline = false
	opts.Mirrors = []string{srv.URL + "/"}
	_, err := Load(opts)
	if err == nil || !strings.Contains(err.Error(), "checksum mismatch for train-labels-idx1-ubyte") ||
		!strings.Contains(err.Error(), "download failed") {
		t.Fatalf("got %v", err)
	}
	entries, _ := os.ReadDir(opts.CacheDir)
	for _, e := range entries {
		if strings.Contains(e.Name(), trainLabelsFile.Name) {
			t.Errorf("the cache keeps %s after a corrupt download", e.Name())
		}
	}
	if len(entries) != 1 { // only the train images, fetched before the failure
		t.Errorf("cache holds %d files, want 1", len(entries))
	}
}

// silentMirror accepts connections and never answers, like a host behind a
// broken firewall; it returns the mirror's base URL.
func silentMirror(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never read or written
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String() + "/"
}

// stallingMirror sends the headers and the first bytes of each file, then
// stops sending.
func stallingMirror(t *testing.T, content map[string][]byte) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := content[strings.TrimPrefix(r.URL.Path, "/")]
		w.Header().Set("Content-Length", strconv.Itoa(len(c)))
		w.Write(c[:len(c)/2])
		w.(http.Flusher).Flush()
		<-r.Context().Done() // until the client gives up
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

func TestLoadGivesUpOnMirrorsThatHang(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	good, requests := mirror(t, content, "")
	for _, tc := range []struct {
		name, hung string
	}{
		{"no answer at all", silentMirror(t)},
		{"a body that stalls", stallingMirror(t, content)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := isolated(t, files)
			opts.Offline, opts.Timeout = false, 200*time.Millisecond
			opts.Mirrors = []string{tc.hung, good.URL + "/"}
			start := time.Now()
			*requests = 0
			data, err := Load(opts)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(data.Source, good.URL) || *requests != len(Files) {
				t.Errorf("source %q after %d requests to the good mirror", data.Source, *requests)
			}
			// The hung mirror costs one timeout: it is tried last for the
			// other files.
			if elapsed := time.Since(start); elapsed > 3*time.Second {
				t.Errorf("took %v", elapsed)
			}

			// With only the hung mirror, Load fails in one line that says why.
			opts = isolated(t, files)
			opts.Offline, opts.Timeout, opts.Mirrors = false, 200*time.Millisecond, []string{tc.hung}
			_, err = Load(opts)
			if err == nil || !strings.Contains(err.Error(), "no progress for 200ms") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v", err)
			}
		})
	}
}

// TestLoadWaitsForSlowMirrors: the timeout is on progress, not on the whole
// download, so a slow link that keeps sending is not given up on.
func TestLoadWaitsForSlowMirrors(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := content[strings.TrimPrefix(r.URL.Path, "/")]
		w.Header().Set("Content-Length", strconv.Itoa(len(c)))
		for i := range 10 { // 10 pieces, 60 ms apart: 540 ms in all
			w.Write(c[i*len(c)/10 : (i+1)*len(c)/10])
			w.(http.Flusher).Flush()
			if i < 9 {
				time.Sleep(60 * time.Millisecond)
			}
		}
	}))
	t.Cleanup(slow.Close)
	opts := isolated(t, files)
	opts.Offline, opts.Timeout, opts.Mirrors = false, 400*time.Millisecond, []string{slow.URL + "/"}
	if _, err := Load(opts); err != nil {
		t.Fatalf("a mirror sending a piece every 60 ms, with a timeout of 400 ms: %v", err)
	}
}

func TestLoadDirectoryErrors(t *testing.T) {
	content, files := fakeFiles(t, nTrainFake, nTestFake)
	tests := []struct {
		name, want string
		dir        func(t *testing.T) string
	}{
		{"missing directory", "does not exist", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }},
		{"a file", "is a file, not a directory", func(t *testing.T) string {
			return writeFile(t, t.TempDir(), "data.gz", []byte("x"))
		}},
		{"a directory in place of a file", "train-labels-idx1-ubyte.gz is a directory", func(t *testing.T) string {
			dir := writeFakeDir(t, content)
			os.Remove(filepath.Join(dir, trainLabelsFile.Name))
			os.Mkdir(filepath.Join(dir, trainLabelsFile.Name), 0o755)
			return dir
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := isolated(t, files)
			opts.Dir = tc.dir(t)
			_, err := Load(opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "lacks") {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	// In a searched place, it is said too.
	opts := isolated(t, files)
	opts.SystemDir = writeFakeDir(t, content)
	os.Remove(filepath.Join(opts.SystemDir, testImagesFile.Name))
	os.Mkdir(filepath.Join(opts.SystemDir, testImagesFile.Name), 0o755)
	if _, err := Load(opts); err == nil || !strings.Contains(err.Error(), "t10k-images-idx3-ubyte.gz is a directory") {
		t.Errorf("got %v", err)
	}
}
