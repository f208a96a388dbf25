package rbm

import (
	"context"
	"fmt"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/minibatch"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// trainRows is the number of recently trained rows the training metrics are measured on.
const trainRows = 500

// EpochStats are the measurements of one epoch, handed to FitOptions.OnEpoch.
type EpochStats struct {
	// Epoch is the epoch just completed (1-based) and Epochs the last one Fit will train.
	Epoch, Epochs int
	// Updates is the number of minibatch updates done since the model was created.
	Updates int64
	// Train holds the epoch means of the training metrics ("msre", "pll", "l2_loss"), measured
	// every Metrics.TrainEvery updates on the last 500 rows trained on, plus the hidden statistics
	// ("hidden_mean", "hidden_dead", "hidden_saturated") when Metrics.Hidden is set.
	Train map[string]float64
	// Val holds the validation metrics ("msre", "pll", "feg") computed this epoch, if any.
	Val map[string]float64
	// HiddenMeans is the mean of p(h|x) per hidden unit over up to 1000 training rows (with
	// Metrics.Hidden).
	HiddenMeans []float64
	// LearningRate, Momentum and CDSteps are the schedule values used this epoch.
	LearningRate, Momentum float64
	CDSteps                int
	// Elapsed is the wall time of the epoch.
	Elapsed time.Duration
}

// FitOptions are the optional hooks and outputs of Fit: OnEpoch after every epoch, OnBatch
// during one, Dir to save the model after every epoch. A nil *FitOptions is the zero value.
type FitOptions = train.FitOptions[EpochStats]

// Fit trains the model on the rows of x from epoch Epoch()+1 to Config().Epochs, computing
// validation metrics on val (which may be nil). It returns the statistics of each epoch it
// completed. Fit can be called again after SetEpochs to continue; a model saved after an
// epoch and loaded again continues exactly, bit for bit, as if it had never stopped.
//
// The rows of x are copied into the graph once; every minibatch is gathered there, so no data
// or weights cross between Go and TensorFlow per minibatch. Data whose values are a
// tfops.RowSource (a *dataset.HalfMatrix, or any Data wrapped by tfops.Stream) is streamed
// instead: each run's rows are copied out and fed, so the set is never held twice; the
// weights are the same, bit for bit. Cancelling ctx stops training after
// the current Session.Run. A non-finite metric or weight stops training with an error wrapping
// train.ErrDiverged that names the epoch; the model directory keeps the last finite epoch.
func (m *RBM) Fit(ctx context.Context, x, val Data, opts *FitOptions) ([]EpochStats, error) {
	c := m.cfg
	n, err := tfops.CheckFitData("rbm", x, val, c.NumVisible)
	if err != nil {
		return nil, err
	}
	if !tfops.Streamed(x) {
		if err := m.loadData(x, n); err != nil {
			return nil, err
		}
	}
	if c.Method.Persistent() && m.iter == 0 {
		if err := m.initChains(x, n); err != nil {
			return nil, err
		}
	}
	if c.Centering > 0 && m.iter == 0 {
		if err := m.initOffsets(x, n); err != nil {
			return nil, err
		}
	}
	onMetrics := train.MetricsHook(opts)
	trainEpoch := func(ctx context.Context, onBatch func(done, total int)) (EpochStats, error) {
		return m.fitEpoch(ctx, x, val, n, onBatch, onMetrics)
	}
	return train.FitEpochs(ctx, "rbm", m, trainEpoch, c.Epochs, opts)
}

// Scalars returns the epoch's metrics as "train/<name>" and "val/<name>", and its schedule
// values as "learning_rate", "momentum" and "cd_steps".
func (st EpochStats) Scalars() map[string]float64 {
	return train.Scalars(st.Train, st.Val, map[string]float64{"learning_rate": st.LearningRate, "momentum": st.Momentum, "cd_steps": float64(st.CDSteps)})
}

// initChains starts the persistent chains at the first BatchSize rows of the first epoch's
// order, and the training method's FromData variables at those rows, tiled.
func (m *RBM) initChains(x Data, n int) error {
	perm := train.Order(n, m.cfg.Seed, 1, m.cfg.FixedOrder)
	vars := []*tfops.Variable{m.vars.chain}
	var tensors []*tf.Tensor
	specs := m.cfg.Method.Variables(m.cfg)
	for i, v := range append([]*tfops.Variable{m.vars.chain}, m.vars.extra...) {
		if i > 0 {
			if !specs[i-1].FromData {
				continue
			}
			vars = append(vars, v)
		}
		rows := v.Size() / m.cfg.NumVisible
		idx := make([]int, rows)
		for r := range idx {
			idx[r] = perm[r%m.cfg.BatchSize%n]
		}
		t, err := gatherTensor(x, idx, m.cfg.DType)
		if err != nil {
			return err
		}
		if t, err = reshaped(t, v.Shape); err != nil {
			return err
		}
		tensors = append(tensors, t)
	}
	if err := tfops.InitVariables(m.sess, vars, tensors); err != nil {
		return nest.Within("rbm: init persistent chains", err)
	}
	return nil
}

// reshaped returns t with the given shape (same number of elements).
func reshaped(t *tf.Tensor, shape []int64) (*tf.Tensor, error) {
	if err := t.Reshape(shape); err != nil {
		return nil, nest.Within(fmt.Sprintf("rbm: reshape %v to %v", t.Shape(), shape), err)
	}
	return t, nil
}

// trainOpFor returns the training op for k Gibbs steps and the given number of updates per run,
// building it on first use.
func (m *RBM) trainOpFor(k, updates int) (*tf.Operation, error) {
	key := trainKey{k, updates}
	if o, ok := m.train[key]; ok {
		return o, nil
	}
	o := m.trainOp(k, updates)
	if err := m.scope.Err(); err != nil {
		return nil, nest.Within("rbm: build training graph", err)
	}
	m.train[key] = o
	return o, nil
}

func (m *RBM) fitEpoch(ctx context.Context, x, val Data, n int, onBatch func(done, total int), onMetrics func(int64, map[string]float64) error) (EpochStats, error) {
	c := m.cfg
	epoch := m.epoch + 1
	start := time.Now()
	st := EpochStats{
		Epoch: epoch, Epochs: c.Epochs,
		LearningRate: train.At(c.LearningRate, epoch), Momentum: train.At(c.Momentum, epoch), CDSteps: train.At(c.CDSteps, epoch),
		Train: map[string]float64{}, Val: map[string]float64{},
	}
	lr, mom, err := tfops.RateTensors(st.LearningRate, st.Momentum, c.DType)
	if err != nil {
		return st, err
	}
	perm := train.Order(n, c.Seed, epoch, c.FixedOrder)
	batches := dataset.Batches(perm, c.BatchSize)
	sums := map[string]float64{}
	count := 0
	done := 0
	err = minibatch.Each(ctx, batches, c.BatchSize, c.UpdatesPerRun, func(chunk [][]int, idxT *tf.Tensor) error {
		u := len(chunk)
		o, err := m.trainOpFor(st.CDSteps, u)
		if err != nil {
			return err
		}
		feeds := map[tf.Output]*tf.Tensor{m.idx: idxT, m.lr: lr, m.mom: mom}
		if tfops.Streamed(x) {
			if feeds[m.idx], feeds[m.rows], err = minibatch.Streamed(x, chunk, c.DType); err != nil {
				return err
			}
		}
		if _, err := m.sess.Run(feeds, nil, []*tf.Operation{o}); err != nil {
			return nest.Within(fmt.Sprintf("rbm: train epoch %d", epoch), err)
		}
		before := m.iter
		m.iter += int64(u)
		done += u
		if m.iter/int64(c.Metrics.TrainEvery) != before/int64(c.Metrics.TrainEvery) {
			// Measure on the (up to) trainRows rows just trained on: one minibatch is too few
			// for a stable estimate.
			end := min(done*c.BatchSize, n)
			vals, err := m.trainMetrics(x, perm[max(0, end-trainRows):end])
			if err != nil {
				return err
			}
			for k, v := range vals {
				sums[k] += v
			}
			count++
			if err := onMetrics(m.iter, vals); err != nil {
				return err
			}
		}
		onBatch(done, len(batches))
		return nil
	})
	if err != nil {
		return st, err
	}
	for k, v := range sums {
		st.Train[k] = v / float64(count)
	}
	if c.Metrics.Hidden {
		if err := m.hiddenStats(x, n, &st); err != nil {
			return st, err
		}
	}
	if val != nil {
		if err := m.valMetrics(x, val, n, epoch, &st); err != nil {
			return st, err
		}
	}
	m.epoch = epoch
	st.Updates = m.iter
	st.Elapsed = time.Since(start)
	return st, nil
}

// initOffsets starts the centering offsets at the data: the visible offset at the mean of the
// training rows (it stays there), the hidden one at the mean of E[h | x] over up to 1000 of
// them (it then follows the running average).
func (m *RBM) initOffsets(x Data, n int) error {
	c := m.cfg
	vis := tfops.ColumnMeans(x, n)
	t, err := rowsTensor(x, 0, min(n, evalBatch), c.DType)
	if err != nil {
		return err
	}
	feeds, err := m.evalFeeds(t, 0)
	if err != nil {
		return err
	}
	out, err := m.run(feeds, []tf.Output{m.evalGraph().hidMean}, nil)
	if err != nil {
		return err
	}
	hid := out[0] // probabilities; the mean of a multinomial unit is M times its probability
	if d := c.Hidden.Spec().Draws; d > 0 {
		for j := range hid {
			hid[j] *= float64(d)
		}
	}
	var tensors []*tf.Tensor
	for _, v := range [][]float64{vis, hid} {
		tt, err := tfops.TensorAs(v, c.DType, int64(len(v)))
		if err != nil {
			return nest.Within("rbm: centering offsets", err)
		}
		tensors = append(tensors, tt)
	}
	if err := tfops.InitVariables(m.sess, []*tfops.Variable{m.vars.offV, m.vars.offH}, tensors); err != nil {
		return nest.Within("rbm: centering offsets", err)
	}
	return nil
}
