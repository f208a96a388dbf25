package tfops

import (
	"errors"
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// Data is a row-major matrix of samples, one per row, of float32 or float64 values;
// *dataset.Matrix[float32] and *dataset.Matrix[float64] are Data. Either converts to either
// dtype. Data kept in another form (half precision, a mapped file) offers its rows through a
// RowSource instead of one slice: *dataset.HalfMatrix.
type Data interface {
	// Validate reports a matrix whose shape and values disagree.
	Validate() error
	// Shape returns the numbers of rows and columns.
	Shape() (rows, cols int)
	// Values returns the row-major values: a []float32, a []float64 or a RowSource.
	Values() any
}

// A RowSource is the Values of Data that are not held as one []float32 or []float64: models
// copy rows out of it a minibatch or a chunk at a time, and train on it streamed (see
// Streamed) rather than with a copy of the whole set in the graph.
type RowSource interface {
	// AppendRows appends the rows idx, row-major, to dst as float32 values.
	AppendRows(dst []float32, idx []int) []float32
	// FirstNonFinite returns the row-major index of the first infinite or NaN value, or −1.
	FirstNonFinite() int
}

// Streamed reports whether d's rows come from a RowSource.
func Streamed(d Data) bool {
	_, ok := d.Values().(RowSource)
	return ok
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
	switch d.Values().(type) {
	case []float32, []float64, RowSource:
		rows, cols = d.Shape()
		return rows, cols, nil
	}
	return 0, 0, fmt.Errorf("data of type %T holds %T, want []float32, []float64 or a RowSource", d, d.Values())
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
	switch x := unwrap(d).Values().(type) {
	case []float32:
		bad = firstNonFinite(x)
	case []float64:
		bad = firstNonFinite(x)
	case RowSource:
		bad = x.FirstNonFinite()
	}
	if bad >= 0 {
		return 0, fmt.Errorf("%s row %d column %d is not a finite number: %w", what, bad/c, bad%c, ErrData)
	}
	return r, nil
}

func firstNonFinite[T Float](x []T) int {
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
	d = unwrap(d)
	_, c := d.Shape()
	switch x := d.Values().(type) {
	case []float32:
		return TensorAs(x[i*c:j*c], dt, int64(j-i), int64(c))
	case []float64:
		return TensorAs(x[i*c:j*c], dt, int64(j-i), int64(c))
	case RowSource:
		idx := make([]int, j-i)
		for k := range idx {
			idx[k] = i + k
		}
		return TensorAs(x.AppendRows(make([]float32, 0, (j-i)*c), idx), dt, int64(j-i), int64(c))
	}
	return nil, fmt.Errorf("data of type %T holds %T, want []float32, []float64 or a RowSource", d, d.Values())
}

// GatherTensor copies the rows idx of d into a tensor of dtype dt.
func GatherTensor(d Data, idx []int, dt tf.DataType) (*tf.Tensor, error) {
	d = unwrap(d)
	_, c := d.Shape()
	switch x := d.Values().(type) {
	case []float32:
		return TensorAs(gather(x, c, idx), dt, int64(len(idx)), int64(c))
	case []float64:
		return TensorAs(gather(x, c, idx), dt, int64(len(idx)), int64(c))
	case RowSource:
		return TensorAs(x.AppendRows(make([]float32, 0, len(idx)*c), idx), dt, int64(len(idx)), int64(c))
	}
	return nil, fmt.Errorf("data of type %T holds %T, want []float32, []float64 or a RowSource", d, d.Values())
}

// gather returns the rows idx of the row-major matrix x of c columns.
func gather[T Float](x []T, c int, idx []int) []T {
	out := make([]T, 0, len(idx)*c)
	for _, i := range idx {
		out = append(out, x[i*c:(i+1)*c]...)
	}
	return out
}

// Rowwise feeds the rows of d to input (with dtype dt) in chunks of at most chunk rows and
// returns, for each output, its values over all chunks concatenated: outputs whose rows follow
// the rows of input come back as one row-major matrix per output. Run errors name what.
func Rowwise(sess *Session, d Data, input tf.Output, dt tf.DataType, chunk int, what string, outs ...tf.Output) ([][]float64, error) {
	return RowwiseWith(sess, d, input, dt, chunk, what, nil, outs...)
}

// RowwiseWith is Rowwise with extra feeds for each chunk: extra(i) (nil: none) adds to the
// feeds of the chunk i, counted from 0, e.g. a counter that seeds its random draws.
func RowwiseWith(sess *Session, d Data, input tf.Output, dt tf.DataType, chunk int, what string, extra func(i int, feeds map[tf.Output]*tf.Tensor) error, outs ...tf.Output) ([][]float64, error) {
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
		feeds := map[tf.Output]*tf.Tensor{input: t}
		if extra != nil {
			if err := extra(i/chunk, feeds); err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
		}
		o, err := sess.Run(feeds, outs, nil)
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

// CheckFitData checks training data x and, if not nil, validation data val for a model of
// cols input columns (see CheckData) and returns the number of training rows; errors are
// prefixed with pkg.
func CheckFitData(pkg string, x, val Data, cols int) (int, error) {
	n, err := CheckData("training data", x, cols)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", pkg, err)
	}
	if val != nil {
		if _, err := CheckData("validation data", val, cols); err != nil {
			return 0, fmt.Errorf("%s: %w", pkg, err)
		}
	}
	return n, nil
}

// ColumnMeans returns the mean of each column of d over its first n rows (n ≥ 1).
func ColumnMeans(d Data, n int) []float64 {
	d = unwrap(d)
	_, c := d.Shape()
	out := make([]float64, c)
	switch x := d.Values().(type) {
	case []float32:
		addColumns(out, x[:n*c])
	case []float64:
		addColumns(out, x[:n*c])
	case RowSource:
		for i := 0; i < n; i++ {
			addColumns(out, x.AppendRows(make([]float32, 0, c), []int{i}))
		}
	}
	for j := range out {
		out[j] /= float64(n)
	}
	return out
}

func addColumns[T Float](sum []float64, x []T) {
	k := len(sum)
	for i, v := range x {
		sum[i%k] += float64(v)
	}
}
