package fashionmnist

import (
	"os"
	"testing"
)

// requireDataEnv, when set to 1, makes the integration test fail instead of
// skip when the real data cannot be found. The project's test script sets it.
const requireDataEnv = "FASHION_MNIST_REQUIRE"

// realData loads the real Fashion-MNIST files without downloading, or skips.
func realData(t *testing.T) *Data {
	t.Helper()
	data, err := Load(LoadOptions{Offline: true})
	if err != nil {
		if os.Getenv(requireDataEnv) == "1" {
			t.Fatalf("real data required ($%s=1): %v", requireDataEnv, err)
		}
		t.Skipf("real data not found (set %s=1 to make this an error): %v", requireDataEnv, err)
	}
	return data
}

func TestRealData(t *testing.T) {
	data := realData(t) // Load verified the four checksums.
	if data.TrainFile.Len() != 60000 || data.Train.Len() != 55000 || data.Validation.Len() != 5000 ||
		data.Test.Len() != 10000 {
		t.Fatalf("sizes %d/%d/%d/%d", data.TrainFile.Len(), data.Train.Len(), data.Validation.Len(), data.Test.Len())
	}
	if data.TrainFile.Label(0) != 9 {
		t.Errorf("train_labels[0] = %d, want 9", data.TrainFile.Label(0))
	}
	if got := ClassNames[data.TrainFile.Label(2)]; got != "T-shirt/top" {
		t.Errorf("class_names[train_labels[2]] = %q, want T-shirt/top", got)
	}
	for c, n := range data.Test.ClassCounts() {
		if n != 1000 {
			t.Errorf("test class %d has %d images, want 1000", c, n)
		}
	}
	for c := range NumClasses {
		if data.Train.ClassCounts()[c]+data.Validation.ClassCounts()[c] != 6000 {
			t.Errorf("class %d has %d training-file images, want 6000", c,
				data.Train.ClassCounts()[c]+data.Validation.ClassCounts()[c])
		}
	}
}
