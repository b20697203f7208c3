// Package fashionmnist is the Fashion-MNIST data set, as the article uses
// it: the four canonical IDX files, found on disk or downloaded (Load,
// LoadOptions) and verified by the SHA-256 of their decompressed bytes
// wherever they come from; the partitions the article makes (Data: the
// validation set is the first 5,000 training images, the training set the
// other 55,000, the test set the 10,000 of the test file), each a Split of
// labelled 28x28 images kept as the files store them; the order in which a
// training epoch visits them (EpochOrder); and pictures of your own turned
// into Fashion-MNIST-like images (ReadPicture, PreparePicture), the exact
// preparation "fashion predict --image" does.
//
// It may import the standard library, golang.org/x/image and the project's
// internal/progress only: no GoMLX, no cgo, so that any Go program can load
// Fashion-MNIST without a machine-learning library (CGO_ENABLED=0 builds
// it). The model's side of the data (GoMLX tensors, batches) is in
// pkg/fashion.
package fashionmnist
