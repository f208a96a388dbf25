package tfops

import (
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
	tg "github.com/galeone/tfgo"
	"gonum.org/v1/gonum/mat"
)

// TestMatMulSigmoid checks σ(x·W + b) computed by TF against gonum, for both dtypes.
func TestMatMulSigmoid(t *testing.T) {
	x := []float64{0.1, -0.2, 0.3, 0.5, 1.5, -2.5}    // 2×3
	w := []float64{1, -1, 0.5, 2, -0.25, 0.75, 3, -3} // 3×… see below
	w = append(w, 0.125)                              // 3×3
	b := []float64{0.01, -0.02, 0.03}
	var want mat.Dense
	want.Mul(mat.NewDense(2, 3, x), mat.NewDense(3, 3, w))
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			want.Set(i, j, 1/(1+math.Exp(-(want.At(i, j)+b[j]))))
		}
	}
	for _, tc := range dtypes {
		t.Run(tc.name, func(t *testing.T) {
			got := runGraph(t, func(s *op.Scope) []tf.Output {
				xw := MatMulT(s, constOf(t, s, x, tc.dt, 2, 3), constOf(t, s, w, tc.dt, 3, 3), false, false)
				return []tf.Output{op.Sigmoid(s, op.AddV2(s, xw, constOf(t, s, b, tc.dt, 3)))}
			})[0]
			for i, g := range got {
				if wv := want.At(i/3, i%3); !close(g, wv, tc.tol) {
					t.Errorf("σ(xW+b)[%d] = %.17g, want %.17g", i, g, wv)
				}
			}
		})
	}
}

// TestTfgoGraph builds a graph with tfgo's helpers and runs it through libtensorflow.
func TestTfgoGraph(t *testing.T) {
	var y tf.Output
	got := runGraph(t, func(s *op.Scope) []tf.Output {
		if err := Try(func() {
			a := tg.NewTensor(s, tg.Const(s, [2][2]float64{{1, 2}, {3, 4}}))
			y = a.Clone().MatMul(tg.Const(s, [2][1]float64{{10}, {100}})).Output
		}); err != nil {
			t.Fatal(err)
		}
		return []tf.Output{y}
	})[0]
	if got[0] != 210 || got[1] != 430 {
		t.Errorf("[[1 2] [3 4]]·[10 100]ᵀ = %v, want [210 430]", got)
	}
}

// TestTryTurnsPanicsIntoErrors checks that a tfgo panic (a scope error) becomes an error.
func TestTryTurnsPanicsIntoErrors(t *testing.T) {
	s := op.NewScope()
	err := Try(func() {
		a := tg.NewTensor(s, tg.Const(s, [2]float64{1, 2}))
		a.MatMul(tg.Const(s, [3]float64{1, 2, 3})) // rank 1: MatMul rejects it and tfgo panics
	})
	if err == nil {
		t.Fatal("Try returned nil for a panicking tfgo call")
	}
}

// TestSoftplusLogSigmoid checks the stable forms at ±50 and in between against exact values.
func TestSoftplusLogSigmoid(t *testing.T) {
	xs := []float64{-50, -10, -1, 0, 1, 10, 50}
	for _, tc := range dtypes {
		t.Run(tc.name, func(t *testing.T) {
			got := runGraph(t, func(s *op.Scope) []tf.Output {
				x := constOf(t, s, xs, tc.dt, int64(len(xs)))
				return []tf.Output{Softplus(s, x), LogSigmoid(s, x)}
			})
			for i, x := range xs {
				sp := math.Log1p(math.Exp(-math.Abs(x))) + math.Max(x, 0) // exact and stable
				if !close(got[0][i], sp, tc.tol) {
					t.Errorf("softplus(%g) = %.17g, want %.17g", x, got[0][i], sp)
				}
				if !close(got[1][i], -math.Log1p(math.Exp(-math.Abs(x)))-math.Max(-x, 0), tc.tol) {
					t.Errorf("logσ(%g) = %.17g, want %.17g", x, got[1][i], -sp+x)
				}
			}
			// At x = -50, softplus is e^-50 ≈ 1.9e-22: an unstable log(1+exp(x)) would give 0.
			if got[0][0] <= 0 {
				t.Errorf("softplus(-50) = %g, want ≈ 1.93e-22 > 0", got[0][0])
			}
		})
	}
}

// TestLogSumExp checks huge, tiny and −∞ inputs.
func TestLogSumExp(t *testing.T) {
	rows := [][]float64{
		{1000, 1001, 1000},   // 1001.5514…: exp overflows without the max shift
		{-1000, -999, -1000}, // −998.4485…
		{0, 1, 0},            // 1.5514…
		{math.Inf(-1), 0, 0}, // log 2
		{math.Inf(-1), math.Inf(-1), math.Inf(-1)},
	}
	var flat []float64
	for _, r := range rows {
		flat = append(flat, r...)
	}
	for _, tc := range dtypes {
		t.Run(tc.name, func(t *testing.T) {
			got := runGraph(t, func(s *op.Scope) []tf.Output {
				return []tf.Output{LogSumExp(s, constOf(t, s, flat, tc.dt, int64(len(rows)), 3), 1)}
			})[0]
			for i, r := range rows {
				m := math.Max(r[0], math.Max(r[1], r[2]))
				want := math.Inf(-1)
				if !math.IsInf(m, -1) {
					want = m + math.Log(math.Exp(r[0]-m)+math.Exp(r[1]-m)+math.Exp(r[2]-m))
				}
				if !close(got[i], want, tc.tol) {
					t.Errorf("logsumexp(%v) = %.17g, want %.17g", r, got[i], want)
				}
			}
		})
	}
}
