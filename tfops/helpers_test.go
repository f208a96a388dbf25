package tfops

import (
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// dtypes is the table every numeric test runs over, with a relative tolerance for each.
var dtypes = []struct {
	name string
	dt   tf.DataType
	tol  float64
}{
	{"float32", tf.Float, 2e-6},
	{"float64", tf.Double, 1e-13},
}

// openScope finalizes s and opens a session on its graph, closed when the test ends.
func openScope(t testing.TB, s *op.Scope) *Session {
	t.Helper()
	g, err := s.Finalize()
	if err != nil {
		t.Fatalf("build graph: %v", err)
	}
	sess, err := NewSession(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	return sess
}

// runGraph builds a graph with build, runs it once in a fresh session and returns every fetch
// as float64 values.
func runGraph(t testing.TB, build func(s *op.Scope) []tf.Output) [][]float64 {
	t.Helper()
	s := op.NewScope()
	outs := build(s)
	res, err := openScope(t, s).Run(nil, outs, nil)
	if err != nil {
		t.Fatal(err)
	}
	vals := make([][]float64, len(res))
	for i, r := range res {
		if vals[i], err = Values[float64](r); err != nil {
			t.Fatal(err)
		}
	}
	return vals
}

// constOf adds a constant of dtype dt holding data with the given shape.
func constOf(t testing.TB, s *op.Scope, data []float64, dt tf.DataType, shape ...int64) tf.Output {
	t.Helper()
	tensor, err := TensorAs(data, dt, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return op.Const(s.SubScope("const"), tensor)
}

func close(got, want, tol float64) bool {
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func meanVar(x []float64) (mean, variance float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(x)-1)
}
