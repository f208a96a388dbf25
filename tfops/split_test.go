package tfops

import (
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// TestSplitMatMul checks the row-split products against one MatMul, for row counts that do
// and do not divide among the devices (and fewer rows than devices), on this process's CPU
// named several times.
func TestSplitMatMul(t *testing.T) {
	s := op.NewScope()
	a := op.Placeholder(s.SubScope("a"), tf.Double)
	b := op.Placeholder(s.SubScope("b"), tf.Double)
	bt := op.Placeholder(s.SubScope("bt"), tf.Double)
	cpu := "/job:localhost/replica:0/task:0/device:CPU:0"
	devs := []string{cpu, cpu, cpu}
	outs := []tf.Output{
		MatMulT(s.SubScope("ref"), a, b, false, false), SplitMatMul(s, a, b, false, devs), SplitMatMul(s.SubScope("t"), a, bt, true, devs[:2]),
		MatMulT(s.SubScope("gref"), a, a, true, false), SplitGram(s, a, a, devs),
		SplitMatMul(s.SubScope("one"), a, b, false, devs[:1]), SplitGram(s.SubScope("none"), a, a, nil),
	}
	sess := openScope(t, s)
	for _, n := range []int{1, 2, 7, 9} {
		av := make([][]float64, n)
		for i := range av {
			av[i] = []float64{float64(i) + 0.1, math.Sin(float64(i)), 1 / (float64(i) + 3)}
		}
		bv := [][]float64{{1, 2}, {0.5, -1}, {3, 0.25}}
		btv := [][]float64{{1, 0.5, 3}, {2, -1, 0.25}}
		at, _ := tf.NewTensor(av)
		bT, _ := tf.NewTensor(bv)
		btT, _ := tf.NewTensor(btv)
		out, err := sess.Run(map[tf.Output]*tf.Tensor{a: at, b: bT, bt: btT}, outs, nil)
		if err != nil {
			t.Fatal(err)
		}
		v := func(i int) []float64 { x, _ := Values[float64](out[i]); return x }
		same := func(name string, got, want []float64, tol float64) {
			if len(got) != len(want) {
				t.Fatalf("%d rows, %s: %d values, want %d", n, name, len(got), len(want))
			}
			for i := range got {
				if math.Abs(got[i]-want[i]) > tol {
					t.Errorf("%d rows, %s[%d] = %v, want %v", n, name, i, got[i], want[i])
				}
			}
		}
		same("SplitMatMul", v(1), v(0), 0)
		same("SplitMatMul transposed", v(2), v(0), 0)
		same("SplitGram", v(4), v(3), 1e-12)
		same("SplitMatMul on one device", v(5), v(0), 0)
		same("SplitGram without devices", v(6), v(3), 0)
	}
}
