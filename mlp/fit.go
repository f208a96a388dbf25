package mlp

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

// EpochStats are the metrics of one training epoch, with Keras' names in comments.
type EpochStats struct {
	Epoch, Epochs int
	// Loss and Acc are the means over the epoch's minibatches (loss, acc), the loss with the L2
	// penalty, as Keras reports them.
	Loss, Acc float64
	// ValLoss and ValAcc are measured on the validation rows after the epoch (val_loss,
	// val_acc); NaN without validation data.
	ValLoss, ValAcc float64
	// LR is the learning rate the epoch trained with.
	LR float64
	// Best reports that the monitored metric reached its best value so far at this epoch.
	Best     bool
	Duration time.Duration
}

// FitOptions configure Fit. A nil *FitOptions trains for Config.Epochs without callbacks.
type FitOptions struct {
	// Monitor is the metric that early stopping, plateau reduction and RestoreBest watch:
	// ValAcc (the default) or ValLoss. It needs validation data.
	Monitor string
	// EarlyStopping, when not nil, stops training as Keras' EarlyStopping.
	EarlyStopping *EarlyStopping
	// Plateau, when not nil, lowers the learning rate as Keras' ReduceLROnPlateau.
	Plateau *Plateau
	// RestoreBest sets the weights of the epoch with the best monitored value at the end of
	// training (and when it is interrupted). The original (Keras 2.0.8) keeps the last epoch's
	// weights, which is what false does.
	RestoreBest bool
	// AverageFrom, when > 0, ends training with the mean of the weights after every epoch from
	// AverageFrom on (stochastic weight averaging, Izmailov et al. 2018; Polyak averaging by
	// epochs), in place of the last or the best epoch's; RestoreBest is then not used. Not with
	// batch normalization (its moving statistics belong to one set of weights).
	AverageFrom int
	// OnBatch is called after every minibatch with the epoch (1-based), the batches done in it
	// and their number; OnEpoch after every epoch. An error from OnEpoch stops training and is
	// returned.
	OnBatch func(epoch, done, total int)
	OnEpoch func(EpochStats) error
}

// Fit trains the network on the rows of x with labels y (in [0, classes)), validating on
// valX/valY after every epoch when they are given, for the epochs of Config.Epochs not yet done.
// Cancelling ctx stops training after the current minibatch; Fit then restores the best weights
// (with RestoreBest) and returns the epochs completed with the context's error, so a caller can
// still evaluate and save the model. The rows of x are copied into the graph for the fit, or,
// when x's values are a tfops.RowSource (a *dataset.HalfMatrix, tfops.Stream), fed minibatch by
// minibatch: the same weights without a second copy of a large training set.
func (m *MLP) Fit(ctx context.Context, x Data, y []int, valX Data, valY []int, opts *FitOptions) ([]EpochStats, error) {
	if opts == nil {
		opts = &FitOptions{}
	}
	c := m.cfg
	n, err := tfops.CheckData("mlp: fit: training data", x, c.Inputs)
	if err != nil {
		return nil, err
	}
	if err := checkLabels(y, n, c.Classes()); err != nil {
		return nil, nest.Within("mlp: fit: training labels", err)
	}
	monitor := opts.Monitor
	if monitor == "" {
		monitor = ValAcc
	}
	if err := checkMonitor(monitor); err != nil {
		return nil, err
	}
	hasVal := valX != nil
	if hasVal {
		nv, err := tfops.CheckData("mlp: fit: validation data", valX, c.Inputs)
		if err != nil {
			return nil, err
		}
		if err := checkLabels(valY, nv, c.Classes()); err != nil {
			return nil, nest.Within("mlp: fit: validation labels", err)
		}
	} else if opts.EarlyStopping != nil || opts.Plateau != nil || opts.RestoreBest {
		return nil, cfgErr("Monitor", "early stopping, plateau reduction and RestoreBest watch %s and need validation data", monitor)
	}
	if opts.AverageFrom < 0 {
		return nil, fmt.Errorf("mlp: fit: AverageFrom %d, want ≥ 0 (0: no averaging)", opts.AverageFrom)
	}
	if opts.AverageFrom > 0 && len(m.bn) > 0 {
		for _, b := range m.bn {
			if b != nil {
				return nil, errors.New("mlp: fit: AverageFrom with batch normalization: the moving statistics belong to one set of weights")
			}
		}
	}
	if err := m.setData(x, y); err != nil {
		return nil, err
	}
	defer m.setData(nil, nil) // free the copy of the data in the session

	t := &trainee{m: m, n: n, valX: valX, valY: valY, monitor: monitor, opts: opts, best: math.NaN()}
	o := train.Options[EpochStats]{Epochs: c.Epochs, OnBatch: opts.OnBatch}
	if opts.OnEpoch != nil {
		o.OnEpoch = append(o.OnEpoch, opts.OnEpoch)
	}
	o.OnEpoch = append(o.OnEpoch, func(EpochStats) error {
		if t.stop {
			return train.ErrStop
		}
		return nil
	})
	hist, err := train.Run[EpochStats](ctx, t, o)
	if errors.Is(err, train.ErrDiverged) {
		err = nest.Within("mlp: fit", err)
	}
	if t.avgN > 0 {
		for _, layers := range [][][]float64{t.avgW, t.avgB} {
			for _, v := range layers {
				for i := range v {
					v[i] /= float64(t.avgN)
				}
			}
		}
		if e := m.SetWeights(t.avgW, t.avgB); e != nil && err == nil {
			err = e
		}
	} else if opts.RestoreBest && t.bestW != nil {
		if e := m.SetWeights(t.bestW, t.bestB); e != nil && err == nil {
			err = e
		}
		if e := m.setBN(t.bestBN); e != nil && err == nil {
			err = e
		}
	}
	return hist, err
}

