package rbm

import (
	"context"
	"math"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// completeMask gives units 0 and 2 of the 5 visible units; 1, 3 and 4 are filled in.
var completeMask = []bool{true, false, true, false, false}

// completeRows are the data rows whose given units condition the completions (the values at
// missing units are ignored, and differ to show it).
var completeRows = [][]float64{
	{0, 0, 0, 0, 0},
	{1, 1, 0, 1, 0},
	{1, 0, 1, 0, 1},
	{0, 1, 1, 1, 1},
}

// exactConditional returns E[v_j | v_given] for every visible unit j of a binary tiny model,
// by enumerating the missing units' states with weights exp(−F(v)).
func (m tiny) exactConditional(row []float64, mask []bool) []float64 {
	var free []int
	for j, g := range mask {
		if !g {
			free = append(free, j)
		}
	}
	mean := make([]float64, m.nv)
	total := 0.0
	for _, s := range binaryStates(len(free)) {
		v := slices.Clone(row)
		for k, j := range free {
			v[j] = s[k]
		}
		w := math.Exp(-m.freeEnergy(v))
		total += w
		for j := range v {
			mean[j] += w * v[j]
		}
	}
	for j := range mean {
		mean[j] /= total
	}
	return mean
}

// meanField returns the mean-field fixed point of a Bernoulli-Bernoulli tiny model's missing
// units, iterated from zeros in plain Go: μ_h = σ(c + Wᵀv), v_missing = σ(b + W μ_h).
func (m tiny) meanField(row []float64, mask []bool) []float64 {
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	v := slices.Clone(row)
	for j, g := range mask {
		if !g {
			v[j] = 0
		}
	}
	h := make([]float64, m.nh)
	for range 10000 {
		for k := range h {
			a := m.c[k]
			for j := range v {
				a += v[j] * m.w[j*m.nh+k]
			}
			h[k] = sig(a)
		}
		moved := 0.0
		for j, g := range mask {
			if g {
				continue
			}
			a := m.b[j]
			for k := range h {
				a += m.w[j*m.nh+k] * h[k]
			}
			moved = math.Max(moved, math.Abs(sig(a)-v[j]))
			v[j] = sig(a)
		}
		if moved < 1e-15 {
			break
		}
	}
	return v
}

// TestCompleteGibbsExact checks the Gibbs completion's means against the exact conditional
// means of a tiny Bernoulli RBM, and that the given units keep the data's values.
func TestCompleteGibbsExact(t *testing.T) {
	tm := tinies[0].withParams(3) // bernoulli-bernoulli, 5×4
	m := tm.model(t, tf.Double, nil)
	const chains = 400 // per row
	var rows [][]float64
	for _, r := range completeRows {
		for range chains {
			rows = append(rows, r)
		}
	}
	res, err := m.Complete(context.Background(), matrixOf(rows), CompleteOptions{Mask: completeMask, Sweeps: 300, BurnIn: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sweeps != 300 || res.States == nil {
		t.Fatalf("%d sweeps, states %v", res.Sweeps, res.States != nil)
	}
	worst := 0.0
	for i, row := range completeRows {
		want := tm.exactConditional(row, completeMask)
		got := make([]float64, tm.nv)
		for c := range chains {
			r := i*chains + c
			for j := range got {
				got[j] += res.Means.Row(r)[j] / chains
				if completeMask[j] && (res.Means.Row(r)[j] != row[j] || res.States.Row(r)[j] != row[j]) {
					t.Fatalf("row %d, given unit %d: mean %g, state %g, want %g", r, j, res.Means.Row(r)[j], res.States.Row(r)[j], row[j])
				}
			}
		}
		for j := range got {
			worst = math.Max(worst, math.Abs(got[j]-want[j]))
			// 400 chains × 250 averaged sweeps of E[v_j | h] (standard deviation < 0.5):
			// the standard error is below 0.5/√(100000/τ) ≈ 0.004 for an autocorrelation
			// time τ ≤ 6 sweeps; 0.015 is about 4 of them.
			if math.Abs(got[j]-want[j]) > 0.015 {
				t.Errorf("row %v: E[v_%d | given] = %.4f by Gibbs, exactly %.4f", row, j, got[j], want[j])
			}
		}
	}
	t.Logf("largest |Gibbs − exact| = %.4f", worst)
	// Same seed, same completion.
	again, err := m.Complete(context.Background(), matrixOf(rows[:50]), CompleteOptions{Mask: completeMask, Sweeps: 30, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	again2, _ := m.Complete(context.Background(), matrixOf(rows[:50]), CompleteOptions{Mask: completeMask, Sweeps: 30, Seed: 1})
	if !slices.Equal(again.States.Data, again2.States.Data) || !slices.Equal(again.Means.Data, again2.Means.Data) {
		t.Error("the same seed gave different completions")
	}
}

// TestCompleteMeanField checks the mean-field completion against a plain-Go iteration of the
// same fixed-point equations (both dtypes), and against the exact conditional means on a
// weakly coupled model, where mean field is close to exact.
func TestCompleteMeanField(t *testing.T) {
	for _, tc := range []struct {
		name  string
		dt    tf.DataType
		tol   float64 // against the Go iteration: the stopping tolerance plus rounding
		scale float64 // of the weights
		exact float64 // largest error against the exact means (0: not checked)
	}{
		{"float64", tf.Double, 1e-8, 1, 0},
		{"float32", tf.Float, 2e-5, 1, 0},
		// With weights of standard deviation 0.07 the neglected correlations are O(w²):
		// observed 2e-4.
		{"weak", tf.Double, 1e-8, 0.1, 2e-3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := tinies[0].withParams(3)
			for i := range tm.w {
				tm.w[i] *= tc.scale
			}
			m := tm.model(t, tc.dt, nil)
			res, err := m.Complete(context.Background(), matrixOf(completeRows), CompleteOptions{Mask: completeMask, MeanField: true, Tol: 1e-10, Sweeps: 5000})
			if err != nil {
				t.Fatal(err)
			}
			if res.States != nil || res.Sweeps >= 5000 {
				t.Errorf("mean field: states %v, %d iterations (did not converge?)", res.States != nil, res.Sweeps)
			}
			worst := 0.0
			for i, row := range completeRows {
				want := tm.meanField(row, completeMask)
				exact := tm.exactConditional(row, completeMask)
				for j, g := range res.Means.Row(i) {
					if math.Abs(g-want[j]) > tc.tol {
						t.Errorf("row %v: μ_%d = %.9f, the Go iteration %.9f", row, j, g, want[j])
					}
					worst = math.Max(worst, math.Abs(g-exact[j]))
				}
			}
			t.Logf("largest |mean field − exact| = %.4f", worst)
			if tc.exact > 0 && worst > tc.exact {
				t.Errorf("mean field is %.4f from the exact means, want ≤ %g", worst, tc.exact)
			}
		})
	}
}

// TestCompleteErrors checks bad masks and options.
func TestCompleteErrors(t *testing.T) {
	m := tinies[0].withParams(3).model(t, tf.Double, nil)
	x := matrixOf(completeRows)
	for _, o := range []CompleteOptions{
		{Mask: completeMask[:3]},
		{Mask: make([]bool, 7*5)},
		{Mask: completeMask, Sweeps: -1},
		{Mask: completeMask, Sweeps: 20, BurnIn: 20},
	} {
		if _, err := m.Complete(context.Background(), x, o); err == nil {
			t.Errorf("Complete with mask of %d, sweeps %d, burn-in %d: no error", len(o.Mask), o.Sweeps, o.BurnIn)
		}
	}
	if _, err := m.Complete(context.Background(), dataset.NewMatrix[float64](2, 4), CompleteOptions{Mask: completeMask}); err == nil {
		t.Error("4 columns for 5 visible units: no error")
	}
}
