// Package fashion is the domain of the project: the Fashion-MNIST data set and
// the article's multilayer perceptron that classifies it.
//
// The data side reads the four canonical IDX files (verifying the SHA-256 of
// their decompressed bytes wherever they come from), splits them the way the
// article does (validation = the first 5,000 training images, training = the
// other 55,000, test = 10,000) and hands them to GoMLX as tensors or as a
// shuffled, batched [train.Dataset].
//
// The model side is GoMLX, written the way GoMLX's examples write it: a model
// is a model function (ModelFn) from images to logits, built from GoMLX
// layers (ArticleMLP, the article's network, uses Dense and
// activation.Relu); New creates its variables, Fit trains any model
// function with GoMLX's loss, automatic differentiation (graph.Gradient) and
// an optimizer.Interface (SGD, Keras' Nesterov SGD with time-based decay),
// with Keras-like callbacks (early stopping, progress, TensorBoard logs,
// checkpoints); Evaluate, Predict, Save and LoadModel do the rest.
//
// The package knows no chapter, terminal or notebook: the command-line tool
// (cmd/fashion) and the tutorial package (tutorial/) both call it.
package fashion
