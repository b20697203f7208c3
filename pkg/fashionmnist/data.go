package fashionmnist

import (
	"fmt"
	"image"
	"strings"
)

// Sizes of the data set, as the article describes it.
const (
	// ImageSize is the width and height of every image, in pixels.
	ImageSize = 28
	// ImagePixels is the number of pixels of one image (28 x 28 = 784), the
	// width of the model's input once flattened.
	ImagePixels = ImageSize * ImageSize
	// NumClasses is the number of clothing classes, labelled 0 to 9.
	NumClasses = 10
	// validationSize is how many images of the training file the article keeps
	// for validation: the first 5,000.
	validationSize = 5000
)

// ClassNames holds the name of each class, indexed by label, in the
// article's order. It is an array: assigning it copies it, so that no model
// or caller shares (and changes) another's names; ClassNames[:] is a slice
// for reading.
var ClassNames = [NumClasses]string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// Data is Fashion-MNIST as the article partitions it.
type Data struct {
	// Source says where the files were read from (a directory, or the URL
	// they were downloaded from and the directory they were saved in).
	Source string
	// TrainFile holds all 60,000 images of the training file, in file order:
	// what the article inspects (train_images.shape == (60000, 28, 28)).
	TrainFile *Split
	// Train holds the 55,000 images the model learns from: TrainFile
	// without its first 5,000 images.
	Train *Split
	// Validation holds the first 5,000 images of TrainFile, used to
	// watch for over-fitting after each epoch.
	Validation *Split
	// Test holds the 10,000 images of the test file, used once at the end.
	Test *Split
}

// Split is a set of labelled images: a partition of the data, or part of one.
// Pixels are kept as the file stores them (uint8, 0 = background) and scaled
// to [0, 1] only when converted for the model. A Split is read-only; Slice
// shares memory with its parent.
type Split struct {
	name   string
	images []uint8 // Len() * ImagePixels bytes, row-major.
	labels []uint8
}

// SplitNamed returns the partition of the data with the given name: the
// Name of TrainFile, Train, Validation or Test. A resumed run finds its
// training images this way, from the name its RunInfo records.
func (d *Data) SplitNamed(name string) (*Split, error) {
	var names []string
	for _, s := range []*Split{d.TrainFile, d.Train, d.Validation, d.Test} {
		if s.Name() == name {
			return s, nil
		}
		names = append(names, fmt.Sprintf("%q", s.Name()))
	}
	return nil, fmt.Errorf("the data has no split named %q (it has %s)", name, strings.Join(names, ", "))
}

// NewSplit builds a split from n*784 pixel bytes and n labels in 0..9.
func NewSplit(name string, pixels, labels []uint8) (*Split, error) {
	if len(pixels) != len(labels)*ImagePixels {
		return nil, fmt.Errorf("split %q: %d pixel bytes for %d labels, want %d (%d per image)",
			name, len(pixels), len(labels), len(labels)*ImagePixels, ImagePixels)
	}
	for i, l := range labels {
		if int(l) >= NumClasses {
			return nil, fmt.Errorf("split %q: label %d of image %d is outside 0-%d", name, l, i, NumClasses-1)
		}
	}
	return &Split{name: name, images: pixels, labels: labels}, nil
}

// newSplitFromIDX pairs an images file and a labels file, checking that each
// is of its kind and that they hold the same number of items.
func newSplitFromIDX(name string, images *idxData, imagesPath string, labels *idxData, labelsPath string) (*Split, error) {
	if err := checkImagesIDX(images); err != nil {
		return nil, fmt.Errorf("%s: %w", imagesPath, err)
	}
	if err := checkLabelsIDX(labels); err != nil {
		return nil, fmt.Errorf("%s: %w", labelsPath, err)
	}
	if images.Dims[0] != labels.Dims[0] {
		return nil, fmt.Errorf("%s holds %d images but %s holds %d labels: the files do not belong together",
			imagesPath, images.Dims[0], labelsPath, labels.Dims[0])
	}
	s, err := NewSplit(name, images.Data, labels.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", labelsPath, err)
	}
	return s, nil
}

