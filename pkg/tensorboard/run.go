package tensorboard

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Point is one value of a scalar time series.
type Point struct {
	Step     int64
	WallTime float64 // seconds since the Unix epoch
	Value    float64
}

// IsEventFile reports whether name (a file name or path) names an event
// file: like TensorBoard, it looks for "tfevents" in the base name.
func IsEventFile(name string) bool {
	return strings.Contains(filepath.Base(name), "tfevents")
}

// ReadRun reads every event file under dir, recursively, and returns the
// events grouped by run: the slash-separated path of the file's directory
// relative to dir, "." for files directly in dir. A Keras log directory
// thus gives the runs "train" and "validation". Within a run, files are read
// in name order (their names start with the creation time) and events keep
// file order.
//
// On a bad record it returns what it read so far with the error (see
// [ReadFile]).
func ReadRun(dir string) (map[string][]Event, error) {
	files, err := eventFiles(dir)
	if err != nil {
		return nil, err
	}
	runs := make(map[string][]Event)
	for _, f := range files {
		evs, err := ReadFile(filepath.Join(dir, f))
		run := path.Dir(filepath.ToSlash(f))
		runs[run] = append(runs[run], evs...)
		if err != nil {
			return runs, err
		}
	}
	return runs, nil
}

// eventFiles returns the event files under dir, relative to dir, sorted by
// directory then name.
func eventFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && IsEventFile(p) {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tensorboard: listing event files: %w", err)
	}
	slices.SortFunc(files, func(a, b string) int {
		if c := strings.Compare(filepath.Dir(a), filepath.Dir(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return files, nil
}

// Scalars returns the scalar time series, by tag, of the event file or
// directory at p: what a notebook needs to plot logged curves. For a
// directory (read as by [ReadRun]) a tag from a run other than "." is
// prefixed by the run, so a Keras log directory gives "train/epoch_loss"
// and "validation/epoch_loss". Points keep file order, which is step order
// for a single training run.
//
// On a bad record it returns the points read so far with the error (see
// [ReadFile]).
func Scalars(p string) (map[string][]Point, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("tensorboard: %w", err)
	}
	var runs map[string][]Event
	if info.IsDir() {
		runs, err = ReadRun(p)
	} else {
		var evs []Event
		evs, err = ReadFile(p)
		runs = map[string][]Event{".": evs}
	}
	out := make(map[string][]Point)
	for run, evs := range runs {
		for _, ev := range evs {
			if ev.Kind != KindScalar {
				continue
			}
			tag := ev.Tag
			if run != "." {
				tag = run + "/" + tag
			}
			out[tag] = append(out[tag], Point{Step: ev.Step, WallTime: ev.WallTime, Value: ev.Value})
		}
	}
	return out, err
}
