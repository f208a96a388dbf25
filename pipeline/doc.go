// Package pipeline holds the stages the original's programs are made of, as a Go API: labeled
// data split as the original splits it, training an RBM into a run folder (resumed when run
// again, with its history, TensorBoard logs and pictures), greedy pretraining of a DBM's RBMs,
// features of a trained model, and discriminative fine-tuning of an MLP started from a
// pretrained model, with its predictions and SavedModel.
//
// Each stage takes a settings struct whose zero value is the documented default and reports
// through a Hooks value: log lines, per-batch and per-epoch progress, the model folders it
// writes. A stage never logs or prints by itself: with the zero Hooks it is silent. Errors in a
// setting are *FieldError values naming the settings field, so that a command can name the
// flag that set it.
//
// cmd/bm maps its flags onto these settings and implements the hooks with progress bars; a Go
// program calls the same stages and gets the same models, bit for bit.
package pipeline
