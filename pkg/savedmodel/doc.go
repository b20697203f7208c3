// Package savedmodel saves and loads the models of pkg/fashion: a model
// directory (Save, Load) holding model.json and a GoMLX checkpoint of the
// variables, written atomically and checked on loading (the checksums of
// the weights, their sizes before they are read, finite values); and the
// checkpoints of a training run (Checkpoints, a fashion.Callback writing
// one saved model per epoch), from which a killed run resumes and ends
// where an uninterrupted one ends (LatestCheckpoint, ResumeTraining).
//
// It may import pkg/fashion, pkg/fashionmnist, GoMLX's model and
// checkpoint packages and the project's internal/atomicfile; it never
// blank-imports a backend: the caller passes one.
package savedmodel
