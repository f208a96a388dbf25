package optim

import (
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// L2 is weight decay as an update rule: the ascent direction of weights w gains −Coef·w.
type L2 struct {
	Coef float64
}

// Apply adds g − Coef·w to s (g unchanged when Coef is 0).
func (r L2) Apply(s *op.Scope, g, w tf.Output) tf.Output {
	if r.Coef == 0 {
		return g
	}
	return op.Sub(s.SubScope("l2"), g, op.Mul(s, op.Const(s.SubScope("coef"), scalarOf(r.Coef, w.DataType())), w))
}

// Sparsity is the sparsity target of Hinton's practical guide (2010, §11) as an update rule:
// a running estimate q of each hidden unit's mean activity on the data, q ← Damping·q +
// (1 − Damping)·mean(act), and a penalty Cost·(q − Target) — the derivative of the
// cross-entropy between Target and q with respect to the unit's total input — subtracted from
// the hidden biases' direction and, times the mean statistic of the layer below, from the
// weights'.
type Sparsity struct {
	Target, Cost, Damping float64
}

// Estimate adds the new running estimate from the old one and the minibatch activities act
// ([batch, units], probabilities).
func (r Sparsity) Estimate(s *op.Scope, q, act tf.Output) tf.Output {
	dt := q.DataType()
	mean := op.Mean(s.SubScope("batch_mean"), act, op.Const(s.SubScope("axis"), []int64{0}))
	return op.AddV2(s, op.Mul(s, op.Const(s.SubScope("d"), scalarOf(r.Damping, dt)), q),
		op.Mul(s.SubScope("new"), op.Const(s.SubScope("1md"), scalarOf(1-r.Damping, dt)), mean))
}

// Apply subtracts the penalty of the estimate q from the hidden biases' direction gb and, as an
// outer product with below (the mean statistic of the layer below, [rows of W]), from the
// weights' direction gW; it returns both unchanged when Cost is 0.
func (r Sparsity) Apply(s *op.Scope, gW, gb, q, below tf.Output) (tf.Output, tf.Output) {
	if r.Cost == 0 {
		return gW, gb
	}
	pen := r.Penalty(s, q)
	gb = op.Sub(s.SubScope("gb"), gb, pen)
	col := op.ExpandDims(s, below, op.Const(s.SubScope("a1"), int32(1)))
	row := op.ExpandDims(s.SubScope("p"), pen, op.Const(s.SubScope("a0"), int32(0)))
	return op.Sub(s.SubScope("gW"), gW, op.Mul(s.SubScope("outer"), col, row)), gb
}

// Penalty adds Cost·(q − Target), the penalty of the estimate q on each unit's total input
// ([units]); a caller that forms the weights' statistics as one product can subtract it from
// the positive hidden statistics there instead of calling Apply (see rbm's update).
func (r Sparsity) Penalty(s *op.Scope, q tf.Output) tf.Output {
	dt := q.DataType()
	return op.Mul(s.SubScope("pen"), op.Const(s.SubScope("cost"), scalarOf(r.Cost, dt)), op.Sub(s, q, op.Const(s.SubScope("t"), scalarOf(r.Target, dt))))
}

// MaxNorm is the max-norm constraint: after an update, each column of a weight matrix (the
// weights into one unit of the layer above) whose L2 norm exceeds C is scaled down to norm C.
// C = +Inf (or 0 in a Config) means none.
type MaxNorm struct {
	C float64
}

// Apply adds the constrained weights to s (w itself when C is +Inf).
func (r MaxNorm) Apply(s *op.Scope, w tf.Output) tf.Output {
	if math.IsInf(r.C, 1) {
		return w
	}
	s = s.SubScope("max_norm")
	dt := w.DataType()
	norms := op.Sqrt(s, op.Sum(s, op.Square(s, w), op.Const(s.SubScope("ax"), []int32{0}), op.SumKeepDims(true)))
	scale := op.Div(s, op.Minimum(s, norms, op.Const(s.SubScope("c"), scalarOf(r.C, dt))), op.Maximum(s, norms, op.Const(s.SubScope("eps"), scalarOf(1e-12, dt))))
	return op.Mul(s.SubScope("scaled"), w, scale)
}