// checkImagesIDX checks that an IDX file holds 28x28 images.
func checkImagesIDX(idx *idxData) error {
	if len(idx.Dims) != 3 {
		hint := ""
		if len(idx.Dims) == 1 {
			hint = " (a labels file?)"
		}
		return fmt.Errorf("expected an images file of rank 3 [N, %d, %d], got rank %d %v%s",
			ImageSize, ImageSize, len(idx.Dims), idx.Dims, hint)
	}
	if idx.Dims[1] != ImageSize || idx.Dims[2] != ImageSize {
		return fmt.Errorf("expected %dx%d images, got %dx%d", ImageSize, ImageSize, idx.Dims[1], idx.Dims[2])
	}
	return nil
}

// checkLabelsIDX checks that an IDX file holds a vector of labels.
func checkLabelsIDX(idx *idxData) error {
	if len(idx.Dims) != 1 {
		hint := ""
		if len(idx.Dims) == 3 {
			hint = " (an images file?)"
		}
		return fmt.Errorf("expected a labels file of rank 1 [N], got rank %d %v%s", len(idx.Dims), idx.Dims, hint)
	}
	return nil
}

// Name returns the split's name ("train", "validation", "test", ...).
func (s *Split) Name() string { return s.name }

// Len returns the number of images.
func (s *Split) Len() int { return len(s.labels) }

// Label returns the label (0-9) of image i.
func (s *Split) Label(i int) int { return int(s.labels[i]) }

// Labels returns the label (0-9) of every image, in order (a copy).
func (s *Split) Labels() []int {
	out := make([]int, len(s.labels))
	for i, l := range s.labels {
		out[i] = int(l)
	}
	return out
}

// Bytes returns the pixels of all the split's images (Len() * ImagePixels
// bytes, image after image, row by row) and their labels, as the files
// store them: what a trainer uploads to the device at once. The slices are
// shared: do not modify them.
func (s *Split) Bytes() (pixels, labels []uint8) { return s.images, s.labels }

// Pixels returns the 784 bytes of image i, row by row (0 = background,
// 255 = full ink). The slice is shared: do not modify it.
func (s *Split) Pixels(i int) []uint8 {
	return s.images[i*ImagePixels : (i+1)*ImagePixels]
}

// Image returns image i as a standard grayscale image, for pictures. Fashion-MNIST
// stores ink as high values on a black background, and so does the result.
func (s *Split) Image(i int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, ImageSize, ImageSize))
	copy(img.Pix, s.Pixels(i))
	return img
}

// Scaled returns the pixels of image i scaled to [0, 1] (divided by 255), the
// way the model sees them.
func (s *Split) Scaled(i int) []float32 {
	return scalePixels(s.Pixels(i))
}

// scalePixels divides each byte by 255.
func scalePixels(pixels []uint8) []float32 {
	out := make([]float32, len(pixels))
	for i, p := range pixels {
		out[i] = float32(p) / 255
	}
	return out
}

// ClassCounts returns how many images of each class the split holds,
// indexed by label.
func (s *Split) ClassCounts() []int {
	counts := make([]int, NumClasses)
	for _, l := range s.labels {
		counts[l]++
	}
	return counts
}

// Slice returns images [from, to) as a new split sharing this one's memory.
func (s *Split) Slice(name string, from, to int) (*Split, error) {
	if from < 0 || to > s.Len() || from > to {
		return nil, fmt.Errorf("split %q: range [%d, %d) is outside [0, %d)", s.name, from, to, s.Len())
	}
	return &Split{name: name, images: s.images[from*ImagePixels : to*ImagePixels], labels: s.labels[from:to]}, nil
}

// Head returns the first n images, for quick trials (the CLI's --limit).
func (s *Split) Head(n int) (*Split, error) {
	if n <= 0 || n > s.Len() {
		return nil, fmt.Errorf("split %q: cannot take the first %d of %d images", s.name, n, s.Len())
	}
	return s.Slice(s.name, 0, n)
}

// partition splits the training file the way the article describes: the
// first validationSize images for validation, the rest for training.
func partition(trainFile, test *Split, source string) (*Data, error) {
	if trainFile.Len() <= validationSize {
		return nil, fmt.Errorf("the training file holds %d images: need more than %d to keep %d for validation",
			trainFile.Len(), validationSize, validationSize)
	}
	validation, err := trainFile.Slice("validation", 0, validationSize)
	if err != nil {
		return nil, err
	}
	train, err := trainFile.Slice("train", validationSize, trainFile.Len())
	if err != nil {
		return nil, err
	}
	return &Data{Source: source, TrainFile: trainFile, Train: train, Validation: validation, Test: test}, nil
}
