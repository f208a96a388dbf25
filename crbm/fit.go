package crbm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// EpochStats are the measurements of one epoch, handed to FitOptions.OnEpoch.
type EpochStats struct {
	// Epoch is the epoch just completed (1-based) and Epochs the last one Fit trains to.
	Epoch, Epochs int
	// Loss is the mean over the epoch's minibatches of −log p(y | x), each measured before its
	// update.
	Loss float64
	// ValLoss and ValError are the mean −log p(y | x) and the error rate on the validation
	// rows after the epoch; NaN without validation data.
	ValLoss, ValError float64
	// Best reports that ValError is the lowest so far (always true without validation data).
	Best bool
	// Elapsed is the wall time of the epoch.
	Elapsed time.Duration
}

// Scalars returns "train/nll" and, when measured, "val/nll" and "val/error".
func (st EpochStats) Scalars() map[string]float64 {
	out := map[string]float64{"train/nll": st.Loss}
	if !math.IsNaN(st.ValError) {
		out["val/nll"], out["val/error"] = st.ValLoss, st.ValError
	}
	return out
}

// FitOptions are the optional hooks and outputs of Fit. A nil *FitOptions is the zero value.
type FitOptions struct {
	// Patience stops training after that many epochs in a row without a lower validation
	// error (early stopping); 0 trains to Config.Epochs. It needs validation data.
	Patience int
	// Dir, if set, is a model directory: the model is saved there after every epoch with the
	// lowest validation error so far (every epoch without validation data), so a run that is
	// killed leaves its best model.
	Dir string
	// OnEpoch is called after every epoch; an error stops training and is returned by Fit,
	// except train.ErrStop, which stops it without an error.
	OnEpoch func(EpochStats) error
	// OnBatch is called during an epoch with the epoch (1-based), the minibatch updates done
	// in it and their number, for progress bars.
	OnBatch func(epoch, done, total int)
}

// Fit trains the model on the rows of x with labels y (in [0, Classes)) from epoch Epoch()+1
// to Config().Epochs, in the mode of Config.Mode, visiting the rows in a new order seeded by
// Config.Seed every epoch. With validation rows valX and labels valY it measures the
// validation error after every epoch and, at the end, sets the parameters of the epoch with
// the lowest one (the papers' model selection by early stopping); valX may be nil. It returns
// the statistics of each epoch completed. Cancelling ctx stops training after the current
// minibatch; the best parameters are set and the context's error returned.
func (m *CRBM) Fit(ctx context.Context, x Data, y []int, valX Data, valY []int, opts *FitOptions) ([]EpochStats, error) {
	if opts == nil {
		opts = &FitOptions{}
	}
	c := m.cfg
	n, err := tfops.CheckData("crbm: fit: training data", x, c.NumVisible)
	if err != nil {
		return nil, err
	}
	if err := checkLabels(y, n, c.Classes); err != nil {
		return nil, fmt.Errorf("crbm: fit: training labels: %w", err)
	}
	if valX != nil {
		nv, err := tfops.CheckData("crbm: fit: validation data", valX, c.NumVisible)
		if err != nil {
			return nil, err
		}
		if err := checkLabels(valY, nv, c.Classes); err != nil {
			return nil, fmt.Errorf("crbm: fit: validation labels: %w", err)
		}
	} else if opts.Patience > 0 {
		return nil, cfgErr("Patience", "early stopping watches the validation error and needs validation data")
	}
	if opts.Patience < 0 {
		return nil, cfgErr("Patience", "%d, want ≥ 0", opts.Patience)
	}
	if err := m.setData(x, y); err != nil {
		return nil, err
	}
	defer m.setData(nil, nil) // free the copy of the data in the session

	t := &trainee{m: m, n: n, valX: valX, valY: valY, best: math.Inf(1)}
	o := train.Options[EpochStats]{Epochs: c.Epochs, OnBatch: opts.OnBatch}
	o.BeforeSave = append(o.BeforeSave, func(st EpochStats) error {
		if opts.Dir != "" && st.Best {
			return m.Save(opts.Dir)
		}
		return nil
	})
	if opts.OnEpoch != nil {
		o.OnEpoch = append(o.OnEpoch, opts.OnEpoch)
	}
	o.OnEpoch = append(o.OnEpoch, func(st EpochStats) error {
		if opts.Patience > 0 && st.Epoch-t.bestEpoch >= opts.Patience {
			return train.ErrStop
		}
		return nil
	})
	hist, err := train.Run[EpochStats](ctx, t, o)
	if errors.Is(err, train.ErrDiverged) {
		err = fmt.Errorf("crbm: fit: %w", err)
	}
	if t.bestParams != nil {
		if e := m.SetParams(*t.bestParams); e != nil && err == nil {
			err = e
		}
	}
	return hist, err
}

