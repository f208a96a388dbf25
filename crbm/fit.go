package crbm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/nest"
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
	// BestValError, if set, is the validation error to beat: that of a loaded model continuing
	// a run, so that only better epochs replace it in Dir; if none does, Fit ends with the
	// parameters it started with.
	BestValError *float64
	// Dir, if set, is a model directory: the model is saved there after every epoch with the
	// lowest validation error so far (every epoch without validation data), so a run that is
	// killed leaves its best model.
	Dir string
	// OnEpoch is called after every epoch; an error stops training and is returned by Fit,
	// except train.ErrStop, which stops it without an error.
	OnEpoch func(EpochStats) error
	// Unlabeled, if set, are rows without labels for semi-supervised training (Larochelle &
	// Bengio 2008, §4): every update then adds Config.Beta times the CD-k estimate of the
	// gradient of log p(x) on a minibatch of them to the update of the mode, and an epoch is
	// as many updates as the larger of the two sets needs, the smaller one cycled through.
	Unlabeled Data
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
		return nil, nest.Within("crbm: fit: training labels", err)
	}
	if valX != nil {
		nv, err := tfops.CheckData("crbm: fit: validation data", valX, c.NumVisible)
		if err != nil {
			return nil, err
		}
		if err := checkLabels(valY, nv, c.Classes); err != nil {
			return nil, nest.Within("crbm: fit: validation labels", err)
		}
	} else if opts.Patience > 0 {
		return nil, cfgErr("Patience", "early stopping watches the validation error and needs validation data")
	}
	nU := 0
	if opts.Unlabeled != nil {
		if nU, err = tfops.CheckData("crbm: fit: unlabeled data", opts.Unlabeled, c.NumVisible); err != nil {
			return nil, err
		}
	}
	if opts.Patience < 0 {
		return nil, cfgErr("Patience", "%d, want ≥ 0", opts.Patience)
	}
	if err := m.setData(x, y, opts.Unlabeled); err != nil {
		return nil, err
	}
	defer m.setData(nil, nil, nil) // free the copy of the data in the session

	t := &trainee{m: m, n: n, nU: nU, valX: valX, valY: valY, best: math.Inf(1), bestEpoch: m.epoch}
	if opts.BestValError != nil {
		// The starting parameters are the best so far until an epoch beats them.
		t.best = *opts.BestValError
		p, err := m.Params()
		if err != nil {
			return nil, err
		}
		t.bestParams = &p
	}
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
		err = nest.Within("crbm: fit", err)
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
	n, nU      int // labeled and unlabeled rows
	valX       Data
	valY       []int
	best       float64 // lowest validation error so far
	bestEpoch  int
	bestParams *Params // the parameters of bestEpoch (with validation data)
}

func (t *trainee) Epoch() int { return t.m.epoch }

// Save does nothing: Fit saves the best epochs itself (FitOptions.Dir).
func (t *trainee) Save(string) error { return nil }

func (t *trainee) State() ([]train.Tensor, error) { return t.m.State() }

func (t *trainee) TrainEpoch(ctx context.Context, onBatch func(done, total int)) (EpochStats, error) {
	m, c := t.m, t.m.cfg
	start := time.Now()
	epoch := m.epoch + 1
	lr, mom, err := tfops.RateTensors(c.LearningRate, c.Momentum, c.DType)
	if err != nil {
		return EpochStats{}, nest.Within("crbm: ", err)
	}
	batches, unl := t.batches(epoch)
	var lossSum float64
	rows := 0
	for bi, b := range batches {
		if err := ctx.Err(); err != nil {
			return EpochStats{}, err
		}
		it, err := indexTensor(b)
		if err != nil {
			return EpochStats{}, err
		}
		feeds := map[tf.Output]*tf.Tensor{m.idx: it, m.lr: lr, m.mom: mom}
		fetch, target := m.batchLoss, m.trainOp
		if unl != nil {
			if feeds[m.idxU], err = indexTensor(unl[bi]); err != nil {
				return EpochStats{}, err
			}
			fetch, target = m.semiLoss, m.trainSemi
		}
		out, err := m.sess.Run(feeds, []tf.Output{fetch}, []*tf.Operation{target})
		if err != nil {
			return EpochStats{}, nest.Within(fmt.Sprintf("crbm: train epoch %d", epoch), err)
		}
		m.iter++
		l, err := tfops.Values[float64](out[0])
		if err != nil {
			return EpochStats{}, nest.Within("crbm: ", err)
		}
		if !finite(l[0]) {
			return EpochStats{}, fmt.Errorf("crbm: fit: %w at epoch %d minibatch %d: −log p(y|x) is %g (the learning rate %g is likely too large)", train.ErrDiverged, epoch, bi+1, l[0], c.LearningRate)
		}
		lossSum += l[0] * float64(len(b))
		rows += len(b)
		onBatch(bi+1, len(batches))
	}
	m.epoch = epoch
	st := EpochStats{Epoch: epoch, Epochs: c.Epochs, Loss: lossSum / float64(rows), ValLoss: math.NaN(), ValError: math.NaN(), Best: true}
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

// batches returns the minibatches of an epoch: the labeled rows in an order seeded by the
// epoch, and nil without unlabeled rows; with them, as many full minibatches of each as the
// larger set needs, each set cycled through its own seeded order.
func (t *trainee) batches(epoch int) (lab, unl [][]int) {
	c := t.m.cfg
	perm := train.Order(t.n, c.Seed, epoch, false)
	if t.nU == 0 {
		return dataset.Batches(perm, c.BatchSize), nil
	}
	permU := train.Order(t.nU, tfops.Key(c.Seed, unlabeledRoles), epoch, false)
	nb := (max(t.n, t.nU) + c.BatchSize - 1) / c.BatchSize
	lab, unl = make([][]int, nb), make([][]int, nb)
	for i := range lab {
		lab[i], unl[i] = make([]int, c.BatchSize), make([]int, c.BatchSize)
		for j := range lab[i] {
			k := i*c.BatchSize + j
			lab[i][j], unl[i][j] = perm[k%t.n], permU[k%t.nU]
		}
	}
	return lab, unl
}

func indexTensor(rows []int) (*tf.Tensor, error) {
	idx := make([]int32, len(rows))
	for i, r := range rows {
		idx[i] = int32(r)
	}
	t, err := tf.NewTensor(idx)
	if err != nil {
		return nil, nest.Within("crbm: ", err)
	}
	return t, nil
}

// setData copies x and y, and the unlabeled rows u, into the session's data variables (nil
// empties them).
func (m *CRBM) setData(x Data, y []int, u Data) error {
	rowsOf := func(d Data) (*tf.Tensor, error) {
		if d == nil {
			return tfops.TensorAs([]float64{}, m.cfg.DType, 0, int64(m.cfg.NumVisible))
		}
		n, _, _ := tfops.Dims(d)
		return tfops.RowsTensor(d, 0, n, m.cfg.DType)
	}
	xt, err := rowsOf(x)
	if err != nil {
		return nest.Within("crbm: training data", err)
	}
	ut, err := rowsOf(u)
	if err != nil {
		return nest.Within("crbm: unlabeled data", err)
	}
	yt, err := labelTensor(y)
	if err != nil {
		return nest.Within("crbm: training labels", err)
	}
	if err := tfops.InitVariables(m.sess, []*tfops.Variable{m.vars.dataX, m.vars.dataY, m.vars.dataU}, []*tf.Tensor{xt, yt, ut}); err != nil {
		return nest.Within("crbm: copy training data", err)
	}
	return nil
}
