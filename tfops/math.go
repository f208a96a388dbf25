package tfops

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
	tg "github.com/galeone/tfgo"
)

// Scalar adds a constant v of dtype dt (tf.Float or tf.Double).
func Scalar(s *op.Scope, v float64, dt tf.DataType) tf.Output {
	if dt == tf.Float {
		return op.Const(s.SubScope("scalar"), float32(v))
	}
	return op.Const(s.SubScope("scalar"), v)
}

// ScalarLike adds a constant v with the dtype of x.
func ScalarLike(s *op.Scope, v float64, x tf.Output) tf.Output {
	if s.Err() != nil || x.Op == nil {
		return x // the sticky scope error reports the problem
	}
	return Scalar(s, v, x.DataType())
}

// Cast converts x to dtype dt; it adds nothing when x already has that dtype (tfgo.Cast).
func Cast(s *op.Scope, x tf.Output, dt tf.DataType) tf.Output {
	var out tf.Output
	if err := Try(func() { out = tg.Cast(s.SubScope("cast"), x, dt) }); err != nil {
		s.UpdateErr("Cast", err)
		return x
	}
	return out
}

// Softplus adds ops computing log(1+exp(x)) elementwise, stable for large |x|: TF's Softplus
// kernel returns x for large x and exp(x) for very negative x. The op has no generated wrapper.
func Softplus(s *op.Scope, x tf.Output) tf.Output {
	if s.Err() != nil {
		return x
	}
	o := s.SubScope("softplus").AddOperation(tf.OpSpec{Type: "Softplus", Input: []tf.Input{x}})
	if o == nil {
		return x
	}
	return o.Output(0)
}

// LogSigmoid adds ops computing log σ(x) = −softplus(−x) elementwise, stable for large |x|.
func LogSigmoid(s *op.Scope, x tf.Output) tf.Output {
	s = s.SubScope("log_sigmoid")
	return op.Neg(s, Softplus(s, op.Neg(s.SubScope("neg"), x)))
}

// LogSumExp adds ops computing log Σ exp(x) along axis (the axis is removed), stable for huge
// values: it subtracts the maximum first. A slice that is all −∞ gives −∞.
func LogSumExp(s *op.Scope, x tf.Output, axis int64) tf.Output {
	s = s.SubScope("log_sum_exp")
	ax := op.Const(s.SubScope("axis"), []int64{axis})
	m := op.StopGradient(s, op.Max(s.SubScope("max"), x, ax, op.MaxKeepDims(true)))
	// Replace a non-finite maximum (all −∞) by 0 so that x−m stays −∞ rather than NaN.
	finite := op.IsFinite(s, m)
	m = SelectV2(s, finite, m, op.ZerosLike(s, m))
	sum := op.Sum(s.SubScope("sum"), op.Exp(s, op.Sub(s, x, m)), ax, op.SumKeepDims(true))
	out := op.AddV2(s, op.Log(s, sum), m)
	return op.Squeeze(s, out, op.SqueezeAxis([]int64{axis}))
}

// RowDot adds ops computing Σ_j a[i,j]·b[i,j] for each row i of two [n, m] tensors.
func RowDot(s *op.Scope, a, b tf.Output) tf.Output {
	s = s.SubScope("row_dot")
	return op.Sum(s, op.Mul(s, a, b), op.Const(s.SubScope("axis"), []int64{1}))
}

// Mean adds the mean of x over all elements.
func Mean(s *op.Scope, x tf.Output) tf.Output {
	s = s.SubScope("mean_all")
	return op.Mean(s, op.Reshape(s, x, op.Const(s.SubScope("flat"), []int64{-1})), op.Const(s.SubScope("axis"), []int64{0}))
}

// ColumnMean adds the mean of a [n, m] tensor over its rows, giving [m].
func ColumnMean(s *op.Scope, x tf.Output) tf.Output {
	s = s.SubScope("column_mean")
	return op.Mean(s, x, op.Const(s.SubScope("axis"), []int64{0}))
}

// MatMulT adds a·bᵀ-style products: MatMul with optional transposes, in its own sub-scope.
func MatMulT(s *op.Scope, a, b tf.Output, transposeA, transposeB bool) tf.Output {
	return op.MatMul(s.SubScope("matmul"), a, b, op.MatMulTransposeA(transposeA), op.MatMulTransposeB(transposeB))
}

// SelectV2 adds where(cond, a, b) with broadcasting. The op has no generated wrapper.
func SelectV2(s *op.Scope, cond, a, b tf.Output) tf.Output {
	if s.Err() != nil {
		return a
	}
	o := s.SubScope("select").AddOperation(tf.OpSpec{Type: "SelectV2", Input: []tf.Input{cond, a, b}})
	if o == nil {
		return a
	}
	return o.Output(0)
}

// Clamp adds where(mask > ½, x, v) with broadcasting: the units a mask of 1s and 0s marks
// (given) take x's values exactly, the others v's (so values of x at unmarked units, NaN
// included, never reach the result).
func Clamp(s *op.Scope, mask, x, v tf.Output) tf.Output {
	s = s.SubScope("clamp")
	return SelectV2(s, op.Greater(s, mask, ScalarLike(s.SubScope("half"), 0.5, mask)), x, v)
}

// AllFinite adds a scalar bool: whether every element of every xs is finite (no NaN or ±Inf).
func AllFinite(s *op.Scope, xs []tf.Output) tf.Output {
	var all tf.Output
	for _, x := range xs {
		xs := s.SubScope("tensor")
		flat := op.Reshape(xs, x, op.Const(xs.SubScope("flat"), []int32{-1}))
		ok := op.All(xs, op.IsFinite(xs, flat), op.Const(xs.SubScope("axis"), []int32{0}))
		if all.Op == nil {
			all = ok
		} else {
			all = op.LogicalAnd(xs, all, ok)
		}
	}
	return all
}
