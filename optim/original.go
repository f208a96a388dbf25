package optim

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// Hinton names the sparsity rule of Hinton's practical guide (see Sparsity): a per-unit running
// mean of the activities on the data. It is the default of the SparsityRule fields of rbm.Config
// and dbm.Config; Original (also a momentum rule's name) selects OriginalSparsity there.
const Hinton = "hinton"

// CheckSparsityRule reports an unknown sparsity rule ("" is Hinton).
func CheckSparsityRule(rule string) error {
	switch rule {
	case "", Hinton, Original:
		return nil
	}
	return fmt.Errorf("optim: sparsity rule %q, want %s or %s", rule, Hinton, Original)
}

// OriginalSparsity is the sparsity penalty exactly as the original boltzmann-machines project
// codes it, kept to reproduce its runs (spec Appendix A 3 and 4):
//
//   - RBM (rbm/base_rbm.py, _make_train_op): q ← Damping·q + (1 − Damping)·Σ_rows h, a SUM over
//     the minibatch of the negative phase's hidden means h (the chain's end), q starting at 0;
//     the penalty Cost·(q − Target), a vector over hidden units, is subtracted from the hidden
//     biases' direction and from every row of the weights' direction (not weighted by the
//     visible activities).
//   - DBM (dbm.py, _make_train_op), hidden layer i (0-based): two running estimates, of
//     Σ_particles H_i[:, i] and of Σ_rows μ_i[:, i] — the summed activity vector indexed by the
//     layer number, one scalar that the update broadcasts over the estimate vector — and the
//     penalty Cost·(q − Target) + Cost·(q_μ − Target) subtracted as above.
//
// Its size is of the order of the gradient itself (a sum over 100 rows), so it acts as a strong
// uniform pull on every weight of the layer.
type OriginalSparsity struct {
	Target, Cost, Damping float64
}

// Estimate adds Damping·q + (1 − Damping)·sum: sum is a vector of q's shape (the RBM's column
// sums) or a scalar broadcast over it (the DBM's one element).
func (r OriginalSparsity) Estimate(s *op.Scope, q, sum tf.Output) tf.Output {
	s = s.SubScope("original_sparsity")
	dt := q.DataType()
	return op.AddV2(s, op.Mul(s, op.Const(s.SubScope("d"), scalarOf(r.Damping, dt)), q),
		op.Mul(s.SubScope("new"), op.Const(s.SubScope("1md"), scalarOf(1-r.Damping, dt)), sum))
}

// Penalty adds Cost·(q − Target) for each estimate in qs, summed.
func (r OriginalSparsity) Penalty(s *op.Scope, qs ...tf.Output) tf.Output {
	s = s.SubScope("original_penalty")
	var pen tf.Output
	for _, q := range qs {
		dt, ts := q.DataType(), s.SubScope("term")
		p := op.Mul(ts.SubScope("pen"), op.Const(ts.SubScope("cost"), scalarOf(r.Cost, dt)), op.Sub(ts, q, op.Const(ts.SubScope("t"), scalarOf(r.Target, dt))))
		if pen.Op == nil {
			pen = p
		} else {
			pen = op.AddV2(s.SubScope("sum"), pen, p)
		}
	}
	return pen
}

// Apply subtracts the penalty vector pen ([units]) from gb and from every row of gW
// ([rows, units]), as the original's broadcasting does; both are unchanged when Cost is 0.
func (r OriginalSparsity) Apply(s *op.Scope, gW, gb, pen tf.Output) (tf.Output, tf.Output) {
	if r.Cost == 0 {
		return gW, gb
	}
	s = s.SubScope("original_apply")
	return op.Sub(s.SubScope("gW"), gW, pen), op.Sub(s.SubScope("gb"), gb, pen)
}

// ColumnSum adds the sums over rows of x ([rows, units] → [units]).
func ColumnSum(s *op.Scope, x tf.Output) tf.Output {
	return op.Sum(s.SubScope("column_sum"), x, op.Const(s.SubScope("ax"), []int32{0}))
}
