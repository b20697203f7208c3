package fashionmnist

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fashion-gomlx/fashion-gomlx/internal/lockfile"
	"github.com/fashion-gomlx/fashion-gomlx/internal/progress"
)

// defaultDownloadTimeout is how long a download waits without progress
// (for the connection, the response, or the next bytes) before it gives up
// on a mirror and tries the next: LoadOptions.Timeout's default.
const defaultDownloadTimeout = 30 * time.Second

// download fetches into cache every file it does not already hold verified,
// trying each mirror in turn, and returns the base URL the last file came
// from ("" when nothing had to be fetched). A file is renamed into place only
// after its checksum matches, so an interrupted or corrupted download never
// leaves a file that a later run would trust. A mirror that fails is tried
// last for the next files.
//
// One process downloads into a cache at a time: download holds the cache
// directory's lock (see lockfile), waiting for another download to end,
// and deletes, under it, the partial files that killed downloads left
// (FILE.part-NNN). A cancelled context (the tool's Ctrl-C) stops the
// download and deletes its partial file.
func (opts LoadOptions) download(cache string, files []File) (string, error) {
	ctx := opts.context()
	if err := os.MkdirAll(cache, 0o777); err != nil {
		return "", fmt.Errorf("creating cache directory: %w", err)
	}
	lock, err := lockfile.Wait(ctx, cache, func(err error) {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "waiting for another download into %s to end (%v)\n", cache, err)
		}
	})
	if err != nil {
		return "", fmt.Errorf("locking the cache: %w", err)
	}
	defer lock.Unlock()
	if err := removeParts(cache, files); err != nil {
		return "", err
	}
	mirrors := opts.mirrors()
	client := opts.Client
	if client == nil {
		client = http.DefaultClient
	}
	var used string
	for _, f := range files {
		p, err := f.find(cache)
		if err != nil {
			return "", err
		}
		if p != "" {
			if raw, err := readMaybeGzip(p); err == nil && f.verify(raw, p) == nil {
				continue
			}
		}
		var errs []string
		for i, base := range mirrors {
			err := opts.fetch(ctx, client, base, f, cache)
			if err == nil {
				used, errs = base, nil
				// The mirrors that failed go last.
				mirrors = slices.Concat(mirrors[i:], mirrors[:i])
				break
			}
			if ctx.Err() != nil {
				return "", err // interrupted: no other mirror
			}
			errs = append(errs, err.Error())
		}
		if errs != nil {
			return "", errors.New(strings.Join(errs, "; "))
		}
	}
	return used, nil
}

// MirrorsEnv names the environment variable that lists, separated by
// spaces, the base URLs to download from instead of the default mirrors
// (a local copy, a proxy); LoadOptions.Mirrors comes first.
const MirrorsEnv = "FASHION_MNIST_MIRRORS"

// mirrors returns the base URLs to download from, in order.
func (opts LoadOptions) mirrors() []string {
	if opts.Mirrors != nil {
		return opts.Mirrors
	}
	var mirrors []string
	for _, m := range strings.Fields(os.Getenv(MirrorsEnv)) {
		if !strings.HasSuffix(m, "/") {
			m += "/"
		}
		mirrors = append(mirrors, m)
	}
	if mirrors == nil {
		return defaultMirrors
	}
	return mirrors
}

// partSuffix follows a file's name in the name of its partial download.
const partSuffix = ".part-"

// removeParts deletes the partial downloads of files left in cache by
// downloads that were killed (the caller holds the cache's lock: no
// download is running).
func removeParts(cache string, files []File) error {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return err
	}
	for _, e := range entries {
		for _, f := range files {
			if strings.HasPrefix(e.Name(), f.Name+partSuffix) && e.Type().IsRegular() {
				if err := os.Remove(filepath.Join(cache, e.Name())); err != nil {
					return fmt.Errorf("removing a partial download: %w", err)
				}
			}
		}
	}
	return nil
}

// maxDownloadBytes is the most bytes a download of f may hold: its
// decompressed size, since a compressed copy is smaller, with a margin for
// gzip's framing of data that does not compress. A mirror that sends more
// is not sending the file (an endless body would fill the disk).
func (f File) maxDownloadBytes() int64 {
	if f.Size <= 0 {
		return maxIDXBytes
	}
	return f.Size + f.Size/1000 + 64<<10
}

