package main

import (
	"fmt"
	"io"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
)

// dataFlags are the flags every command that reads the data set takes.
type dataFlags struct {
	dir     string
	offline bool
}

// register adds the data flags to fs.
func (d *dataFlags) register(fs *flagSet) {
	fs.StringVar(&d.dir, "data-dir", "", "directory holding the four Fashion-MNIST files (default: $"+fashionmnist.DirEnv+", the user cache, "+fashionmnist.DebianDir+", then download)")
	fs.BoolVar(&d.offline, "offline", false, "never download the data")
}

// load reads the data set, showing download progress on stderr. A
// download stops cleanly on Ctrl-C (see interrupts): its partial file is
// deleted.
func (d *dataFlags) load(stderr io.Writer) (*fashionmnist.Data, error) {
	defer sigs.stopCleanly(func() string {
		return "stopping; a download stops now and its partial file is deleted"
	})()
	return fashionmnist.Load(fashionmnist.LoadOptions{Dir: d.dir, Offline: d.offline, Progress: stderr, Context: sigs.context()})
}

// dataReport is what "fashion data --json" prints.
type dataReport struct {
	Source      string           `json:"source"`
	Train       int              `json:"train"`
	Validation  int              `json:"validation"`
	Test        int              `json:"test"`
	ImageShape  []int            `json:"image_shape"`
	ClassNames  []string         `json:"class_names"`
	ClassCounts map[string][]int `json:"class_counts"`
}

// runData implements "fashion data".
func runData(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("data", stderr)
	var df dataFlags
	df.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.parse(args); err != nil {
		return err
	}
	data, err := df.load(stderr)
	if err != nil {
		return err
	}
	splits := []*fashionmnist.Split{data.Train, data.Validation, data.Test}
	report := dataReport{
		Source: data.Source, Train: data.Train.Len(), Validation: data.Validation.Len(), Test: data.Test.Len(),
		ImageShape: []int{fashionmnist.ImageSize, fashionmnist.ImageSize}, ClassNames: fashionmnist.ClassNames[:],
		ClassCounts: map[string][]int{},
	}
	for _, s := range splits {
		report.ClassCounts[s.Name()] = s.ClassCounts()
	}
	if *asJSON {
		return writeJSON(stdout, report)
	}

	fmt.Fprintf(stdout, "Fashion-MNIST from %s\n\n", printable(data.Source))
	fmt.Fprintf(stdout, "%-12s %-16s %s\n", "partition", "images", "labels")
	for _, s := range splits {
		fmt.Fprintf(stdout, "%-12s %-16s %s\n", s.Name(),
			fmt.Sprintf("(%d, %d, %d)", s.Len(), fashionmnist.ImageSize, fashionmnist.ImageSize), fmt.Sprintf("(%d,)", s.Len()))
	}
	fmt.Fprintf(stdout, "\n%-3s %-12s %8s %11s %6s\n", "", "class", "train", "validation", "test")
	for c, name := range fashionmnist.ClassNames {
		fmt.Fprintf(stdout, "%-3d %-12s %8d %11d %6d\n", c, name,
			report.ClassCounts["train"][c], report.ClassCounts["validation"][c], report.ClassCounts["test"][c])
	}
	fmt.Fprintf(stdout, "%-3s %-12s %8d %11d %6d\n", "", "total", data.Train.Len(), data.Validation.Len(), data.Test.Len())
	return nil
}
