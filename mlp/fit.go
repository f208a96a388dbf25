package mlp

import (
	"context"
	"fmt"
	"math"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
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
// still evaluate and save the model.
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
		return nil, fmt.Errorf("mlp: fit: training labels: %w", err)
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
			return nil, fmt.Errorf("mlp: fit: validation labels: %w", err)
		}
	} else if opts.EarlyStopping != nil || opts.Plateau != nil || opts.RestoreBest {
		return nil, fmt.Errorf("%w: early stopping, plateau reduction and RestoreBest watch %s and need validation data", ErrConfig, monitor)
	}
	if err := m.setData(x, y); err != nil {
		return nil, err
	}
	defer m.setData(nil, nil) // free the copy of the data in the session

	var hist []EpochStats
	best := math.NaN()
	var bestW, bestB [][]float64
	finish := func(err error) ([]EpochStats, error) {
		if opts.RestoreBest && bestW != nil {
			if e := m.SetWeights(bestW, bestB); e != nil && err == nil {
				err = e
			}
		}
		return hist, err
	}
	for m.epoch < c.Epochs {
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
				return finish(err)
			}
			l, k, err := m.step1(b)
			if err != nil {
				return finish(err)
			}
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return finish(fmt.Errorf("mlp: fit: epoch %d batch %d: the loss is %g: training diverged (lower the learning rate)", epoch, bi+1, l))
			}
			lossSum += l * float64(len(b))
			correct += k
			if opts.OnBatch != nil {
				opts.OnBatch(epoch, bi+1, len(batches))
			}
		}
		m.epoch = epoch
		st := EpochStats{Epoch: epoch, Epochs: c.Epochs, Loss: lossSum / float64(n), Acc: float64(correct) / float64(n),
			ValLoss: math.NaN(), ValAcc: math.NaN(), LR: m.rate}
		stop := false
		if hasVal {
			if st.ValLoss, st.ValAcc, err = m.Evaluate(valX, valY); err != nil {
				return finish(err)
			}
			v := st.ValAcc
			if monitor == ValLoss {
				v = st.ValLoss
			}
			if math.IsNaN(best) || (maximize(monitor) && v > best) || (!maximize(monitor) && v < best) {
				best, st.Best = v, true
				if opts.RestoreBest {
					if bestW, bestB, err = m.Weights(); err != nil {
						return finish(err)
					}
				}
			}
			// Keras runs the callbacks in the original's order: early stopping, then plateau.
			if opts.EarlyStopping != nil {
				stop = opts.EarlyStopping.Observe(v, maximize(monitor))
			}
			if opts.Plateau != nil {
				m.rate = opts.Plateau.Observe(v, maximize(monitor), m.rate)
			}
		}
		st.Duration = time.Since(start)
		hist = append(hist, st)
		if opts.OnEpoch != nil {
			if err := opts.OnEpoch(st); err != nil {
				return finish(err)
			}
		}
		if stop {
			break
		}
	}
	return finish(nil)
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
		return 0, 0, fmt.Errorf("mlp: %w", err)
	}
	lr, err := tfops.ScalarTensor(m.rate, m.cfg.DType)
	if err != nil {
		return 0, 0, fmt.Errorf("mlp: %w", err)
	}
	st, err := tf.NewTensor(m.iter)
	if err != nil {
		return 0, 0, fmt.Errorf("mlp: %w", err)
	}
	out, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.idx: rt, m.lr: lr, m.step: st},
		[]tf.Output{m.batchLoss, m.batchCorrect}, []*tf.Operation{m.train})
	if err != nil {
		return 0, 0, fmt.Errorf("mlp: train step: %w", err)
	}
	m.iter++
	l, err := tfops.Values[float64](out[0])
	if err != nil {
		return 0, 0, fmt.Errorf("mlp: %w", err)
	}
	return l[0], int(out[1].Value().(int32)), nil
}

// setData copies x and y into the session's data variables (nil empties them).
func (m *MLP) setData(x Data, y []int) error {
	var xt, yt *tf.Tensor
	var err error
	if x == nil {
		if xt, err = tfops.TensorAs([]float64{}, m.cfg.DType, 0, int64(m.cfg.Inputs)); err != nil {
			return fmt.Errorf("mlp: %w", err)
		}
	} else {
		n, _, _ := tfops.Dims(x)
		if xt, err = tfops.RowsTensor(x, 0, n, m.cfg.DType); err != nil {
			return fmt.Errorf("mlp: training data: %w", err)
		}
	}
	labels := make([]int32, len(y))
	for i, v := range y {
		labels[i] = int32(v)
	}
	if yt, err = tf.NewTensor(labels); err != nil {
		return fmt.Errorf("mlp: training labels: %w", err)
	}
	if err := tfops.InitVariables(m.sess, []*tfops.Variable{m.dataX, m.dataY}, []*tf.Tensor{xt, yt}); err != nil {
		return fmt.Errorf("mlp: copy training data: %w", err)
	}
	return nil
}
