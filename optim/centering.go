package optim

import (
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// Centering is the centering trick (Montavon & Müller 2012; Melchior, Fischer & Wiskott 2016)
// as an update rule for Boltzmann machines whose layers' statistics are their states (binary
// or count units). In the centered parametrisation the energy is
//
//	E(x) = −Σ_l (x_l − μ_l)ᵀ·W_l·(x_{l+1} − μ_{l+1}) − Σ_l c_lᵀ·(x_l − μ_l)
//
// with offsets μ_l near the layers' mean activities; it is the same model as the usual one with
// biases b_l = c_l − W_l·μ_{l+1} − W_{l−1}ᵀ·μ_{l−1} (and a constant), so the models keep their
// usual parameters and centering only changes the update direction: the weight gradients use
// centered statistics (WeightGradient) and the bias directions follow from the change of
// parameters (BiasDirections). The hidden offsets track the mean activities on the data as
// running averages with rate Rate (Offset).
type Centering struct {
	// Rate is ν of the running averages μ ← (1 − ν)·μ + ν·mean activity, in (0, 1).
	Rate float64
}

// Validate reports a rate outside (0, 1).
func (c Centering) Validate() error {
	if !(c.Rate > 0 && c.Rate < 1) || math.IsNaN(c.Rate) {
		return fmt.Errorf("optim: centering rate %g, want in (0, 1)", c.Rate)
	}
	return nil
}

// WeightGradient adds ⟨(a − μa)ᵀ(b − μb)⟩ over the nData rows of the data statistics a, b minus
// the same over the nModel rows of the model statistics am, bm: the centered gradient of the
// weights between two layers, [len(μa), len(μb)]. nData and nModel are scalars of the dtype.
func (Centering) WeightGradient(s *op.Scope, a, b, am, bm, muA, muB, nData, nModel tf.Output) tf.Output {
	s = s.SubScope("centered_gradient")
	outer := func(s *op.Scope, x, y, n tf.Output) tf.Output {
		xc, yc := op.Sub(s.SubScope("x"), x, muA), op.Sub(s.SubScope("y"), y, muB)
		return op.Div(s, op.MatMul(s, xc, yc, op.MatMulTransposeA(true)), n)
	}
	return op.Sub(s, outer(s.SubScope("data"), a, b, nData), outer(s.SubScope("model"), am, bm, nModel))
}

// BiasDirections returns the update directions of the usual biases of a chain of layers
// 0…L given the centered weight directions gW (gW[l] between layers l and l+1, [n_l, n_{l+1}])
// and the bias gradients gb: gb_l − gW_l·μ_{l+1} − gW_{l−1}ᵀ·μ_{l−1}.
func (Centering) BiasDirections(s *op.Scope, gW, gb, mu []tf.Output) []tf.Output {
	s = s.SubScope("centered_biases")
	out := make([]tf.Output, len(gb))
	col := func(s *op.Scope, v tf.Output, axis int32) tf.Output {
		return op.ExpandDims(s, v, op.Const(s.SubScope("axis"), axis))
	}
	for l := range gb {
		ls := s.SubScope("layer")
		d := gb[l]
		if l < len(gW) { // W_l·μ_{l+1}
			up := op.Squeeze(ls.SubScope("up"), op.MatMul(ls.SubScope("up"), gW[l], col(ls.SubScope("mu_up"), mu[l+1], 1)), op.SqueezeAxis([]int64{1}))
			d = op.Sub(ls.SubScope("minus_up"), d, up)
		}
		if l > 0 { // W_{l−1}ᵀ·μ_{l−1}
			down := op.Squeeze(ls.SubScope("down"), op.MatMul(ls.SubScope("down"), col(ls.SubScope("mu_down"), mu[l-1], 0), gW[l-1]), op.SqueezeAxis([]int64{0}))
			d = op.Sub(ls.SubScope("minus_down"), d, down)
		}
		out[l] = d
	}
	return out
}

// Offset adds the new running average (1 − Rate)·old + Rate·(column mean of act).
func (c Centering) Offset(s *op.Scope, old, act tf.Output) tf.Output {
	s = s.SubScope("offset")
	dt := old.DataType()
	mean := op.Mean(s, act, op.Const(s.SubScope("axis"), []int32{0}))
	keep := op.Const(s.SubScope("keep"), scalarOf(1-c.Rate, dt))
	rate := op.Const(s.SubScope("rate"), scalarOf(c.Rate, dt))
	return op.AddV2(s, op.Mul(s.SubScope("old"), keep, old), op.Mul(s.SubScope("new"), rate, mean))
}

func scalarOf(v float64, dt tf.DataType) any {
	if dt == tf.Float {
		return float32(v)
	}
	return v
}

// CenteredBiases returns the biases c_l = b_l + W_l·μ_{l+1} + W_{l−1}ᵀ·μ_{l−1} of the centered
// parametrisation of a chain of layers with usual biases b (row-major weights w[l] of
// len(b[l])×len(b[l+1])) and offsets mu: the inverse of the change of parameters above.
func CenteredBiases(w, b, mu [][]float64) [][]float64 {
	out := make([][]float64, len(b))
	for l := range b {
		out[l] = append([]float64(nil), b[l]...)
		n := len(b[l])
		if l < len(w) {
			m := len(b[l+1])
			for i := 0; i < n; i++ {
				for j := 0; j < m; j++ {
					out[l][i] += w[l][i*m+j] * mu[l+1][j]
				}
			}
		}
		if l > 0 {
			k := len(b[l-1])
			for j := 0; j < n; j++ {
				for i := 0; i < k; i++ {
					out[l][j] += w[l-1][i*n+j] * mu[l-1][i]
				}
			}
		}
	}
	return out
}
