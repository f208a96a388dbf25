package classify

import (
	"math"
	"slices"
	"testing"
)

// TestLinearSVCTwoPoints fits x = −1 (class 0) and x = +1 (class 1), a
// single problem with y = +1 for class 1 and bias feature 1. By symmetry
// the bias weight is 0 and the primal is ½w² + 2C·ℓ(w): with the squared
// hinge, ½w² + 2C(1 − w)², minimised at w = 4C/(1 + 4C) (0.8 for C = 1);
// with the hinge, ½w² + 2C(1 − w)₊, minimised at w = min(1, 2C).
func TestLinearSVCTwoPoints(t *testing.T) {
	for _, tc := range []struct {
		loss string
		c    float64
		want float64
	}{
		{"squared_hinge", 1, 0.8},
		{"", 0.1, 0.4 / 1.4},
		{"hinge", 1, 1},
		{"hinge", 0.25, 0.5},
	} {
		m := &LinearSVC{C: tc.c, Loss: tc.loss, Tol: 1e-12}
		if err := m.Fit(matrixOf(2, 1, -1, 1), []int{0, 1}); err != nil {
			t.Fatal(err)
		}
		if math.Abs(m.w[0]-tc.want) > 1e-9 || math.Abs(m.w[1]) > 1e-9 {
			t.Errorf("%q C=%g: w = %v, want [%g 0]", tc.loss, tc.c, m.w, tc.want)
		}
		s, err := m.Scores(matrixOf(1, 1, 0.5))
		if err != nil {
			t.Fatal(err)
		}
		if s.Data[0] != -s.Data[1] || math.Abs(s.Data[1]-0.5*tc.want) > 1e-9 {
			t.Errorf("%q C=%g: scores at 0.5 = %v, want [−f f] with f = %g", tc.loss, tc.c, s.Data, 0.5*tc.want)
		}
	}
}

// TestLinearSVCPrimalOptimum checks, for each one-vs-rest problem on
// overlapping classes, that the gradient of the squared-hinge primal
// ½‖w‖² + C Σ max(0, 1 − y_i wᵀx̂_i)² vanishes at the dual solution to
// within 1e-6 (Tol = 1e-10 on the projected dual gradient), and that the
// same seed gives the same weights while another seed gives a different
// coordinate order and so different rounding.
func TestLinearSVCPrimalOptimum(t *testing.T) {
	x, y := mixture(300, 4, 3, 1, 41)
	const c = 0.5
	m := &LinearSVC{C: c, Tol: 1e-10, Seed: 1}
	if err := m.Fit(x, y); err != nil {
		t.Fatal(err)
	}
	if !m.Converged() {
		t.Fatalf("not converged after %d passes", m.Iterations())
	}
	d1 := x.Cols + 1
	for p := range 3 {
		w := m.w[p*d1 : (p+1)*d1]
		grad := slices.Clone(w)
		for i := range x.Rows {
			yi := -1.0
			if y[i] == p {
				yi = 1
			}
			xi := append(slices.Clone(x.Row(i)), 1)
			if margin := yi * dot(w, xi); margin < 1 {
				axpy(-2*c*yi*(1-margin), xi, grad)
			}
		}
		if g := normInf(grad); g > 1e-6 {
			t.Errorf("class %d: ‖∇P(w)‖∞ = %g, want ≤ 1e-6", p, g)
		}
	}
	same := &LinearSVC{C: c, Tol: 1e-10, Seed: 1}
	other := &LinearSVC{C: c, Tol: 1e-10, Seed: 2}
	if err := same.Fit(x, y); err != nil {
		t.Fatal(err)
	}
	if err := other.Fit(x, y); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.w, same.w) {
		t.Error("same seed, different weights")
	}
	if slices.Equal(m.w, other.w) {
		t.Error("different seeds, identical weights")
	}
}
