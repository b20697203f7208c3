package fashionmnist

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// File describes one of the four canonical Fashion-MNIST files.
type File struct {
	// Name is the file's canonical name, as published (gzip-compressed).
	Name string
	// SHA256 is the hex SHA-256 of the decompressed content. Debian
	// recompresses the files, so only the decompressed bytes have a stable
	// checksum.
	SHA256 string
	// Size is the number of bytes of the decompressed content: a download
	// of the file, compressed or not, is no larger (see maxDownloadBytes).
	Size int64
}

// The four canonical files of Fashion-MNIST.
var (
	trainImagesFile = File{"train-images-idx3-ubyte.gz", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016}
	trainLabelsFile = File{"train-labels-idx1-ubyte.gz", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008}
	testImagesFile  = File{"t10k-images-idx3-ubyte.gz", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016}
	testLabelsFile  = File{"t10k-labels-idx1-ubyte.gz", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008}
)

// Files lists the four canonical files in the order Load reads them.
var Files = []File{trainImagesFile, trainLabelsFile, testImagesFile, testLabelsFile}

// rawName is the file's name once decompressed ("train-images-idx3-ubyte").
func (f File) rawName() string { return f.Name[:len(f.Name)-len(".gz")] }

// find returns the path of the file in dir, compressed or not, or "" when
// dir holds neither. Something else in its place (a directory) is an error
// naming it.
func (f File) find(dir string) (string, error) {
	var other string
	for _, name := range []string{f.Name, f.rawName()} {
		p := filepath.Join(dir, name)
		st, err := os.Stat(p) // a FIFO is refused here, and again by plainfile when read
		switch {
		case err == nil && st.Mode().IsRegular():
			return p, nil
		case err == nil && other == "":
			other = p
		}
	}
	if other != "" {
		return "", fmt.Errorf("%s is a directory or a special file, not a data file", other)
	}
	return "", nil
}

// verify checks the SHA-256 of decompressed content against the canonical one.
func (f File) verify(content []byte, path string) error {
	sum := sha256.Sum256(content)
	if got := hex.EncodeToString(sum[:]); got != f.SHA256 {
		return fmt.Errorf("checksum mismatch for %s found at %s: SHA-256 of the decompressed content is %s, want %s (the file is corrupt or not the canonical one; delete it to fetch it again)",
			f.rawName(), path, got, f.SHA256)
	}
	return nil
}

// readVerified reads the file at path (gzip or raw), checks its checksum and
// decodes it as IDX.
func (f File) readVerified(path string) (*idxData, error) {
	return readIDX(path, f.verify)
}
