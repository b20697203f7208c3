package tutorial

import (
	"fmt"
	"io/fs"
	"path/filepath"
)

// listFiles lists the files under dir with their sizes.
func listFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files = append(files, fmt.Sprintf("%-60s %9d bytes", rel, info.Size()))
		return nil
	})
	return files, err
}