// fetch downloads one file from base into dir through a temporary file,
// giving up when no progress is made for opts.Timeout, and renames it into
// place once its checksum matches.
func (opts LoadOptions) fetch(ctx context.Context, client *http.Client, base string, f File, dir string) error {
	url := base + f.Name
	watch := newStallWatch(ctx, url, opts.timeout())
	defer watch.stop()
	resp, err := watch.get(client, url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	tmp, bar, err := opts.receive(resp, watch, f, dir, url)
	if err != nil {
		return err
	}
	if err := verifyDownload(tmp, f, url); err != nil {
		os.Remove(tmp)
		return err
	}
	if bar != nil {
		bar.Done("verified")
	}
	return os.Rename(tmp, filepath.Join(dir, f.Name))
}

// context returns the context that stops downloads.
func (opts LoadOptions) context() context.Context {
	if opts.Context == nil {
		return context.Background()
	}
	return opts.Context
}

// timeout returns how long a download may go without progress.
func (opts LoadOptions) timeout() time.Duration {
	if opts.Timeout <= 0 {
		return defaultDownloadTimeout
	}
	return opts.Timeout
}

// receive writes the body of resp (the answer for url) into a temporary file of dir, with a
// progress bar when opts.Progress is set, and returns the file's path. A
// failed transfer leaves no file.
func (opts LoadOptions) receive(resp *http.Response, watch *stallWatch, f File, dir, url string) (path string, bar *progress.Bar, err error) {
	limit := f.maxDownloadBytes()
	if resp.ContentLength > limit {
		return "", nil, fmt.Errorf("GET %s: the mirror announces %d bytes, more than the file holds uncompressed (%d): not the file", url, resp.ContentLength, f.Size)
	}
	tmp, err := os.CreateTemp(dir, f.Name+partSuffix+"*")
	if err != nil {
		return "", nil, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var dst io.Writer = tmp
	if opts.Progress != nil {
		bar = progress.New(opts.Progress, "downloading "+f.Name, resp.ContentLength, progress.Bytes)
		dst = io.MultiWriter(tmp, bar)
	}
	body := &progressReader{r: io.LimitReader(resp.Body, limit+1), progress: watch.progress}
	n, err := io.Copy(dst, body)
	if err != nil {
		return "", nil, watch.reason(fmt.Errorf("GET %s: %w", url, err))
	}
	if n > limit {
		return "", nil, fmt.Errorf("GET %s: the mirror sent more than %d bytes, more than the file holds uncompressed (%d): not the file", url, limit, f.Size)
	}
	if err = tmp.Close(); err != nil {
		return "", nil, err
	}
	return tmp.Name(), bar, nil
}

// verifyDownload checks the checksum of a downloaded file.
func verifyDownload(path string, f File, url string) error {
	raw, err := readMaybeGzip(path)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	return f.verify(raw, url)
}

// stallWatch gives up on a download that makes no progress (for the
// connection, the response, or the next bytes) for its timeout: it cancels
// the request's context, and turns the "context canceled" that follows
// into an error saying why. A cancelled parent context (the tool's
// Ctrl-C) stops the download too, with the parent's cause.
type stallWatch struct {
	url     string
	parent  context.Context
	ctx     context.Context
	cancel  context.CancelCauseFunc
	timer   *time.Timer
	timeout time.Duration
	stalled error
}

// newStallWatch starts watching the download of url.
func newStallWatch(parent context.Context, url string, timeout time.Duration) *stallWatch {
	w := &stallWatch{url: url, parent: parent, timeout: timeout,
		stalled: fmt.Errorf("GET %s: no progress for %s (the mirror does not answer, or stalled)", url, timeout)}
	w.ctx, w.cancel = context.WithCancelCause(parent)
	w.timer = time.AfterFunc(timeout, func() { w.cancel(w.stalled) })
	return w
}

// get sends the request and checks the response's status.
func (w *stallWatch) get(client *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(w.ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, w.reason(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	w.progress()
	return resp, nil
}

// progress restarts the countdown.
func (w *stallWatch) progress() { w.timer.Reset(w.timeout) }

// reason returns the stall's error when the watch cancelled the request,
// else err.
func (w *stallWatch) reason(err error) error {
	switch {
	case w.parent.Err() != nil:
		return fmt.Errorf("downloading %s: %w; nothing of it was kept", w.url, context.Cause(w.parent))
	case errors.Is(context.Cause(w.ctx), w.stalled):
		return w.stalled
	}
	return err
}

// stop ends the watch.
func (w *stallWatch) stop() {
	w.timer.Stop()
	w.cancel(nil)
}

// progressReader calls progress after every read that returns bytes.
type progressReader struct {
	r        io.Reader
	progress func()
}

// Read implements io.Reader.
func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.progress()
	}
	return n, err
}