// trainee is the model and its data as train.Run sees them.
type trainee struct {
	m          *CRBM
	n          int
	valX       Data
	valY       []int
	best       float64 // lowest validation error so far
	bestEpoch  int
	bestParams *Params // the parameters of bestEpoch (with validation data)
}

func (t *trainee) Epoch() int { return t.m.epoch }

// Save does nothing: Fit saves the best epochs itself (FitOptions.Dir).
func (t *trainee) Save(string) error { return nil }

func (t *trainee) State() ([]train.Tensor, error) {
	p, err := t.m.Params()
	if err != nil {
		return nil, err
	}
	var out []train.Tensor
	for i, v := range [][]float64{p.W, p.U, p.B, p.C, p.D} {
		out = append(out, train.Tensor{Name: "weights/" + []string{"W", "U", "b", "c", "d"}[i], Shape: []int{len(v)}, Values: v})
	}
	return out, nil
}

func (t *trainee) TrainEpoch(ctx context.Context, onBatch func(done, total int)) (EpochStats, error) {
	m, c := t.m, t.m.cfg
	start := time.Now()
	epoch := m.epoch + 1
	lr, mom, err := tfops.RateTensors(c.LearningRate, c.Momentum, c.DType)
	if err != nil {
		return EpochStats{}, fmt.Errorf("crbm: %w", err)
	}
	batches := dataset.Batches(train.Order(t.n, c.Seed, epoch, false), c.BatchSize)
	var lossSum float64
	for bi, b := range batches {
		if err := ctx.Err(); err != nil {
			return EpochStats{}, err
		}
		idx := make([]int32, len(b))
		for i, r := range b {
			idx[i] = int32(r)
		}
		it, err := tf.NewTensor(idx)
		if err != nil {
			return EpochStats{}, fmt.Errorf("crbm: %w", err)
		}
		out, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.idx: it, m.lr: lr, m.mom: mom}, []tf.Output{m.batchLoss}, []*tf.Operation{m.trainOp})
		if err != nil {
			return EpochStats{}, fmt.Errorf("crbm: train epoch %d: %w", epoch, err)
		}
		m.iter++
		l, err := tfops.Values[float64](out[0])
		if err != nil {
			return EpochStats{}, fmt.Errorf("crbm: %w", err)
		}
		if !finite(l[0]) {
			return EpochStats{}, fmt.Errorf("crbm: fit: %w at epoch %d minibatch %d: −log p(y|x) is %g (the learning rate %g is likely too large)", train.ErrDiverged, epoch, bi+1, l[0], c.LearningRate)
		}
		lossSum += l[0] * float64(len(b))
		onBatch(bi+1, len(batches))
	}
	m.epoch = epoch
	st := EpochStats{Epoch: epoch, Epochs: c.Epochs, Loss: lossSum / float64(t.n), ValLoss: math.NaN(), ValError: math.NaN(), Best: true}
	if t.valX != nil {
		if st.ValLoss, st.ValError, err = m.Evaluate(t.valX, t.valY); err != nil {
			return st, err
		}
		st.Best = st.ValError < t.best
		if st.Best {
			t.best, t.bestEpoch = st.ValError, epoch
			p, err := m.Params()
			if err != nil {
				return st, err
			}
			t.bestParams = &p
		}
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

// setData copies x and y into the session's data variables (nil empties them).
func (m *CRBM) setData(x Data, y []int) error {
	var xt *tf.Tensor
	var err error
	if x == nil {
		xt, err = tfops.TensorAs([]float64{}, m.cfg.DType, 0, int64(m.cfg.NumVisible))
	} else {
		n, _, _ := tfops.Dims(x)
		xt, err = tfops.RowsTensor(x, 0, n, m.cfg.DType)
	}
	if err != nil {
		return fmt.Errorf("crbm: training data: %w", err)
	}
	yt, err := labelTensor(y)
	if err != nil {
		return fmt.Errorf("crbm: training labels: %w", err)
	}
	if err := tfops.InitVariables(m.sess, []*tfops.Variable{m.vars.dataX, m.vars.dataY}, []*tf.Tensor{xt, yt}); err != nil {
		return fmt.Errorf("crbm: copy training data: %w", err)
	}
	return nil
}
