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

	"github.com/fashion-gomlx/fashion-gomlx/internal/progress"
)

// DefaultDownloadTimeout is how long a download waits without progress
// (for the connection, the response, or the next bytes) before it gives up
// on a mirror and tries the next: LoadOptions.Timeout's default.
const DefaultDownloadTimeout = 30 * time.Second

// download fetches into cache every file it does not already hold verified,
// trying each mirror in turn, and returns the base URL the last file came
// from ("" when nothing had to be fetched). A file is renamed into place only
// after its checksum matches, so an interrupted or corrupted download never
// leaves a file that a later run would trust. A mirror that fails is tried
// last for the next files.
func (opts LoadOptions) download(cache string, files []File) (string, error) {
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", fmt.Errorf("creating cache directory: %w", err)
	}
	mirrors := opts.Mirrors
	if mirrors == nil {
		mirrors = DefaultMirrors
	}
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
			err := opts.fetch(client, base, f, cache)
			if err == nil {
				used, errs = base, nil
				// The mirrors that failed go last.
				mirrors = slices.Concat(mirrors[i:], mirrors[:i])
				break
			}
			errs = append(errs, err.Error())
		}
		if errs != nil {
			return "", errors.New(strings.Join(errs, "; "))
		}
	}
	return used, nil
}

// fetch downloads one file from base into dir through a temporary file,
// giving up when no progress is made for opts.Timeout.
func (opts LoadOptions) fetch(client *http.Client, base string, f File, dir string) (err error) {
	url := base + f.Name
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultDownloadTimeout
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stalled := fmt.Errorf("GET %s: no progress for %s (the mirror does not answer, or stalled)", url, timeout)
	watchdog := time.AfterFunc(timeout, func() { cancel(stalled) })
	defer watchdog.Stop()
	// cause prefers the watchdog's reason to the "context canceled" that
	// the request reports when it fires.
	cause := func(err error) error {
		if errors.Is(context.Cause(ctx), stalled) {
			return stalled
		}
		return err
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return cause(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	watchdog.Reset(timeout)

	tmp, err := os.CreateTemp(dir, f.Name+".part-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var dst io.Writer = tmp
	var bar *progress.Bar
	if opts.Progress != nil {
		bar = progress.New(opts.Progress, "downloading "+f.Name, resp.ContentLength, progress.Bytes)
		dst = io.MultiWriter(tmp, bar)
	}
	body := &progressReader{r: resp.Body, progress: func() { watchdog.Reset(timeout) }}
	if _, err = io.Copy(dst, body); err != nil {
		if cause(err) == stalled {
			return stalled
		}
		return fmt.Errorf("GET %s: %w", url, err)
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	raw, err := readMaybeGzip(tmp.Name())
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	if err = f.verify(raw, url); err != nil {
		return err
	}
	if bar != nil {
		bar.Done("verified")
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, f.Name))
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
