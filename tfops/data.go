package tfops

import (
	"errors"
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// Data is a matrix of samples, one per row: a *dataset.Matrix[float32] or a
// *dataset.Matrix[float64]. Either converts to either dtype.
type Data interface {
	Validate() error
}

// ErrShape reports data whose shape does not fit a model.
var ErrShape = errors.New("shape mismatch")

// ErrData reports data with NaN or infinite values.
var ErrData = errors.New("bad data")

// Dims returns the shape of d after checking it.
func Dims(d Data) (rows, cols int, err error) {
	if d == nil {
		return 0, 0, fmt.Errorf("nil data: %w", ErrShape)
	}
	if err := d.Validate(); err != nil {
		return 0, 0, err
	}
	switch x := d.(type) {
	case *dataset.Matrix[float32]:
		return x.Rows, x.Cols, nil
	case *dataset.Matrix[float64]:
		return x.Rows, x.Cols, nil
	}
	return 0, 0, fmt.Errorf("data of type %T, want *dataset.Matrix[float32] or [float64]", d)
}

// CheckData checks that d (named what in errors) has cols columns, at least one row and only
// finite values, and returns its number of rows.
func CheckData(what string, d Data, cols int) (int, error) {
	r, c, err := Dims(d)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if c != cols {
		return 0, fmt.Errorf("%s has %d columns, want %d: %w", what, c, cols, ErrShape)
	}
	if r == 0 {
		return 0, fmt.Errorf("%s has no rows: %w", what, ErrShape)
	}
	bad := -1
	switch x := d.(type) {
	case *dataset.Matrix[float32]:
		bad = firstNonFinite(x.Data)
	case *dataset.Matrix[float64]:
		bad = firstNonFinite(x.Data)
	}
	if bad >= 0 {
		return 0, fmt.Errorf("%s row %d column %d is not a finite number: %w", what, bad/c, bad%c, ErrData)
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

// RowsTensor copies rows [i, j) of d into a tensor of dtype dt.
func RowsTensor(d Data, i, j int, dt tf.DataType) (*tf.Tensor, error) {
	switch x := d.(type) {
	case *dataset.Matrix[float32]:
		return TensorAs(x.Data[i*x.Cols:j*x.Cols], dt, int64(j-i), int64(x.Cols))
	case *dataset.Matrix[float64]:
		return TensorAs(x.Data[i*x.Cols:j*x.Cols], dt, int64(j-i), int64(x.Cols))
	}
	return nil, fmt.Errorf("data of type %T", d)
}

// GatherTensor copies the rows idx of d into a tensor of dtype dt.
func GatherTensor(d Data, idx []int, dt tf.DataType) (*tf.Tensor, error) {
	switch x := d.(type) {
	case *dataset.Matrix[float32]:
		g := x.Gather(idx)
		return TensorAs(g.Data, dt, int64(g.Rows), int64(g.Cols))
	case *dataset.Matrix[float64]:
		g := x.Gather(idx)
		return TensorAs(g.Data, dt, int64(g.Rows), int64(g.Cols))
	}
	return nil, fmt.Errorf("data of type %T", d)
}

// Rowwise feeds the rows of d to input (with dtype dt) in chunks of at most chunk rows and
// returns, for each output, its values over all chunks concatenated: outputs whose rows follow
// the rows of input come back as one row-major matrix per output. Run errors name what.
func Rowwise(sess *Session, d Data, input tf.Output, dt tf.DataType, chunk int, what string, outs ...tf.Output) ([][]float64, error) {
	n, _, err := Dims(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	res := make([][]float64, len(outs))
	for i := 0; i < n; i += chunk {
		end := min(i+chunk, n)
		t, err := RowsTensor(d, i, end, dt)
		if err != nil {
			return nil, err
		}
		o, err := sess.Run(map[tf.Output]*tf.Tensor{input: t}, outs, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		for k, r := range o {
			v, err := Values[float64](r)
			if err != nil {
				return nil, err
			}
			res[k] = append(res[k], v...)
		}
	}
	return res, nil
}
