package train

import (
	"context"
	"errors"
	"fmt"
)

// FitOptions are the optional hooks and outputs of a model's Fit (rbm.FitOptions and
// dbm.FitOptions are this type). A nil *FitOptions is the zero value.
type FitOptions[S Stats] struct {
	// OnEpoch is called after every epoch (after the model is saved into Dir); an error stops
	// training and is returned by Fit, except ErrStop, which stops it without an error.
	OnEpoch func(S) error
	// OnBatch is called during an epoch with the epoch (1-based), the minibatch updates done in
	// it and their number, for progress bars.
	OnBatch func(epoch, done, total int)
	// Dir, if set, is the model directory: the model is saved there after every epoch.
	Dir string
	// BeforeSave, if set, is called after every epoch before the model is saved into Dir (see
	// Options.BeforeSave): for records that must not fall behind the saved model.
	BeforeSave func(S) error
	// OnMetrics, if set, is called whenever training metrics are measured during an epoch (every
	// Metrics.TrainEvery updates) with the number of updates so far and the values: the
	// original's train_metrics_every_iter, for curves finer than epochs. An error stops training.
	OnMetrics func(updates int64, metrics map[string]float64) error
}

// MetricsHook returns opts.OnMetrics, or a hook that does nothing for nil opts or hook.
func MetricsHook[S Stats](opts *FitOptions[S]) func(int64, map[string]float64) error {
	if opts == nil || opts.OnMetrics == nil {
		return func(int64, map[string]float64) error { return nil }
	}
	return opts.OnMetrics
}

// Fit is a model package's Fit after its data checks: it runs m to epochs with opts and names
// the package pkg in a divergence error.
func Fit[S Stats](ctx context.Context, pkg string, m Model[S], epochs int, opts *FitOptions[S]) ([]S, error) {
	if opts == nil {
		opts = &FitOptions[S]{}
	}
	o := Options[S]{Epochs: epochs, Dir: opts.Dir, OnBatch: opts.OnBatch}
	if opts.OnEpoch != nil {
		o.OnEpoch = []func(S) error{opts.OnEpoch}
	}
	if opts.BeforeSave != nil {
		o.BeforeSave = []func(S) error{opts.BeforeSave}
	}
	all, err := Run(ctx, m, o)
	if errors.Is(err, ErrDiverged) {
		err = fmt.Errorf("%s: fit: %w", pkg, err)
	}
	return all, err
}

// Saved is a model that counts its epochs, shows its trained tensors and saves itself: the
// part of Model that does not depend on the data.
type Saved interface {
	Epoch() int
	State() ([]Tensor, error)
	Save(dir string) error
}

// FitEpochs is Fit for a model m whose epoch of training, on data it closes over, is trainEpoch.
func FitEpochs[S Stats](ctx context.Context, pkg string, m Saved, trainEpoch func(ctx context.Context, onBatch func(done, total int)) (S, error), epochs int, opts *FitOptions[S]) ([]S, error) {
	return Fit[S](ctx, pkg, withEpoch[S]{m, trainEpoch}, epochs, opts)
}

type withEpoch[S Stats] struct {
	Saved
	train func(ctx context.Context, onBatch func(done, total int)) (S, error)
}

func (w withEpoch[S]) saved() Saved { return w.Saved }

func (w withEpoch[S]) TrainEpoch(ctx context.Context, onBatch func(done, total int)) (S, error) {
	return w.train(ctx, onBatch)
}

// Scalars merges an epoch's numbers for Stats.Scalars: the training metrics as
// "train/<name>", the validation metrics as "val/<name>" and the schedule values by name.
func Scalars(train, val, schedule map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(train)+len(val)+len(schedule))
	for k, v := range train {
		out["train/"+k] = v
	}
	for k, v := range val {
		out["val/"+k] = v
	}
	for k, v := range schedule {
		out[k] = v
	}
	return out
}

// SetEpochs sets *epochs to n, the new last epoch of a model's run, if n ≥ 1 and validate (the
// model's configuration with n epochs) accepts it.
func SetEpochs(pkg string, n int, validate func() error, epochs *int) error {
	if n < 1 {
		return Bad(pkg, "Epochs", "%d, want ≥ 1", n)
	}
	if err := validate(); err != nil {
		return err
	}
	*epochs = n
	return nil
}