// trainee is the network, its data and its callbacks' state as train.Run sees them.
type trainee struct {
	m            *MLP
	n            int
	valX         Data
	valY         []int
	monitor      string
	opts         *FitOptions
	best         float64 // best monitored value so far (NaN before the first)
	bestW, bestB [][]float64
	bestBN       [][][]float64 // batch-normalization variables of the best epoch
	stop         bool          // early stopping has asked to stop after this epoch
	// avgW and avgB sum the weights after each epoch from opts.AverageFrom on, avgN of them.
	avgW, avgB [][]float64
	avgN       int
}

// accumulate adds the weights after this epoch to the average (AverageFrom).
func (t *trainee) accumulate() error {
	k, b, err := t.m.Weights()
	if err != nil {
		return err
	}
	if t.avgN == 0 {
		t.avgW, t.avgB = k, b
	} else {
		for l := range k {
			for i, v := range k[l] {
				t.avgW[l][i] += v
			}
			for i, v := range b[l] {
				t.avgB[l][i] += v
			}
		}
	}
	t.avgN++
	return nil
}

func (t *trainee) Epoch() int { return t.m.epoch }

func (t *trainee) Save(string) error { return nil } // Fit keeps the network in memory; Save writes it

func (t *trainee) State() ([]train.Tensor, error) {
	k, b, err := t.m.Weights()
	if err != nil {
		return nil, err
	}
	bn, err := t.m.bnValues()
	if err != nil {
		return nil, err
	}
	var st []train.Tensor
	for i := range k {
		st = append(st, train.Tensor{Name: fmt.Sprintf("dense_%d/kernel", i+1), Shape: []int{len(k[i])}, Values: k[i]},
			train.Tensor{Name: fmt.Sprintf("dense_%d/bias", i+1), Shape: []int{len(b[i])}, Values: b[i]})
		for j, v := range bn[i] {
			st = append(st, train.Tensor{Name: fmt.Sprintf("%s/%s", layerName(i), []string{"gamma", "beta", "moving_mean", "moving_variance"}[j]), Shape: []int{len(v)}, Values: v})
		}
	}
	return st, nil
}

// TrainEpoch trains one epoch, validates and runs early stopping and plateau reduction on the
// monitored metric, in Keras' order.
func (t *trainee) TrainEpoch(ctx context.Context, onBatch func(done, total int)) (EpochStats, error) {
	m, c, n := t.m, t.m.cfg, t.n
	start := time.Now()
	epoch := m.epoch + 1
	order := make([]int, n)
	if c.Shuffle {
		order = dataset.Permutation(n, uint64(c.Seed), epoch)
	} else {
		for i := range order {
			order[i] = i
		}
	}
	batches := dataset.Batches(order, c.BatchSize)
	var lossSum float64
	var correct int
	for bi, b := range batches {
		if err := ctx.Err(); err != nil {
			return EpochStats{}, err
		}
		l, k, err := m.step1(b)
		if err != nil {
			return EpochStats{}, err
		}
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return EpochStats{}, fmt.Errorf("mlp: fit: %w at epoch %d batch %d: the loss is %g (the learning rate %g is likely too large)", train.ErrDiverged, epoch, bi+1, l, m.rate)
		}
		lossSum += l * float64(len(b))
		correct += k
		onBatch(bi+1, len(batches))
	}
	m.epoch = epoch
	if a := t.opts.AverageFrom; a > 0 && epoch >= a {
		if err := t.accumulate(); err != nil {
			return EpochStats{}, err
		}
	}
	st := EpochStats{Epoch: epoch, Epochs: c.Epochs, Loss: lossSum / float64(n), Acc: float64(correct) / float64(n),
		ValLoss: math.NaN(), ValAcc: math.NaN(), LR: m.rate}
	if t.valX != nil {
		var err error
		if st.ValLoss, st.ValAcc, err = m.Evaluate(t.valX, t.valY); err != nil {
			return st, err
		}
		v, up := st.ValAcc, maximize(t.monitor)
		if t.monitor == ValLoss {
			v = st.ValLoss
		}
		if math.IsNaN(t.best) || (up && v > t.best) || (!up && v < t.best) {
			t.best, st.Best = v, true
			if t.opts.RestoreBest {
				if t.bestW, t.bestB, err = m.Weights(); err != nil {
					return st, err
				}
				if t.bestBN, err = m.bnValues(); err != nil {
					return st, err
				}
			}
		}
		// Keras runs the callbacks in the original's order: early stopping, then plateau.
		if t.opts.EarlyStopping != nil {
			t.stop = t.opts.EarlyStopping.Observe(v, up)
		}
		if t.opts.Plateau != nil {
			m.rate = t.opts.Plateau.Observe(v, up, m.rate)
		}
	}
	st.Duration = time.Since(start)
	return st, nil
}

