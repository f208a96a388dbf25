package optim

import (
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestPenalties checks L2, the sparsity estimate and penalty, and max-norm against arithmetic by
// hand on a 2×2 example.
func TestPenalties(t *testing.T) {
	s := op.NewScope()
	con := func(name string, v []float64, shape ...int64) tf.Output {
		tt, _ := tfops.NewTensor(v, shape...)
		return op.Const(s.SubScope(name), tt)
	}
	w := con("w", []float64{3, 0, 4, 1}, 2, 2) // columns (3, 4) of norm 5 and (0, 1) of norm 1
	g := con("g", []float64{1, 1, 1, 1}, 2, 2)
	l2 := L2{Coef: 0.1}.Apply(s, g, w)
	mn := MaxNorm{C: 2}.Apply(s, w)
	sp := Sparsity{Target: 0.1, Cost: 0.5, Damping: 0.9}
	q := sp.Estimate(s.SubScope("q"), con("q0", []float64{0.2, 0.3}, 2), con("act", []float64{0, 1, 1, 1}, 2, 2))
	gW, gb := sp.Apply(s.SubScope("apply"), g, con("gb", []float64{0, 0}, 2), q, con("below", []float64{1, 2}, 2))
	graph, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := tf.NewSession(graph, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	out, err := sess.Run(nil, []tf.Output{l2, mn, q, gW, gb}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// q = 0.9·q0 + 0.1·mean(act) = (0.18 + 0.05, 0.27 + 0.1); pen = 0.5·(q − 0.1).
	qv := []float64{0.23, 0.37}
	pen := []float64{0.5 * (qv[0] - 0.1), 0.5 * (qv[1] - 0.1)}
	for i, want := range [][]float64{
		{1 - 0.3, 1, 1 - 0.4, 1 - 0.1},
		{3 * 0.4, 0, 4 * 0.4, 1},
		qv,
		{1 - 1*pen[0], 1 - 1*pen[1], 1 - 2*pen[0], 1 - 2*pen[1]},
		{-pen[0], -pen[1]},
	} {
		got, _ := tfops.Values[float64](out[i])
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-12 {
				t.Errorf("output %d[%d] = %.15f, want %.15f", i, k, got[k], want[k])
			}
		}
	}
	if x := (L2{}).Apply(s, g, w); x != g {
		t.Error("L2 with coefficient 0 changed the direction")
	}
}
