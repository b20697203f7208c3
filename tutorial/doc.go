// Package tutorial is what the chapter notebooks call, step by step: one
// small function per thing a chapter shows, in the order of the article "In-depth
// Machine Learning Image Classification with TensorFlow 2.0", redone in Go.
//
// It holds no model or data logic of its own: each function composes
// pkg/fashion (data, model, training), pkg/figures (pictures) and GoNB's
// display functions, so a learner can read it and see the real calls
// underneath.
//
// Every notebook cell runs as a new program (that is how GoNB works), so
// what must outlive a cell is kept on disk: the data set is read again (it
// takes a second), and the trained model is saved under ModelDir, which the
// later chapters load.
//
// Functions print what went wrong in one line and end the cell (exit
// status 1) instead of returning errors, so that notebook code stays short;
// the Check functions of the exercises print whether an answer is right.
//
// Setting FASHION_QUICK=1 makes training chapters train briefly (see
// QuickEnv): CI uses it to run every notebook in minutes. Learners get the
// article's full recipe by default.
package tutorial
