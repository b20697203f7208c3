// Package tutorial holds what the chapter notebooks need besides the lesson
// itself: figures, tables and other displays, the checks of the exercises,
// and the data, in the order of the article "In-depth Machine Learning Image
// Classification with TensorFlow 2.0", redone in Go.
//
// The lesson is in the notebooks: from chapter 7 on, their cells hold the
// GoMLX code, most of it the learner's own (the model function, the loss,
// the optimizer's update rule, the training step and loop, a
// cross-correlation), and call pkg/fashion (Fit, Evaluate, Predict),
// pkg/fashionmnist (the data), pkg/savedmodel (Save, Load) and GoMLX's
// train.Trainer directly. This package composes those packages,
// pkg/figures (pictures) and GoNB's display functions; its own
// machine-learning code is small: RuleOptimizer (the learner's
// update rule of chapter 8 as a GoMLX optimizer), HandGradients (backpropagation
// written out by hand, to compare with graph.Gradient), and answers.go,
// the answers to the exercises written in Go, which Solution prints, the
// tests check, and chapter 8's trainer runs in place of a learner's piece
// that does not pass its check yet. Like cmd/fashion, and unlike the
// library packages, it chooses the backend the notebooks run on
// (internal/backend: XLA where its plugin is found, else pure Go).
//
// Every notebook cell runs as a new program (that is how GoNB works), so
// what must outlive a cell is kept on disk: the data set is read again (it
// takes a second), and the trained model is saved under ModelDir, which the
// later chapters load (TrainedModel).
//
// Functions print what went wrong in one line and end the cell (exit
// status 1) instead of returning errors, so that notebook code stays short
// (Must and NoError do the same for calls into pkg/fashion). The Check...
// functions of the exercises print whether an answer is right; when it is
// not, what is wrong with it (which value, shape or case; the usual
// mistakes are recognised by name) without the answer, and how to get a
// hint. Those that take the learner's code run it and compare it with a
// computation made another way: GoMLX's own loss, layers and trainer,
// fashion.SGD, m.Fit, a forward pass written in Go. Hint gives graded
// hints one at a time, Solution an answer (exercise.go, hints.go).
//
// A few cells are interactive, and each returns at once. BrowseTestSet and
// DrawGarment (chapters 10 and 13) live in the page: the cell writes, beside
// the notebook, its own code compiled to WebAssembly and the model's
// weights (pagefiles.go), and the page runs the model (widgets_js.go,
// page_js.go, page.js), without the kernel. ExploreLearningRate (chapter 8)
// computes every rate's figure in the cell and lets the page switch between
// them. Only the Stop button of LiveCurves talks with the cell's running
// program, through GoNB's comms (page.go). Without a live page (nbconvert,
// FASHION_NO_PAGE=1) each shows a still picture. docs/widgets.md has the
// design and its measurements.
//
// Setting FASHION_QUICK=1 makes training chapters train briefly (see
// QuickEnv): CI uses it to run every notebook in minutes. Learners get the
// article's full recipe by default.
package tutorial
