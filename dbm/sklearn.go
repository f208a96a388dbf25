package dbm

import (
	"context"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/minibatch"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// The verbs of scikit-learn's estimators, as on rbm.RBM: Fit, PartialFit, Transform,
// FitTransform and ScoreSamples.

// FitTransform is Fit followed by Transform of the same rows: the top layer's mean-field
// posterior of the training data after training.
func (m *DBM) FitTransform(ctx context.Context, x, val rbm.Data, opts *FitOptions) (*dataset.Matrix[float64], error) {
	if _, err := m.Fit(ctx, x, val, opts); err != nil {
		return nil, err
	}
	return m.Transform(x)
}

// PartialFit trains on one more chunk of a stream: updates (mean field for the data term, the
// persistent particles for the model term) over the rows of x in order, BatchSize at a time, at
// the schedules' values of epoch Epoch()+1. Updates() advances, Epoch() does not. The particles
// are wherever they are (SetParticles, an earlier Fit or PartialFit); centering offsets start at
// the first chunk. Rows are fed as they come, never copied into the graph.
func (m *DBM) PartialFit(ctx context.Context, x rbm.Data) error {
	c := m.cfg
	n, err := tfops.CheckData("dbm: partial fit data", x, c.Sizes[0])
	if err != nil {
		return err
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
	k := train.At(c.GibbsSteps, epoch)
	return minibatch.Each(ctx, minibatch.Sequential(n, c.BatchSize), c.BatchSize, c.UpdatesPerRun, func(chunk [][]int, _ *tf.Tensor) error {
		o, nmf, err := m.trainOpFor(k, len(chunk))
		if err != nil {
			return err
		}
		feeds := map[tf.Output]*tf.Tensor{m.lr: lr, m.mom: mom}
		if feeds[m.idx], feeds[m.rows], err = minibatch.Streamed(x, chunk, c.DType); err != nil {
			return err
		}
		if nmf.Op == nil { // the mean field in chunks first, as Fit runs it
			if _, err := m.meanFieldChunks(feeds); err != nil {
				return nest.Within("dbm: partial fit: mean field", err)
			}
		}
		if _, err := m.run(feeds, nil, []*tf.Operation{o}); err != nil {
			return nest.Within("dbm: partial fit", err)
		}
		m.iter += int64(len(chunk))
		return nil
	})
}

// ScoreSamples returns, for each row of x, the variational lower bound on log p(x) + log Z (the
// mean-field bound without the partition function; LowerBound with an estimate of log Z gives
// the bound on log p(x)). Bernoulli hidden layers only, as LowerBound.
func (m *DBM) ScoreSamples(x rbm.Data) ([]float64, error) {
	return m.LowerBound(x, 0)
}
