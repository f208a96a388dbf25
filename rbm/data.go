package rbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Data is a matrix of samples, one per row: a *dataset.Matrix[float32] or a
// *dataset.Matrix[float64]. Either works with either model dtype.
type Data = tfops.Data

// ErrShape reports data whose shape does not fit the model.
var ErrShape = tfops.ErrShape

// ErrData reports data with NaN or infinite values.
var ErrData = tfops.ErrData

func dims(d Data) (rows, cols int, err error) {
	r, c, err := tfops.Dims(d)
	if err != nil {
		return 0, 0, nest.Within("rbm: ", err)
	}
	return r, c, nil
}

func checkData(what string, d Data, cols int) (int, error) {
	n, err := tfops.CheckData(what, d, cols)
	if err != nil {
		return 0, nest.Within("rbm: ", err)
	}
	return n, nil
}

func rowsTensor(d Data, i, j int, dt tf.DataType) (*tf.Tensor, error) {
	return tfops.RowsTensor(d, i, j, dt)
}

func gatherTensor(d Data, idx []int, dt tf.DataType) (*tf.Tensor, error) {
	return tfops.GatherTensor(d, idx, dt)
}

// loadData copies the n rows of d into the data variable, where the training graph reads its
// minibatches: one copy per Fit, none per minibatch.
func (m *RBM) loadData(d Data, n int) error {
	t, err := rowsTensor(d, 0, n, m.cfg.DType)
	if err != nil {
		return err
	}
	if err := tfops.InitVariables(m.sess, []*tfops.Variable{m.vars.data}, []*tf.Tensor{t}); err != nil {
		return nest.Within("rbm: load training data", err)
	}
	return nil
}
