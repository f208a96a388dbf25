package tfops

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// Float is the element type of the float32 and float64 helpers.
type Float interface{ ~float32 | ~float64 }

// ErrDType reports a dtype that a helper does not support.
var ErrDType = errors.New("tfops: unsupported dtype")

// CheckFloat returns an error unless dt is tf.Float or tf.Double.
func CheckFloat(dt tf.DataType) error {
	if dt != tf.Float && dt != tf.Double {
		return fmt.Errorf("%w %v (want float32 or float64)", ErrDType, dt)
	}
	return nil
}

// DTypeName is "float32" or "float64" for the two float dtypes, and the numeric code otherwise.
func DTypeName(dt tf.DataType) string {
	switch dt {
	case tf.Float:
		return "float32"
	case tf.Double:
		return "float64"
	}
	return fmt.Sprintf("dtype(%d)", dt)
}

// ParseDType maps "float32" and "float64" to their tf.DataType.
func ParseDType(name string) (tf.DataType, error) {
	switch name {
	case "float32":
		return tf.Float, nil
	case "float64":
		return tf.Double, nil
	}
	return 0, fmt.Errorf("%w %q (want float32 or float64)", ErrDType, name)
}

// NewTensor copies data into a new tensor of the given shape whose dtype follows T
// (float32 → tf.Float, float64 → tf.Double). With no shape the tensor is 1-D.
func NewTensor[T Float](data []T, shape ...int64) (*tf.Tensor, error) {
	if len(shape) == 0 {
		shape = []int64{int64(len(data))}
	}
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("tfops: new tensor: negative dimension in shape %v", shape)
		}
		n *= d
	}
	if n != int64(len(data)) {
		return nil, fmt.Errorf("tfops: new tensor: %d values do not fill shape %v", len(data), shape)
	}
	var zero T
	switch any(zero).(type) {
	case float32:
		buf := make([]byte, 4*len(data))
		for i, v := range data {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(float32(v)))
		}
		return tf.ReadTensor(tf.Float, shape, bytes.NewReader(buf))
	default:
		buf := make([]byte, 8*len(data))
		for i, v := range data {
			binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(float64(v)))
		}
		return tf.ReadTensor(tf.Double, shape, bytes.NewReader(buf))
	}
}

// TensorAs copies data into a new tensor of dtype dt (tf.Float or tf.Double), converting the
// values if needed.
func TensorAs[T Float](data []T, dt tf.DataType, shape ...int64) (*tf.Tensor, error) {
	switch dt {
	case tf.Float:
		return NewTensor(convert[float32](data), shape...)
	case tf.Double:
		return NewTensor(convert[float64](data), shape...)
	}
	return nil, CheckFloat(dt)
}

// Values returns the elements of a float32 or float64 tensor, in row-major order, converted to T.
func Values[T Float](t *tf.Tensor) ([]T, error) {
	if t == nil {
		return nil, errors.New("tfops: values of a nil tensor")
	}
	var buf bytes.Buffer
	if _, err := t.WriteContentsTo(&buf); err != nil {
		return nil, fmt.Errorf("tfops: read tensor: %w", err)
	}
	b := buf.Bytes()
	switch t.DataType() {
	case tf.Float:
		out := make([]T, len(b)/4)
		for i := range out {
			out[i] = T(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
		}
		return out, nil
	case tf.Double:
		out := make([]T, len(b)/8)
		for i := range out {
			out[i] = T(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
		}
		return out, nil
	}
	return nil, CheckFloat(t.DataType())
}

func convert[U, T Float](in []T) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = U(v)
	}
	return out
}

// ScalarTensor returns a scalar tensor holding v with dtype dt (tf.Float or tf.Double).
func ScalarTensor(v float64, dt tf.DataType) (*tf.Tensor, error) {
	switch dt {
	case tf.Float:
		return tf.NewTensor(float32(v))
	case tf.Double:
		return tf.NewTensor(v)
	}
	return nil, CheckFloat(dt)
}

// RateTensors returns a learning rate and a momentum as scalar tensors of dtype dt, the feeds
// of a training run.
func RateTensors(lr, momentum float64, dt tf.DataType) (lrT, momT *tf.Tensor, err error) {
	if lrT, err = ScalarTensor(lr, dt); err != nil {
		return nil, nil, err
	}
	momT, err = ScalarTensor(momentum, dt)
	return lrT, momT, err
}
