package tutorial

import (
	"fmt"
	"math"
	"slices"
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
// (training and validation together) holds. A failure says which column an
// answer it recognises comes from.
func CheckClassCount(d *fashionmnist.Data, class string, n int) bool {
	const name = "sandals"
	c := classIndex(class)
	if c < 0 {
		return verdict(name, false, "", fmt.Sprintf("%q is not a class name; they are: %s.", class, strings.Join(fashionmnist.ClassNames[:], ", ")))
	}
	train, val, test := d.Train.ClassCounts()[c], d.Validation.ClassCounts()[c], d.Test.ClassCounts()[c]
	want := d.TrainFile.ClassCounts()[c]
	var why string
	switch n {
	case want:
		return verdict(name, true, fmt.Sprintf("%d + %d = %d: the training file holds %d images of each class, a balanced data set.", train, val, want, want), "")
	case 0:
		why = "Replace the 0 with your answer."
	case train:
		why = fmt.Sprintf("%d is the %s row's training column only; the training file also holds the validation set.", n, class)
	case val:
		why = fmt.Sprintf("%d is the %s row's validation column only; the training file also holds the training set.", n, class)
	case test:
		why = fmt.Sprintf("%d is the %s row's test column: the test file, not the training file.", n, class)
	case want + test:
		why = fmt.Sprintf("%d counts the test images too; the question is the training file alone.", n)
	case d.TrainFile.Len(), d.Train.Len(), d.Validation.Len():
		why = fmt.Sprintf("%d counts every class; the question is the %s row.", n, class)
	default:
		why = fmt.Sprintf("%d is not in the %s row, nor a sum of two of its columns that the question asks for.", n, class)
	}
	return verdict(name, false, "", why)
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

// CheckPartitions checks the sizes of the three partitions. A failure says
// which of the three is wrong, and what an answer it recognises counts.
func CheckPartitions(d *fashionmnist.Data, training, validation, test int) bool {
	const name = "partitions"
	want := []int{d.Train.Len(), d.Validation.Len(), d.Test.Len()}
	got := []int{training, validation, test}
	if slices.Equal(got, want) {
		return verdict(name, true, "55,000 images to learn from, 5,000 to watch for over-fitting, 10,000 for the final exam.", "")
	}
	if training == 0 && validation == 0 && test == 0 {
		return verdict(name, false, "", "Replace the three zeros: training, validation, test.")
	}
	var why []string
	parts := []string{"training", "validation", "test"}
	for i, n := range got {
		if n == want[i] {
			continue
		}
		switch {
		case n == d.TrainFile.Len():
			why = append(why, fmt.Sprintf("%s: %d is the whole training file, before the validation set is taken out of it.", parts[i], n))
		case slices.Contains(want, n):
			why = append(why, fmt.Sprintf("%s: %d is the size of another partition.", parts[i], n))
		case n == d.TrainFile.Len()+d.Test.Len():
			why = append(why, fmt.Sprintf("%s: %d is the whole data set.", parts[i], n))
		default:
			why = append(why, fmt.Sprintf("%s: %d is not its size.", parts[i], n))
		}
	}
	return verdict(name, false, "", strings.Join(why, " "))
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
	const name = "scaled-pixel"
	if i < 0 || i >= d.TrainFile.Len() || row < 0 || row >= fashionmnist.ImageSize || col < 0 || col >= fashionmnist.ImageSize {
		return verdict(name, false, "", "The image index must be in the training file, and row and column in 0-27.")
	}
	raw := d.TrainFile.Pixels(i)[row*fashionmnist.ImageSize+col]
	want := float64(raw) / 255
	var misses []nearMiss
	if raw != 0 {
		misses = append(misses,
			nearMiss{float64(raw), fmt.Sprintf("%g is the byte as the file stores it; the network sees it scaled to [0, 1].", value)},
			nearMiss{float64(raw) / 256, fmt.Sprintf("%g is the byte divided by 256; the scaling maps the largest byte, 255, to 1.", value)})
		if transposed := d.TrainFile.Pixels(i)[col*fashionmnist.ImageSize+row]; transposed != raw {
			misses = append(misses, nearMiss{float64(transposed) / 255, fmt.Sprintf("%g is the pixel at row %d, column %d: rows come first (row*28 + column).", value, col, row)})
		}
	}
	why := fmt.Sprintf("%g is not that pixel's scaled value.", value)
	if value == 0 && raw != 0 {
		why = "0 is the placeholder: put the value in its place."
	}
	// Neighbouring bytes are 1/255 = 0.0039 apart: 1e-3 tells them apart.
	return checkNumber(name, value, want, 1e-3,
		fmt.Sprintf("The byte %d becomes %d / 255 = %.4f.", raw, raw, want),
		"print the byte divided by 255 in Go, and copy three decimals or more.", why, misses...)
}

// CheckScale checks the exercise of chapter 6: scale must turn an image's
// bytes into the values the network sees, each byte divided by 255. It
// tries it on three bytes, then on the first training image, against
// Split.Scaled, the project's scaling (the model's input graph divides by
// 255 the same way). A failure names the first byte scaled wrong, and the
// kind of mistake when it recognises it.
func CheckScale(scale func(pixels []uint8) []float32) bool {
	const name = "scale"
	d := LoadData()
	for _, c := range []struct {
		pixels []uint8
		want   []float32
	}{
		{[]uint8{0, 51, 255}, []float32{0, 0.2, 1}},
		{d.TrainFile.Pixels(0), d.TrainFile.Scaled(0)},
	} {
		in := slices.Clone(c.pixels)
		var got []float32
		if err := tryRun(func() error { got = scale(in); return nil }); err != nil {
			return verdict(name, false, "", "Your function stopped: "+firstLine(err))
		}
		if !slices.Equal(in, c.pixels) {
			return verdict(name, false, "", "Your function changed the bytes it was given; it should only read them.")
		}
		if len(got) != len(c.want) {
			return verdict(name, false, "", fmt.Sprintf("For %d bytes it returns %d values: one value per byte.", len(c.pixels), len(got)))
		}
		if len(c.pixels) == 3 {
			switch {
			case slices.Equal(got, []float32{0, 0, 0}):
				return verdict(name, false, "", "For the bytes 0, 51 and 255 it returns 0, 0 and 0: the values are never set.")
			case slices.Equal(got, []float32{0, 0, 1}):
				return verdict(name, false, "", "For the bytes 0, 51 and 255 it returns 0, 0 and 1: an integer division (in Go, 51 / 255 is 0 when both are integers).")
			}
		}
		for i, w := range c.want {
			if diff := got[i] - w; diff <= 1e-6 && diff >= -1e-6 {
				continue
			}
			p := c.pixels[i]
			why := fmt.Sprintf("The byte %d becomes %g, not %g.", p, got[i], w)
			switch {
			case got[i] == float32(p) && p > 1:
				why += " The bytes are copied, not scaled."
			case math.Abs(float64(got[i])-float64(p)/256) < 1e-6:
				why += " That is the byte divided by 256; the largest byte, 255, must become 1."
			case i > 0 && got[i] == c.want[i-1]:
				why += " It is the scaled value of the byte before: the values are shifted by one."
			}
			return verdict(name, false, "", why)
		}
	}
	return verdict(name, true, "Your function scales the first training image as the project does.", "")
}
