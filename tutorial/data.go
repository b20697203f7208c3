package tutorial

import (
	"fmt"
	"strings"
	"sync"

	"github.com/fashion-gomlx/fashion-gomlx/pkg/fashionmnist"
	"github.com/fashion-gomlx/fashion-gomlx/pkg/figures"
)

// Chapters 4 to 6: the data set, its partitions, looking at it and scaling it.

// loadOnce reads the data once per cell.
var loadOnce = sync.OnceValues(func() (*fashionmnist.Data, error) {
	return fashionmnist.Load(fashionmnist.LoadOptions{Progress: defaultProgress()})
})

// LoadData reads Fashion-MNIST (verifying its checksums) and partitions it
// as the article does. It is quick enough to call in every cell that needs
// the data.
func LoadData() *fashionmnist.Data {
	d, err := loadOnce()
	check(err)
	return d
}

// DescribeData prints where the data came from and the number of images of
// each class in each partition.
func DescribeData(d *fashionmnist.Data) {
	fmt.Fprintln(stdout, "Fashion-MNIST from", d.Source)
	rows := [][]string{{"label", "class", "training", "validation", "test"}}
	splits := []*fashionmnist.Split{d.Train, d.Validation, d.Test}
	for c, name := range fashionmnist.ClassNames {
		row := []string{fmt.Sprint(c), name}
		for _, s := range splits {
			row = append(row, fmt.Sprint(s.ClassCounts()[c]))
		}
		rows = append(rows, row)
	}
	rows = append(rows, []string{"", "**total**", fmt.Sprint(d.Train.Len()), fmt.Sprint(d.Validation.Len()), fmt.Sprint(d.Test.Len())})
	note("%s", table(rows))
}

// ShowOnePerClass shows the first image of each class.
func ShowOnePerClass(d *fashionmnist.Data) { Show(figures.OnePerClass(d.TrainFile)) }

// ShowClassDistribution shows the images per class of the three partitions.
func ShowClassDistribution(d *fashionmnist.Data) { Show(figures.ClassDistribution(d)) }

// CheckClassCount checks how many images of a class the whole training file
// (training and validation together) holds.
func CheckClassCount(d *fashionmnist.Data, class string, n int) bool {
	c := classIndex(class)
	if c < 0 {
		return verdict(false, "", fmt.Sprintf("%q is not a class name; they are: %s.", class, strings.Join(fashionmnist.ClassNames[:], ", ")))
	}
	want := d.TrainFile.ClassCounts()[c]
	return verdict(n == want, fmt.Sprintf("The training file holds %d images of each class: a balanced data set.", want),
		"Add the training and validation columns of the table for that class.")
}

// classIndex returns the label of a class name, or -1.
func classIndex(name string) int {
	for c, n := range fashionmnist.ClassNames {
		if strings.EqualFold(n, name) {
			return c
		}
	}
	return -1
}

// ShowShapes prints the shapes the article checks: the training file's
// images and labels, the first label, and the three partitions.
func ShowShapes(d *fashionmnist.Data) {
	shape := func(s *fashionmnist.Split) string {
		return fmt.Sprintf("(%d, %d, %d)", s.Len(), fashionmnist.ImageSize, fashionmnist.ImageSize)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "train_images.shape = %s\n", shape(d.TrainFile))
	fmt.Fprintf(&b, "train_labels.shape = (%d,)\n", d.TrainFile.Len())
	fmt.Fprintf(&b, "train_labels[0]    = %d (%s)\n", d.TrainFile.Label(0), fashionmnist.ClassNames[d.TrainFile.Label(0)])
	fmt.Fprintf(&b, "test_images.shape  = %s\n\n", shape(d.Test))
	fmt.Fprintf(&b, "validation = images 0 to %d of the training file: %s\n", d.Validation.Len()-1, shape(d.Validation))
	fmt.Fprintf(&b, "training   = images %d to %d of the training file: %s\n", d.Validation.Len(), d.TrainFile.Len()-1, shape(d.Train))
	fmt.Fprintf(&b, "test       = the test file: %s\n", shape(d.Test))
	fmt.Fprint(stdout, b.String())
}

// CheckPartitions checks the sizes of the three partitions.
func CheckPartitions(d *fashionmnist.Data, training, validation, test int) bool {
	ok := training == d.Train.Len() && validation == d.Validation.Len() && test == d.Test.Len()
	return verdict(ok, "55,000 images to learn from, 5,000 to watch for over-fitting, 10,000 for the final exam.",
		"The validation set is the first 5,000 images of the 60,000 in the training file; the test file is separate.")
}

// ShowFirstImages shows the first n images of the training file with their
// class names, in rows of five (the article shows 20).
func ShowFirstImages(d *fashionmnist.Data, n int) { Show(figures.FirstImages(d.TrainFile, n, 5)) }

// ShowPixels shows image i of the training file large, with its pixel
// values as stored (0-255) or scaled to [0, 1].
func ShowPixels(d *fashionmnist.Data, i int, scaled bool) {
	Show(figures.PixelValues(d.TrainFile, i, scaled))
}

// ClassName returns the name of a label.
func ClassName(label int) string {
	if label < 0 || label >= len(fashionmnist.ClassNames) {
		check(fmt.Errorf("label %d is outside 0-%d", label, len(fashionmnist.ClassNames)-1))
	}
	return fashionmnist.ClassNames[label]
}

// CheckScaledPixel checks the value the model sees for the pixel at row,
// col of image i of the training file.
func CheckScaledPixel(d *fashionmnist.Data, i, row, col int, value float64) bool {
	if i < 0 || i >= d.TrainFile.Len() || row < 0 || row >= fashionmnist.ImageSize || col < 0 || col >= fashionmnist.ImageSize {
		return verdict(false, "", "The image index must be in the training file, and row and column in 0-27.")
	}
	raw := d.TrainFile.Pixels(i)[row*fashionmnist.ImageSize+col]
	want := float64(raw) / 255
	// Neighbouring bytes are 1/255 = 0.0039 apart: 1e-3 tells them apart.
	return checkNumber(value, want, 1e-3,
		fmt.Sprintf("The byte %d becomes %d / 255 = %.4f.", raw, raw, want),
		"print the byte divided by 255 in Go, and copy three decimals or more.",
		"Read the raw byte of that pixel (d.TrainFile.Pixels(i)[row*28+col]) and divide it by 255.")
}

// CheckScale checks the exercise of chapter 6: scale must turn an image's
// bytes into the values the network sees, each byte divided by 255. It
// tries it on three bytes, then on the first training image, against
// Split.Scaled, the project's scaling (the model's input graph divides by
// 255 the same way).
func CheckScale(scale func(pixels []uint8) []float32) bool {
	hint := "Make a []float32 as long as the pixels, and put float32(p) / 255 in it for each byte p."
	d := LoadData()
	for _, c := range []struct {
		pixels []uint8
		want   []float32
	}{
		{[]uint8{0, 51, 255}, []float32{0, 0.2, 1}},
		{d.TrainFile.Pixels(0), d.TrainFile.Scaled(0)},
	} {
		got := scale(c.pixels)
		if len(got) != len(c.want) {
			return verdict(false, "", fmt.Sprintf("For %d bytes it returns %d values. %s", len(c.pixels), len(got), hint))
		}
		for i, w := range c.want {
			if diff := got[i] - w; diff > 1e-6 || diff < -1e-6 {
				return verdict(false, "", fmt.Sprintf("The byte %d becomes %g, not %g. %s", c.pixels[i], got[i], w, hint))
			}
		}
	}
	return verdict(true, "Your function scales the first training image as the project does.", "")
}
