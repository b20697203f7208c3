// Package fashion is the model and its training: the article's multilayer
// perceptron that classifies Fashion-MNIST, and the Keras-like calls that
// train, evaluate and use any model of the same kind.
//
// It is written the way GoMLX's examples write it: a model is a model
// function (ModelFn) from images to logits, built from GoMLX layers
// (ArticleMLP, the article's network, uses Dense and activation.Relu); New
// creates its variables; Fit trains any model function the way GoMLX's
// train.Trainer does (the recipe's loss and whatever the model adds with
// train.AddRegularizationLoss, GoMLX's automatic differentiation, any GoMLX
// optimizer.Interface: SGD, Keras' Nesterov SGD with time-based decay, is
// the article's), many steps per call to the backend, with Keras-like
// callbacks (EarlyStopping, progress, TensorBoard logs); Evaluate and
// Predict do the rest. Tensors and Batches hand a fashionmnist.Split to
// GoMLX's own machinery (graphs of your own, train.Trainer).
// RegisterModelFn names a model function, so that a saved model records
// which one it needs.
//
// The extension points are the interfaces: ModelFn (a model), GoMLX's
// optimizer.Interface (Recipe.Optimizer), Callback (and TrainBeginner,
// StepObserver, TrainEnder), Recipe.Loss.
//
// It may import pkg/fashionmnist (the data), GoMLX, pkg/tensorboard and the
// project's internal/progress. It never blank-imports a backend: New takes
// the one the program chose. Saving and loading are in pkg/savedmodel,
// which imports this package; the backend choice of the project's programs
// is internal/backend. The package knows no chapter, terminal or notebook:
// the command-line tool (cmd/fashion) and the tutorial package (tutorial/)
// both call it.
package fashion