// Scalars returns "loss", "acc", "learning_rate" and, when measured, "val_loss" and "val_acc".
func (st EpochStats) Scalars() map[string]float64 {
	out := map[string]float64{"loss": st.Loss, "acc": st.Acc, "learning_rate": st.LR}
	if !math.IsNaN(st.ValLoss) || !math.IsNaN(st.ValAcc) {
		out["val_loss"], out["val_acc"] = st.ValLoss, st.ValAcc
	}
	return out
}

// step1 runs one minibatch update on the data rows idx and returns the minibatch's loss and
// number of correct predictions.
func (m *MLP) step1(idx []int) (float64, int, error) {
	rows := make([]int32, len(idx))
	for i, v := range idx {
		rows[i] = int32(v)
	}
	rt, err := tf.NewTensor(rows)
	if err != nil {
		return 0, 0, nest.Within("mlp: ", err)
	}
	lr, err := tfops.ScalarTensor(m.rate, m.cfg.DType)
	if err != nil {
		return 0, 0, nest.Within("mlp: ", err)
	}
	st, err := tf.NewTensor(m.iter)
	if err != nil {
		return 0, 0, nest.Within("mlp: ", err)
	}
	feeds := map[tf.Output]*tf.Tensor{m.idx: rt, m.lr: lr, m.step: st}
	if m.stream != nil {
		// Streamed rows: feed the minibatch's rows and labels, read as rows 0, 1, 2, ….
		local, labels := make([]int32, len(idx)), make([]int32, len(idx))
		for i, r := range idx {
			local[i], labels[i] = int32(i), int32(m.streamY[r])
		}
		if feeds[m.idx], err = tf.NewTensor(local); err != nil {
			return 0, 0, nest.Within("mlp: ", err)
		}
		if feeds[m.rowsY], err = tf.NewTensor(labels); err != nil {
			return 0, 0, nest.Within("mlp: ", err)
		}
		if feeds[m.rowsX], err = tfops.GatherTensor(m.stream, idx, m.cfg.DType); err != nil {
			return 0, 0, nest.Within("mlp: ", err)
		}
	}
	out, err := m.sess.Run(feeds, []tf.Output{m.batchLoss, m.batchCorrect}, []*tf.Operation{m.train})
	if err != nil {
		return 0, 0, nest.Within("mlp: train step", err)
	}
	m.iter++
	l, err := tfops.Values[float64](out[0])
	if err != nil {
		return 0, 0, nest.Within("mlp: ", err)
	}
	return l[0], int(out[1].Value().(int32)), nil
}

// setData copies x and y into the session's data variables (nil empties them); streamed rows
// (a tfops.RowSource) are kept aside instead and fed minibatch by minibatch.
func (m *MLP) setData(x Data, y []int) error {
	var xt, yt *tf.Tensor
	var err error
	m.stream, m.streamY = nil, nil
	if x != nil && tfops.Streamed(x) {
		m.stream, m.streamY = x, y
		x, y = nil, nil
	}
	if x == nil {
		if xt, err = tfops.TensorAs([]float64{}, m.cfg.DType, 0, int64(m.cfg.Inputs)); err != nil {
			return nest.Within("mlp: ", err)
		}
	} else {
		n, _, _ := tfops.Dims(x)
		if xt, err = tfops.RowsTensor(x, 0, n, m.cfg.DType); err != nil {
			return nest.Within("mlp: training data", err)
		}
	}
	labels := make([]int32, len(y))
	for i, v := range y {
		labels[i] = int32(v)
	}
	if yt, err = tf.NewTensor(labels); err != nil {
		return nest.Within("mlp: training labels", err)
	}
	if err := tfops.InitVariables(m.sess, []*tfops.Variable{m.dataX, m.dataY}, []*tf.Tensor{xt, yt}); err != nil {
		return nest.Within("mlp: copy training data", err)
	}
	return nil
}
