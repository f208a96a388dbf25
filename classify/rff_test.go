package classify

import (
	"math"
	"slices"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// rffRMSE returns the root-mean-square error of z(x_i)ᵀz(x_j) against
// exp(−γ‖x_i − x_j‖²) over all pairs i < j of the rows of x, for the map
// of dim features fitted with seed.
func rffRMSE(t *testing.T, x *dataset.Matrix[float64], gamma float64, dim int, seed uint64) float64 {
	t.Helper()
	m := &RFF{Dim: dim, Gamma: gamma, Seed: seed}
	if err := m.Fit(x); err != nil {
		t.Fatal(err)
	}
	z, err := m.Transform(x)
	if err != nil {
		t.Fatal(err)
	}
	s, n := 0.0, 0
	for i := range x.Rows {
		for j := range i {
			e := dot(z.Row(i), z.Row(j)) - math.Exp(-gamma*sqDist(x.Row(i), x.Row(j)))
			s += e * e
			n++
		}
	}
	return math.Sqrt(s / float64(n))
}

// TestRFFKernelError checks that the kernel approximation error shrinks
// like 1/√D. Each term 2cos(ωᵀx + b)cos(ωᵀy + b) of D·z(x)ᵀz(y) has
// variance 1 − k² + ½k⁴ ∈ [½, 1], with k = K(x, y), so the RMS error over
// many pairs, averaged over 4 seeds, is c/√D with c ≤ 1 in expectation
// (0.94 here). Quadrupling D must halve it (ratio in [0.4, 0.6]) and
// √D·RMSE must stay below 1.1.
func TestRFFKernelError(t *testing.T) {
	x, _ := mixture(40, 5, 4, 0.5, 51)
	const gamma = 0.3
	prev := 0.0
	for _, dim := range []int{100, 400, 1600, 6400} {
		e := 0.0
		for seed := range uint64(4) {
			e += rffRMSE(t, x, gamma, dim, seed) / 4
		}
		t.Logf("D = %4d: RMSE %.5f, √D·RMSE %.3f", dim, e, e*math.Sqrt(float64(dim)))
		if e*math.Sqrt(float64(dim)) > 1.1 {
			t.Errorf("D = %d: RMSE %.5f exceeds 1.1/√D", dim, e)
		}
		if prev > 0 && (e/prev < 0.4 || e/prev > 0.6) {
			t.Errorf("D = %d: RMSE ratio to D/4 = %.3f, want ≈ 0.5", dim, e/prev)
		}
		prev = e
	}
}

// TestFeatureMapSeeds checks that the same seed gives bit-identical
// features and a different seed different ones, for RFF and Nystroem.
func TestFeatureMapSeeds(t *testing.T) {
	x, _ := mixture(50, 4, 2, 1, 52)
	for name, mk := range map[string]func(seed uint64) FeatureMap{
		"rff":      func(s uint64) FeatureMap { return &RFF{Dim: 20, Seed: s} },
		"nystroem": func(s uint64) FeatureMap { return &Nystroem{Dim: 20, Seed: s} },
	} {
		var out []*dataset.Matrix[float64]
		for _, seed := range []uint64{7, 7, 8} {
			m := mk(seed)
			if err := m.Fit(x); err != nil {
				t.Fatal(err)
			}
			z, err := m.Transform(x)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, z)
		}
		if !slices.Equal(out[0].Data, out[1].Data) {
			t.Errorf("%s: same seed, different features", name)
		}
		if slices.Equal(out[0].Data, out[2].Data) {
			t.Errorf("%s: different seeds, identical features", name)
		}
	}
}
