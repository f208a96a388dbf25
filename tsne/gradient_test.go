package tsne

import (
	"math"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/venv"
)

// TestExactAgainstNumPy compares the exact method's P, gradient (with and without
// exaggeration) and KL divergence on 200 points with testdata/gradient.py, a NumPy
// re-statement of the equations.
func TestExactAgainstNumPy(t *testing.T) {
	const (
		n          = 200
		perplexity = 20
	)
	x, _ := blobs(n, 10, 4, 7)
	p, err := NewAffinities(x, perplexity, n-1, 2)
	if err != nil {
		t.Fatal(err)
	}
	y := randomEmbedding(n, 3, 8)
	for _, alpha := range []float64{1, 12} {
		var ref struct {
			P    [][]float64
			Grad [][]float64
			KL   float64
		}
		venv.RunJSON(t, "testdata/gradient.py", map[string]any{
			"x": rows(x), "perplexity": perplexity, "p": dense(p), "y": rows(y), "exaggeration": alpha,
		}, &ref)
		// P: the same bisection from the same start; only rounding differs (the Go code shifts
		// the distances by their minimum), which can move the stopping step near the 1e-5
		// tolerance: 1e-6 relative allows for that.
		if e := relErr(t, flat(dense(p)), flat(ref.P)); e > 1e-6 {
			t.Errorf("P: relative error %.3g against NumPy, want ≤ 1e-6", e)
		}
		f := &forces{p: p, exact: true, workers: 2}
		grad := make([]float64, 2*n)
		f.gradient(y.Data, grad, alpha)
		// Sums of 200 terms in a different order: a few ulps of the largest term.
		if e := relErr(t, grad, flat(ref.Grad)); e > 1e-12 {
			t.Errorf("α=%g: gradient: relative error %.3g against NumPy, want ≤ 1e-12", alpha, e)
		}
		kl, err := KL(p, y, 2)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(kl-ref.KL) > 1e-12*math.Abs(ref.KL) {
			t.Errorf("KL = %.15g, NumPy %.15g", kl, ref.KL)
		}
	}
}

// TestGradientFiniteDifferences checks the exact gradient against central differences of KL:
// the gradient formula (and its factor 4) follows from the KL the package reports.
func TestGradientFiniteDifferences(t *testing.T) {
	const n = 30
	x, _ := blobs(n, 5, 3, 1)
	p, err := NewAffinities(x, 5, n-1, 1)
	if err != nil {
		t.Fatal(err)
	}
	y := randomEmbedding(n, 2, 3)
	grad := make([]float64, 2*n)
	(&forces{p: p, exact: true, workers: 1}).gradient(y.Data, grad, 1)
	const h = 1e-5
	for k := range y.Data {
		v := y.Data[k]
		y.Data[k] = v + h
		up, _ := KL(p, y, 1)
		y.Data[k] = v - h
		down, _ := KL(p, y, 1)
		y.Data[k] = v
		// Central differences: error O(h²) ≈ 1e-10, plus rounding of KL/h ≈ 1e-16/1e-5.
		if fd := (up - down) / (2 * h); math.Abs(fd-grad[k]) > 1e-7 {
			t.Errorf("∂KL/∂y[%d] = %.10g, finite differences %.10g", k, grad[k], fd)
		}
	}
}

// TestEntropyCalibrated checks that every point's conditional distribution has entropy
// log(perplexity) within the bisection's tolerance.
func TestEntropyCalibrated(t *testing.T) {
	x, _ := blobs(300, 8, 5, 2)
	for _, perp := range []float64{5, 30} {
		k := Neighbors(perp, x.Rows)
		idx, d2 := neighbors(x, k, 2)
		_ = idx
		p := make([]float64, k)
		for i := range x.Rows {
			calibrate(d2[i*k:(i+1)*k], perp, p)
			h, sum := 0.0, 0.0
			for _, v := range p {
				sum += v
				if v > 0 {
					h -= v * math.Log(v)
				}
			}
			if math.Abs(sum-1) > 1e-12 || math.Abs(h-math.Log(perp)) > 1e-5 {
				t.Fatalf("perplexity %g, point %d: Σp = %.15g, H = %.8g, want 1 and %.8g", perp, i, sum, h, math.Log(perp))
			}
		}
	}
}

// TestBarnesHutGradient compares Barnes-Hut gradients with the exact ones on the same sparse
// P: θ → 0 summarises no cell and gives the exact sums (in another order), and the error
// grows with θ.
func TestBarnesHutGradient(t *testing.T) {
	const n = 500
	x, _ := blobs(n, 10, 5, 3)
	p, err := NewAffinities(x, 30, Neighbors(30, n), 2)
	if err != nil {
		t.Fatal(err)
	}
	y := randomEmbedding(n, 10, 4)
	exact := make([]float64, 2*n)
	zExact := (&forces{p: p, exact: true, workers: 2}).gradient(y.Data, exact, 1)
	for _, tc := range []struct {
		theta, tol float64
	}{
		{1e-9, 1e-12}, // no cell summarised: rounding only
		{0.1, 1e-3},   // observed 1.8e-4
		{0.5, 4e-2},   // observed 2.0e-2
	} {
		bh := make([]float64, 2*n)
		z := (&forces{p: p, theta: tc.theta, workers: 2}).gradient(y.Data, bh, 1)
		e := relErr(t, bh, exact)
		t.Logf("θ = %g: relative gradient error %.3g, Z error %.3g", tc.theta, e, math.Abs(z-zExact)/zExact)
		if e > tc.tol {
			t.Errorf("θ = %g: relative gradient error %.3g, want ≤ %g", tc.theta, e, tc.tol)
		}
	}
}
