package fashionmnist

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Environment variable and default places where Load looks for the files.
const (
	// DirEnv names the environment variable holding a directory with the four
	// files; it is used when LoadOptions.Dir is empty.
	DirEnv = "FASHION_MNIST_DIR"
	// DebianDir is where Debian's dataset-fashion-mnist package installs them.
	DebianDir = "/usr/share/datasets/fashion-mnist"
)

// defaultMirrors are the base URLs Load downloads from, in order: Zalando's
// canonical location, then the copy Keras downloads.
var defaultMirrors = []string{
	"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
	"https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
}

// howToGet tells a user how to obtain the data when it is nowhere to be found.
const howToGet = "install it with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu), " +
	"or put the four .gz files in a directory and set " + DirEnv

// LoadOptions says where Load looks for the data. The zero value searches the
// default places and downloads when needed.
type LoadOptions struct {
	// Dir is a directory holding the four files. When empty, $FASHION_MNIST_DIR
	// is used; when that is empty too, the other places are searched. A Dir
	// given either way must hold the files: Load does not look elsewhere.
	Dir string
	// CacheDir is the download cache; "" means os.UserCacheDir()/fashion-mnist.
	CacheDir string
	// SystemDir is the system-wide copy; "" means DebianDir.
	SystemDir string
	// Offline forbids downloading.
	Offline bool
	// Mirrors are the base URLs to download from; nil means those of
	// $FASHION_MNIST_MIRRORS (MirrorsEnv), else Zalando's canonical
	// location, then the copy Keras downloads.
	Mirrors []string
	// Progress receives download progress bars; nil keeps downloads quiet.
	Progress io.Writer
	// Client makes the download requests; nil means http.DefaultClient.
	Client *http.Client
	// Timeout is how long a download may go without progress (connecting,
	// waiting for the response, or for the next bytes of the file) before
	// the next mirror is tried; 0 means 30 seconds.
	Timeout time.Duration
	// Context, when cancelled, stops a download (its partial file is
	// deleted) and Load returns an error wrapping the context's cause; nil
	// means context.Background().
	Context context.Context

	// files replaces the canonical files in tests, which use small ones.
	files []File
}

// Load finds the four Fashion-MNIST files, verifies their checksums, decodes
// them and partitions them as the article does. It looks, in order, in the
// explicit directory (LoadOptions.Dir or $FASHION_MNIST_DIR), the user cache,
// Debian's directory, and finally downloads the files into the cache.
func Load(opts LoadOptions) (*Data, error) {
	files := opts.files
	if files == nil {
		files = Files
	}
	dir, source, err := opts.locate(files)
	if err != nil {
		return nil, err
	}
	return loadDir(dir, source, files)
}

// locate returns the directory holding all files and a description of where
// they came from, downloading them into the cache if needed.
func (opts LoadOptions) locate(files []File) (dir, source string, err error) {
	explicit, how := opts.Dir, "the directory given"
	if explicit == "" {
		explicit, how = os.Getenv(DirEnv), "$"+DirEnv
	}
	if explicit != "" {
		if st, err := os.Stat(explicit); errors.Is(err, fs.ErrNotExist) {
			return "", "", fmt.Errorf("fashion-mnist: %s (%s) does not exist; %s", explicit, how, howToGet)
		} else if err != nil {
			return "", "", fmt.Errorf("fashion-mnist: %s (%s): %w", explicit, how, err)
		} else if !st.IsDir() {
			return "", "", fmt.Errorf("fashion-mnist: %s (%s) is a file, not a directory: give the directory that holds the four files", explicit, how)
		}
		missing, err := missingFiles(explicit, files)
		if err != nil {
			return "", "", fmt.Errorf("fashion-mnist: %w", err)
		}
		if len(missing) > 0 {
			return "", "", fmt.Errorf("fashion-mnist: %s (%s) lacks %s; %s",
				explicit, how, strings.Join(missing, ", "), howToGet)
		}
		return explicit, explicit, nil
	}

	var searched []string
	cache := opts.CacheDir
	if cache == "" {
		userCache, err := os.UserCacheDir()
		if err == nil {
			cache = filepath.Join(userCache, "fashion-mnist")
		}
	}
	system := opts.SystemDir
	if system == "" {
		system = DebianDir
	}
	for _, d := range []string{cache, system} {
		if d == "" {
			continue
		}
		missing, err := missingFiles(d, files)
		if err == nil && len(missing) == 0 {
			return d, d, nil
		}
		searched = append(searched, describeMissing(d, missing, len(files), err))
	}

	if opts.Offline || cache == "" {
		reason := "downloads are off"
		if cache == "" {
			reason = "no user cache directory to download into"
		}
		return "", "", fmt.Errorf("fashion-mnist: data not found: searched $%s (not set), %s; %s; %s",
			DirEnv, strings.Join(searched, ", "), reason, howToGet)
	}
	url, err := opts.download(cache, files)
	if err != nil && opts.context().Err() != nil {
		return "", "", fmt.Errorf("fashion-mnist: %w", err) // interrupted: not a reason to look elsewhere
	}
	if err != nil {
		return "", "", fmt.Errorf("fashion-mnist: data not found: searched $%s (not set), %s; download failed: %w; %s",
			DirEnv, strings.Join(searched, ", "), err, howToGet)
	}
	return cache, fmt.Sprintf("%s (downloaded from %s)", cache, url), nil
}

// missingFiles lists the files that dir holds neither compressed nor raw.
// Something else in the place of a file is an error.
func missingFiles(dir string, files []File) ([]string, error) {
	var missing []string
	for _, f := range files {
		p, err := f.find(dir)
		if err != nil {
			return nil, err
		}
		if p == "" {
			missing = append(missing, f.Name)
		}
	}
	return missing, nil
}

// describeMissing says, for an error message, why dir was not used.
func describeMissing(dir string, missing []string, total int, err error) string {
	if _, statErr := os.Stat(dir); errors.Is(statErr, fs.ErrNotExist) {
		return dir + " (no such directory)"
	}
	if err != nil {
		return fmt.Sprintf("%s (%v)", dir, err)
	}
	if len(missing) == total {
		return dir + " (no data files)"
	}
	return fmt.Sprintf("%s (lacks %s)", dir, strings.Join(missing, ", "))
}

// loadDir reads and verifies the files in dir and partitions them.
func loadDir(dir, source string, files []File) (*Data, error) {
	idx := make([]*idxData, len(files))
	paths := make([]string, len(files))
	for i, f := range files {
		var err error
		if paths[i], err = f.find(dir); err != nil {
			return nil, fmt.Errorf("fashion-mnist: %w", err)
		}
		if idx[i], err = f.readVerified(paths[i]); err != nil {
			return nil, fmt.Errorf("fashion-mnist: %w", err)
		}
	}
	trainFile, err := newSplitFromIDX("training file", idx[0], paths[0], idx[1], paths[1])
	if err != nil {
		return nil, fmt.Errorf("fashion-mnist: %w", err)
	}
	test, err := newSplitFromIDX("test", idx[2], paths[2], idx[3], paths[3])
	if err != nil {
		return nil, fmt.Errorf("fashion-mnist: %w", err)
	}
	data, err := partition(trainFile, test, source)
	if err != nil {
		return nil, fmt.Errorf("fashion-mnist: %w", err)
	}
	return data, nil
}
