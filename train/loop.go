package train

import (
	"context"
	"errors"
	"fmt"
)

// ErrStop, returned by an OnEpoch hook, ends Run after that epoch without an error: early
// stopping is such a hook.
var ErrStop = errors.New("stop training")

// Model is what Run trains: an adapter a model package writes around its model and data.
type Model[S Stats] interface {
	// Epoch returns the number of epochs completed.
	Epoch() int
	// TrainEpoch trains epoch Epoch()+1 and returns its statistics; on success Epoch() has
	// advanced by one. onBatch (never nil) is called with the updates done and their number.
	TrainEpoch(ctx context.Context, onBatch func(done, total int)) (S, error)
	// State returns the trained tensors (weights, biases, velocities, chains) by name.
	State() ([]Tensor, error)
	// Save writes the model into dir.
	Save(dir string) error
}

// Stats are the statistics of one epoch.
type Stats interface {
	// Scalars returns every number measured or used in the epoch by name, e.g.
	// "train/msre", "val/msre", "learning_rate".
	Scalars() map[string]float64
}

// A Tensor is one trained tensor of a model, by name, with its values in row-major order.
type Tensor struct {
	Name   string
	Shape  []int
	Values []float64
}

// Options configure Run.
type Options[S Stats] struct {
	// Epochs is the epoch Run trains to: it returns when the model has completed Epochs epochs.
	Epochs int
	// Dir, if not empty, is the model directory: the model is saved there after every epoch
	// that passed the divergence check.
	Dir string
	// BeforeSave are called in order after every epoch that passed the divergence check and
	// before the model is saved: what they write (a metrics history) is then never behind the
	// saved model, and a reader keeps only the epochs the model has.
	BeforeSave []func(S) error
	// OnBatch, if set, is called during an epoch with the epoch (1-based), the updates done
	// in it and their number, for progress bars.
	OnBatch func(epoch, done, total int)
	// OnEpoch are called in order after every saved epoch; the first error stops training and
	// is returned, except ErrStop, which stops it without an error.
	OnEpoch []func(S) error
}

// Run trains m from epoch m.Epoch()+1 to o.Epochs and returns the statistics of each epoch it
// completed; on an error it returns those completed before it. After each epoch it checks the
// epoch's statistics and m's state for non-finite values (see Diverged), saves m into o.Dir and
// calls o.OnEpoch. Cancelling ctx stops training where the model's TrainEpoch checks ctx.
func Run[S Stats](ctx context.Context, m Model[S], o Options[S]) ([]S, error) {
	var all []S
	for m.Epoch() < o.Epochs {
		epoch := m.Epoch() + 1
		onBatch := func(done, total int) {}
		if o.OnBatch != nil {
			onBatch = func(done, total int) { o.OnBatch(epoch, done, total) }
		}
		st, err := m.TrainEpoch(ctx, onBatch)
		if err != nil {
			return all, err
		}
		if err := Diverged(epoch, st, m); err != nil {
			return all, err
		}
		all = append(all, st)
		for _, f := range o.BeforeSave {
			if err := f(st); err != nil {
				return all, err
			}
		}
		if o.Dir != "" {
			if err := m.Save(o.Dir); err != nil {
				return all, fmt.Errorf("epoch %d: %w", epoch, err)
			}
		}
		for _, f := range o.OnEpoch {
			if err := f(st); errors.Is(err, ErrStop) {
				return all, nil
			} else if err != nil {
				return all, err
			}
		}
	}
	return all, nil
}
