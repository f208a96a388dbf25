// Package train is the machinery every trainable model of the project shares: the epoch loop
// that saves a checkpoint after each epoch and resumes from it, per-epoch schedules, the
// configuration error type, and the detection of a run that has diverged.
//
// A model package (rbm, dbm, mlp) writes what is particular to it — the graph, one epoch of
// updates, its checkpoint — and hands an adapter satisfying Model to Run:
//
//	stats, err := train.Run(ctx, trainee, train.Options[EpochStats]{Epochs: c.Epochs, Dir: dir})
//
// Run trains epoch after epoch until the model has completed Options.Epochs; after each it
// checks that every statistic and every trained tensor is finite, saves the model, then calls
// the OnEpoch hooks (summaries, logs, progress). A non-finite value stops training with an
// error that wraps ErrDiverged, names the epoch and the value, and leaves the model directory
// holding the last finite epoch.
//
// Errors share one vocabulary: configuration problems are *ConfigError (errors.Is(err,
// ErrConfig)); divergence is ErrDiverged; shape and data problems are tfops.ErrShape and
// tfops.ErrData.
package train
