package fashion

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/fashion-gomlx/fashion-gomlx/internal/progress"
)

// download fetches into cache every file it does not already hold verified,
// trying each mirror in turn, and returns the base URL the last file came
// from ("" when nothing had to be fetched). A file is renamed into place only
// after its checksum matches, so an interrupted or corrupted download never
// leaves a file that a later run would trust.
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
		if p := f.find(cache); p != "" {
			if raw, err := readMaybeGzip(p); err == nil && f.verify(raw, p) == nil {
				continue
			}
		}
		var errs []error
		for _, base := range mirrors {
			err := opts.fetch(client, base, f, cache)
			if err == nil {
				used, errs = base, nil
				break
			}
			errs = append(errs, err)
		}
		if errs != nil {
			return "", errors.Join(errs...)
		}
	}
	return used, nil
}

// fetch downloads one file from base into dir through a temporary file.
func (opts LoadOptions) fetch(client *http.Client, base string, f File, dir string) (err error) {
	url := base + f.Name
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}

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
	if _, err = io.Copy(dst, resp.Body); err != nil {
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
