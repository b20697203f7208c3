// Package fashion is the model and its training: the article's multilayer
// perceptron that classifies Fashion-MNIST, and the Keras-like calls that
// train, evaluate and use any model of the same kind.
//
// It is written the way GoMLX's examples write it: a model is a model
// function (ModelFn) from images to logits, built from GoMLX layers
// (ArticleMLP, the article's network, uses Dense and activation.Relu); New
// creates its variables, Fit trains any model function with GoMLX's loss,
// automatic differentiation (graph.Gradient) and an optimizer.Interface
// (SGD, Keras' Nesterov SGD with time-based decay), with Keras-like
// callbacks (early stopping, progress, TensorBoard logs); Evaluate and
// Predict do the rest. Tensors and Batches hand a fashionmnist.Split to
// GoMLX's own machinery (graphs of your own, train.Trainer).
//
// It may import pkg/fashionmnist (the data), GoMLX, pkg/tensorboard and the
// project's internal/progress. It never blank-imports a backend: New takes
// the one the program chose. Saving and loading are in pkg/savedmodel,
// which imports this package; the backend choice of the project's programs
// is internal/backend. The package knows no chapter, terminal or notebook:
// the command-line tool (cmd/fashion) and the tutorial package (tutorial/)
// both call it.
package fashion
