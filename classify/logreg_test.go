package classify

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSoftmaxLossGradient compares the analytic gradient of L/n with
// central differences (step 1e-6, so the truncation error is about
// 1e-12 times the third derivative and the rounding error about
// 1e-16/1e-6 = 1e-10) at a random point, on 30 rows of 4 features and 3
// classes with C = 0.7.
func TestSoftmaxLossGradient(t *testing.T) {
	x, y := mixture(30, 4, 3, 1, 21)
	ls, err := checkFit("test", x, y, 0)
	if err != nil {
		t.Fatal(err)
	}
	obj := newSoftmaxLoss(x, y, ls, 0.7)
	rng := rand.New(rand.NewPCG(1, 2))
	theta := make([]float64, obj.dim())
	for i := range theta {
		theta[i] = rng.NormFloat64()
	}
	grad := make([]float64, len(theta))
	obj.valueGrad(theta, grad)
	const h = 1e-6
	scratch := make([]float64, len(theta))
	for i := range theta {
		p := slices.Clone(theta)
		p[i] += h
		fp := obj.valueGrad(p, scratch)
		p[i] -= 2 * h
		fm := obj.valueGrad(p, scratch)
		fd := (fp - fm) / (2 * h)
		if math.Abs(fd-grad[i]) > 1e-8 {
			t.Errorf("∂L/∂θ[%d] = %.12f, central difference %.12f", i, grad[i], fd)
		}
	}
}

// TestLogRegOptimum fits with Tol = 1e-9 on overlapping classes and
// checks that Fit reports convergence and that the gradient of L/n at the
// solution is below the tolerance.
func TestLogRegOptimum(t *testing.T) {
	x, y := mixture(500, 5, 4, 1, 22)
	m := &LogReg{C: 2, Tol: 1e-9}
	if err := m.Fit(x, y); err != nil {
		t.Fatal(err)
	}
	if !m.Converged() || m.Iterations() < 5 {
		t.Errorf("Converged() = %v after %d iterations, want true after several", m.Converged(), m.Iterations())
	}
	obj := newSoftmaxLoss(x, y, m.labels, 2)
	theta := append(slices.Clone(m.w), m.b...)
	grad := make([]float64, len(theta))
	obj.valueGrad(theta, grad)
	// The ftol test may stop the iterations a little before gtol; the
	// gradient is then still tiny.
	if g := normInf(grad); g > 1e-7 {
		t.Errorf("‖∇(L/n)‖∞ = %g at the solution, want ≤ 1e-7", g)
	}
	m2 := &LogReg{C: 2, Tol: 1e-9}
	if err := m2.Fit(x, y); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.w, m2.w) || !slices.Equal(m.b, m2.b) {
		t.Error("two fits on the same data differ")
	}
}

// TestLogRegTwoPoints fits x = −1 (class 0) and x = +1 (class 1). By
// symmetry the weights are −w and +w and the intercepts equal, so
// L = 2 log(1 + e^{−2w}) + w²/C, whose minimiser solves w = 2C·σ(−2w)
// (σ the logistic function); for C = 1 that is w = 0.52130 (bisection
// below), and the probability of the right class is σ(2w).
func TestLogRegTwoPoints(t *testing.T) {
	for _, c := range []float64{0.1, 1, 10} {
		lo, hi := 0.0, 2*c
		for range 200 {
			mid := (lo + hi) / 2
			if mid < 2*c*sigmoid(-2*mid) {
				lo = mid
			} else {
				hi = mid
			}
		}
		w := lo
		m := &LogReg{C: c, Tol: 1e-12}
		if err := m.Fit(matrixOf(2, 1, -1, 1), []int{0, 1}); err != nil {
			t.Fatal(err)
		}
		if math.Abs(m.w[0]+w) > 1e-6 || math.Abs(m.w[1]-w) > 1e-6 || math.Abs(m.b[0]-m.b[1]) > 1e-9 {
			t.Errorf("C=%g: W = %v, b = %v; want [%.6f %.6f], equal intercepts", c, m.w, m.b, -w, w)
		}
		s, err := m.Scores(matrixOf(1, 1, 1))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(s.Data[1]-sigmoid(2*w)) > 1e-6 {
			t.Errorf("C=%g: P(class 1 | x=1) = %.8f, want σ(2w) = %.8f", c, s.Data[1], sigmoid(2*w))
		}
	}
}

// sigmoid is the logistic function 1/(1 + e^{−t}).
func sigmoid(t float64) float64 { return 1 / (1 + math.Exp(-t)) }

// TestLogRegAbsentClass fits labels {0, 2} with Classes = 4: the absent
// classes 1 and 3 get probability 0 and are never predicted.
func TestLogRegAbsentClass(t *testing.T) {
	x, y := blobs(60, 3, 2, 5, 23)
	for i := range y {
		y[i] *= 2
	}
	m := &LogReg{Classes: 4}
	if err := m.Fit(x, y); err != nil {
		t.Fatal(err)
	}
	s, err := m.Scores(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x.Rows {
		r := s.Row(i)
		if r[1] != 0 || r[3] != 0 || math.Abs(r[0]+r[2]-1) > 1e-12 {
			t.Fatalf("row %d scores %v, want zeros in columns 1 and 3, sum 1", i, r)
		}
	}
	if e := errorRate(t, m, x, y); e != 0 {
		t.Errorf("training error %g, want 0", e)
	}
}

// TestLogRegMaxIter checks that hitting MaxIter is reported, not failed.
func TestLogRegMaxIter(t *testing.T) {
	x, y := mixture(200, 5, 3, 1, 24)
	m := &LogReg{MaxIter: 2, Tol: 1e-12}
	if err := m.Fit(x, y); err != nil {
		t.Fatal(err)
	}
	if m.Converged() || m.Iterations() != 2 {
		t.Errorf("Converged() = %v, Iterations() = %d; want false, 2", m.Converged(), m.Iterations())
	}
}
