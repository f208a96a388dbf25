package dbm

import (
	"context"
	"fmt"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/minibatch"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// EpochStats are the measurements of one epoch.
type EpochStats struct {
	Epoch, Epochs int
	Updates       int64
	// Train holds "mf_sweeps", the mean number of mean-field sweeps per update, and, with
	// Metrics.MSRE, "msre" on the last minibatch of every Metrics.TrainEvery updates.
	Train map[string]float64
	// Val holds "msre" and "mf_sweeps" on the validation data, when measured.
	Val                    map[string]float64
	LearningRate, Momentum float64
	GibbsSteps             int
	Elapsed                time.Duration
}

// FitOptions are the optional hooks and outputs of Fit: OnEpoch after every epoch, OnBatch
// during one, Dir to save the model after every epoch. A nil *FitOptions is the zero value.
type FitOptions = train.FitOptions[EpochStats]

// Fit trains the DBM on the rows of x (joint training: PCD with a mean-field positive phase)
// from epoch Epoch()+1 to Config().Epochs, measuring on val (may be nil). A non-finite metric,
// weight or particle stops training with an error wrapping train.ErrDiverged that names the
// epoch; the model directory keeps the last finite epoch. The rows of x are copied into the
// graph once, or streamed run by run when x's values are a tfops.RowSource (as in package rbm:
// the same weights, bit for bit, without a second copy of the set).
func (m *DBM) Fit(ctx context.Context, x, val rbm.Data, opts *FitOptions) ([]EpochStats, error) {
	c := m.cfg
	n, err := tfops.CheckFitData("dbm", x, val, c.Sizes[0])
	if err != nil {
		return nil, err
	}
	if err := c.checkOriginalRows(n, val); err != nil {
		return nil, err
	}
	if c.Centering > 0 && m.iter == 0 {
		if err := m.initOffsets(x, n); err != nil {
			return nil, err
		}
	}
	if c.MeanFieldStart == MeanFieldRow {
		if tfops.Streamed(x) {
			return nil, fmt.Errorf("dbm: MeanFieldStart %s keeps a μ per training row: the rows must be in memory, not streamed: %w", MeanFieldRow, ErrShape)
		}
		if err := m.initRows(n); err != nil {
			return nil, err
		}
	}
	if !tfops.Streamed(x) {
		t, err := rowsTensor(x, 0, n, c.DType)
		if err != nil {
			return nil, err
		}
		if err := tfops.InitVariables(m.sess, []*tfops.Variable{m.vars.data}, []*tf.Tensor{t}); err != nil {
			return nil, nest.Within("dbm: load training data", err)
		}
	}
	onMetrics := train.MetricsHook(opts)
	trainEpoch := func(ctx context.Context, onBatch func(done, total int)) (EpochStats, error) {
		return m.fitEpoch(ctx, x, val, n, onBatch, onMetrics)
	}
	return train.FitEpochs(ctx, "dbm", m, trainEpoch, c.Epochs, opts)
}

// Scalars returns the epoch's metrics as "train/<name>" and "val/<name>", and its schedule
// values as "learning_rate", "momentum" and "gibbs_steps".
func (st EpochStats) Scalars() map[string]float64 {
	return train.Scalars(st.Train, st.Val, map[string]float64{"learning_rate": st.LearningRate, "momentum": st.Momentum, "gibbs_steps": float64(st.GibbsSteps)})
}

// SetEpochs sets the last epoch Fit trains to.
func (m *DBM) SetEpochs(n int) error {
	c := m.cfg
	c.Epochs = n
	return train.SetEpochs("dbm", n, c.Validate, &m.cfg.Epochs)
}

func (m *DBM) trainOpFor(k, updates int) (*tf.Operation, tf.Output, error) {
	key := [2]int{k, updates}
	if o, ok := m.train[key]; ok {
		return o, m.trainNMF[key], nil
	}
	o, nmf := m.trainOp(k, updates)
	if err := m.scope.Err(); err != nil {
		return nil, tf.Output{}, nest.Within("dbm: build training graph", err)
	}
	m.train[key], m.trainNMF[key] = o, nmf
	return o, nmf, nil
}

func (m *DBM) fitEpoch(ctx context.Context, x, val rbm.Data, n int, onBatch func(done, total int), onMetrics func(int64, map[string]float64) error) (EpochStats, error) {
	c := m.cfg
	epoch := m.epoch + 1
	start := time.Now()
	st := EpochStats{Epoch: epoch, Epochs: c.Epochs, LearningRate: train.At(c.LearningRate, epoch), Momentum: train.At(c.Momentum, epoch),
		GibbsSteps: train.At(c.GibbsSteps, epoch), Train: map[string]float64{}, Val: map[string]float64{}}
	lr, mom, err := tfops.RateTensors(st.LearningRate, st.Momentum, c.DType)
	if err != nil {
		return st, err
	}
	batches := dataset.Batches(train.Order(n, c.Seed, epoch, c.FixedOrder), c.BatchSize)
	var nmfSum, msreSum float64
	var nmfN, msreN int
	done := 0
	err = minibatch.Each(ctx, batches, c.BatchSize, c.UpdatesPerRun, func(chunk [][]int, idxT *tf.Tensor) error {
		u := len(chunk)
		o, nmf, err := m.trainOpFor(st.GibbsSteps, u)
		if err != nil {
			return err
		}
		feeds := map[tf.Output]*tf.Tensor{m.idx: idxT, m.lr: lr, m.mom: mom}
		if tfops.Streamed(x) {
			if feeds[m.idx], feeds[m.rows], err = minibatch.Streamed(x, chunk, c.DType); err != nil {
				return err
			}
		}
		if nmf.Op == nil { // the mean field in chunks, then the update
			sweeps, err := m.meanFieldChunks(feeds)
			if err != nil {
				return nest.Within(fmt.Sprintf("dbm: train epoch %d: mean field", epoch), err)
			}
			if _, err := m.run(feeds, nil, []*tf.Operation{o}); err != nil {
				return nest.Within(fmt.Sprintf("dbm: train epoch %d", epoch), err)
			}
			nmfSum += sweeps
		} else {
			out, err := m.run(feeds, []tf.Output{nmf}, []*tf.Operation{o})
			if err != nil {
				return nest.Within(fmt.Sprintf("dbm: train epoch %d", epoch), err)
			}
			nmfSum += out[0][0] * float64(u) // the run's mean over its u updates
		}
		nmfN += u
		before := m.iter
		m.iter += int64(u)
		done += u
		measure := m.iter/int64(c.Metrics.TrainEvery) != before/int64(c.Metrics.TrainEvery) // a TrainEvery boundary crossed
		if c.SideEffects && measure {
			means, err := m.meansOp()
			if err != nil {
				return err
			}
			if _, err := m.run(nil, nil, []*tf.Operation{means}); err != nil {
				return nest.Within(fmt.Sprintf("dbm: train epoch %d", epoch), err)
			}
		}
		if c.Metrics.MSRE && measure {
			last := chunk[len(chunk)-1]
			g, err := tfops.GatherTensor(x, last, c.DType)
			if err != nil {
				return err
			}
			e := m.evalGraph()
			r, err := m.run(map[tf.Output]*tf.Tensor{e.x: g}, []tf.Output{e.msre}, nil)
			if err != nil {
				return err
			}
			msreSum += r[0][0]
			msreN++
			if err := onMetrics(m.iter, map[string]float64{"msre": r[0][0]}); err != nil {
				return err
			}
		}
		onBatch(done, len(batches))
		return nil
	})
	if err != nil {
		return st, err
	}
	st.Train["mf_sweeps"] = nmfSum / float64(nmfN)
	if msreN > 0 {
		st.Train["msre"] = msreSum / float64(msreN)
	}
	if val != nil && epoch%c.Metrics.ValEvery == 0 && c.SideEffects {
		if st.Val["msre"], st.Val["mf_sweeps"], err = m.originalValidation(val, epoch, st.GibbsSteps); err != nil {
			return st, err
		}
	} else if val != nil && epoch%c.Metrics.ValEvery == 0 {
		e := m.evalGraph()
		nVal, _, _ := tfops.Dims(val)
		var sums [2]float64
		for i := 0; i < nVal; i += 1000 {
			end := min(i+1000, nVal)
			t, err := rowsTensor(val, i, end, c.DType)
			if err != nil {
				return st, err
			}
			r, err := m.run(map[tf.Output]*tf.Tensor{e.x: t}, []tf.Output{e.msre, e.nmf}, nil)
			if err != nil {
				return st, err
			}
			sums[0] += r[0][0] * float64(end-i)
			sums[1] += r[1][0] * float64(end-i)
		}
		st.Val["msre"], st.Val["mf_sweeps"] = sums[0]/float64(nVal), sums[1]/float64(nVal)
	}
	m.epoch = epoch
	st.Updates = m.iter
	st.Elapsed = time.Since(start)
	return st, nil
}

// initOffsets starts the centering offsets at the data: the visible layer's at the mean of the
// training rows (it stays there), the hidden layers' at the mean of their mean-field activities
// over up to 1000 rows (they then follow running averages).
func (m *DBM) initOffsets(x rbm.Data, n int) error {
	c := m.cfg
	k := min(n, 1000)
	t, err := rowsTensor(x, 0, k, tf.Double)
	if err != nil {
		return err
	}
	first := &dataset.Matrix[float64]{Rows: k, Cols: c.Sizes[0], Data: flatten(t.Value().([][]float64))}
	mf, err := m.MeanField(first)
	if err != nil {
		return err
	}
	vals := [][]float64{tfops.ColumnMeans(x, n)}
	for _, layer := range mf {
		vals = append(vals, tfops.ColumnMeans(layer, layer.Rows))
	}
	tensors := make([]*tf.Tensor, len(vals))
	for l, v := range vals {
		if tensors[l], err = tfops.TensorAs(v, c.DType, int64(len(v))); err != nil {
			return nest.Within("dbm: centering offsets", err)
		}
	}
	if err := tfops.InitVariables(m.sess, m.vars.offsets, tensors); err != nil {
		return nest.Within("dbm: centering offsets", err)
	}
	return nil
}

func flatten(rows [][]float64) []float64 {
	var out []float64
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}
