package rbm

import (
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Data is a matrix of samples, one per row: a *dataset.Matrix[float32] or a
// *dataset.Matrix[float64]. Either works with either model dtype.
type Data interface {
	Validate() error
}

// dims returns the shape of d after checking it.
func dims(d Data) (rows, cols int, err error) {
	if d == nil {
		return 0, 0, fmt.Errorf("rbm: nil data: %w", ErrShape)
	}
	if err := d.Validate(); err != nil {
		return 0, 0, fmt.Errorf("rbm: %w", err)
	}
	switch x := d.(type) {
	case *dataset.Matrix[float32]:
		return x.Rows, x.Cols, nil
	case *dataset.Matrix[float64]:
		return x.Rows, x.Cols, nil
	}
	return 0, 0, fmt.Errorf("rbm: data of type %T, want *dataset.Matrix[float32] or [float64]", d)
}

// checkData checks that d has cols columns, at least one row, and only finite values.
func checkData(what string, d Data, cols int) (int, error) {
	r, c, err := dims(d)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if c != cols {
		return 0, fmt.Errorf("rbm: %s has %d columns, want %d: %w", what, c, cols, ErrShape)
	}
	if r == 0 {
		return 0, fmt.Errorf("rbm: %s has no rows: %w", what, ErrShape)
	}
	bad := -1
	switch x := d.(type) {
	case *dataset.Matrix[float32]:
		bad = firstNonFinite(x.Data)
	case *dataset.Matrix[float64]:
		bad = firstNonFinite(x.Data)
	}
	if bad >= 0 {
		return 0, fmt.Errorf("rbm: %s row %d column %d is not a finite number: %w", what, bad/c, bad%c, ErrData)
	}
	return r, nil
}

func firstNonFinite[T dataset.Float](x []T) int {
	for i, v := range x {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return i
		}
	}
	return -1
}

// rowsTensor copies rows [i, j) of d into a tensor of dtype dt.
func rowsTensor(d Data, i, j int, dt tf.DataType) (*tf.Tensor, error) {
	switch x := d.(type) {
	case *dataset.Matrix[float32]:
		return tfops.TensorAs(x.Data[i*x.Cols:j*x.Cols], dt, int64(j-i), int64(x.Cols))
	case *dataset.Matrix[float64]:
		return tfops.TensorAs(x.Data[i*x.Cols:j*x.Cols], dt, int64(j-i), int64(x.Cols))
	}
	return nil, fmt.Errorf("rbm: data of type %T", d)
}

// gatherTensor copies the rows idx of d into a tensor of dtype dt.
func gatherTensor(d Data, idx []int, dt tf.DataType) (*tf.Tensor, error) {
	switch x := d.(type) {
	case *dataset.Matrix[float32]:
		g := x.Gather(idx)
		return tfops.TensorAs(g.Data, dt, int64(g.Rows), int64(g.Cols))
	case *dataset.Matrix[float64]:
		g := x.Gather(idx)
		return tfops.TensorAs(g.Data, dt, int64(g.Rows), int64(g.Cols))
	}
	return nil, fmt.Errorf("rbm: data of type %T", d)
}

// loadData copies the n rows of d into the data variable, where the training graph reads its
// minibatches: one copy per Fit, none per minibatch.
func (m *RBM) loadData(d Data, n int) error {
	t, err := rowsTensor(d, 0, n, m.cfg.DType)
	if err != nil {
		return err
	}
	if err := tfops.InitVariables(m.sess, []*tfops.Variable{m.vars.data}, []*tf.Tensor{t}); err != nil {
		return fmt.Errorf("rbm: load training data: %w", err)
	}
	return nil
}
