package classify

import (
	"math"
	"testing"
)

// rosenbrock is the n-dimensional Rosenbrock function
// Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimised at (1, …, 1) with value 0.
func rosenbrock(x, grad []float64) float64 {
	clear(grad)
	f := 0.0
	for i := 0; i+1 < len(x); i++ {
		a, b := x[i+1]-x[i]*x[i], 1-x[i]
		f += 100*a*a + b*b
		grad[i] += -400*a*x[i] - 2*b
		grad[i+1] += 200 * a
	}
	return f
}

// TestMinimize minimises the Rosenbrock function in 2 and 10 dimensions from
// the classic start (−1.2, 1, −1.2, 1, …) and a convex quadratic
// ½Σ i·x_i², checking the minimiser to 1e-6 and the reported convergence.
func TestMinimize(t *testing.T) {
	for _, n := range []int{2, 10} {
		x0 := make([]float64, n)
		for i := range x0 {
			x0[i] = []float64{-1.2, 1}[i%2]
		}
		res := minimize(rosenbrock, x0, 1000, 1e-10, 0)
		if !res.converged {
			t.Errorf("Rosenbrock %d-D: not converged after %d iterations", n, res.iterations)
		}
		for i, v := range res.x {
			if math.Abs(v-1) > 1e-6 {
				t.Errorf("Rosenbrock %d-D: x[%d] = %.9f, want 1 (%d iterations)", n, i, v, res.iterations)
				break
			}
		}
	}
	quad := func(x, grad []float64) float64 {
		f := 0.0
		for i, v := range x {
			w := float64(i + 1)
			f += 0.5 * w * v * v
			grad[i] = w * v
		}
		return f
	}
	res := minimize(quad, []float64{1, -2, 3, -4, 5}, 100, 1e-12, 0)
	if !res.converged || normInf(res.x) > 1e-12 {
		t.Errorf("quadratic: x = %v after %d iterations (converged %v), want 0", res.x, res.iterations, res.converged)
	}
	res = minimize(quad, []float64{1, -2, 3, -4, 5}, 1, 1e-12, 0)
	if res.converged || res.iterations != 1 {
		t.Errorf("quadratic, MaxIter 1: converged %v after %d iterations, want false after 1", res.converged, res.iterations)
	}
}

// dot returns aᵀb.
func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// axpy adds a·x to y.
func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}

// normInf returns max |x_i|.
func normInf(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}
