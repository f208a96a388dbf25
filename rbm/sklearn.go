package rbm

import (
	"context"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/minibatch"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// The verbs of scikit-learn's estimators, which the original promised ("sklearn-like
// interface"): Fit, PartialFit, Transform, FitTransform and ScoreSamples.

// FitTransform is Fit followed by Transform of the same rows: the hidden features of the
// training data after training.
func (m *RBM) FitTransform(ctx context.Context, x, val Data, opts *FitOptions) (*dataset.Matrix[float64], error) {
	if _, err := m.Fit(ctx, x, val, opts); err != nil {
		return nil, err
	}
	return m.Transform(x)
}

// PartialFit trains on one more chunk of a stream of data: minibatch updates over the rows of x
// in order, BatchSize at a time (a shorter last minibatch included), with the learning rate,
// momentum and Gibbs steps of the schedules at epoch Epoch()+1. Updates() advances; Epoch() does
// not, so that a caller with a stream decides what an epoch is (SetEpochs, Fit). Persistent
// chains and centering offsets start at the first chunk. The rows are fed as they come, never
// copied into the graph; calling PartialFit on consecutive chunks whose sizes are multiples of
// BatchSize gives the weights of one call on all of them, bit for bit.
func (m *RBM) PartialFit(ctx context.Context, x Data) error {
	c := m.cfg
	n, err := checkData("partial fit data", x, c.NumVisible)
	if err != nil {
		return err
	}
	if c.Method.Persistent() && m.iter == 0 {
		if err := m.initChains(x, n); err != nil {
			return err
		}
	}
	if c.Centering > 0 && m.iter == 0 {
		if err := m.initOffsets(x, n); err != nil {
			return err
		}
	}
	epoch := m.epoch + 1
	lr, mom, err := tfops.RateTensors(train.At(c.LearningRate, epoch), train.At(c.Momentum, epoch), c.DType)
	if err != nil {
		return err
	}
	k := train.At(c.CDSteps, epoch)
	return minibatch.Each(ctx, minibatch.Sequential(n, c.BatchSize), c.BatchSize, c.UpdatesPerRun, func(chunk [][]int, _ *tf.Tensor) error {
		o, err := m.trainOpFor(k, len(chunk))
		if err != nil {
			return err
		}
		feeds := map[tf.Output]*tf.Tensor{m.lr: lr, m.mom: mom}
		if feeds[m.idx], feeds[m.rows], err = minibatch.Streamed(x, chunk, c.DType); err != nil {
			return err
		}
		if _, err := m.sess.Run(feeds, nil, []*tf.Operation{o}); err != nil {
			return nest.Within("rbm: partial fit", err)
		}
		m.iter += int64(len(chunk))
		return nil
	})
}

// ScoreSamples returns, for each row of x, −F(x): the log-probability the model gives it up to
// the constant log Z (log p(x) = −F(x) − log Z; ExactLogZ or AISLogZ give log Z). Higher is more
// probable; rows compare directly under one model.
func (m *RBM) ScoreSamples(x Data) ([]float64, error) {
	f, err := m.FreeEnergy(x)
	if err != nil {
		return nil, err
	}
	for i := range f {
		f[i] = -f[i]
	}
	return f, nil
}
