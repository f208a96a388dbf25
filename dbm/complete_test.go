package dbm

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/floats"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// completeCases are binary tiny DBMs, the given visible units and rows whose given units
// condition the completions (values at missing units are ignored, and differ to show it).
var completeCases = []struct {
	d    tinyDBM
	mask []bool
	rows [][]float64
}{
	{tinyDBMs[0], []bool{true, false, true, false}, [][]float64{{0, 0, 0, 0}, {1, 1, 0, 1}, {1, 0, 1, 0}, {0, 1, 1, 1}}},
	{tinyDBMs[1], []bool{false, true, false}, [][]float64{{0, 0, 0}, {1, 1, 1}}},
}

func rowsMatrix(rows [][]float64) *dataset.Matrix[float64] {
	x := dataset.NewMatrix[float64](len(rows), len(rows[0]))
	for i, r := range rows {
		copy(x.Row(i), r)
	}
	return x
}

// exactConditional returns E[v_j | v_given] for every visible unit j of a binary tiny DBM, by
// enumerating the missing units' states with weights Σ_h exp(−E(v, h)).
func (d tinyDBM) exactConditional(row []float64, mask []bool) []float64 {
	var free []int
	for j, g := range mask {
		if !g {
			free = append(free, j)
		}
	}
	mean := make([]float64, len(row))
	var logs []float64
	var vs [][]float64
	for code := 0; code < 1<<len(free); code++ {
		v := slices.Clone(row)
		for k, j := range free {
			v[j] = float64(code >> k & 1)
		}
		vs = append(vs, v)
		logs = append(logs, d.logUnnormalized(v))
	}
	norm := floats.LogSumExp(logs)
	for i, v := range vs {
		w := math.Exp(logs[i] - norm)
		for j := range v {
			mean[j] += w * v[j]
		}
	}
	return mean
}

// meanField returns the mean-field fixed point of a binary tiny DBM's hidden layers and missing
// visible units, iterated in plain Go from zeros at the missing units and the bottom-up pass
// (input doubled below the top), sweeping h₁ → … → h_L → v as Complete does.
func (d tinyDBM) meanField(row []float64, mask []bool) []float64 {
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	L := len(d.sizes) - 1
	mu := make([][]float64, L+1)
	mu[0] = slices.Clone(row)
	for j, g := range mask {
		if !g {
			mu[0][j] = 0
		}
	}
	// in returns the input of unit k of layer l from its neighbours (below, and above if up).
	in := func(l, k int, up bool) float64 {
		a := 0.0
		for j, v := range mu[l-1] {
			a += v * d.p.W[l-1][j*d.sizes[l]+k]
		}
		if up && l < L {
			for j, v := range mu[l+1] {
				a += d.p.W[l][k*d.sizes[l+1]+j] * v
			}
		}
		return a
	}
	for l := 1; l <= L; l++ {
		mu[l] = make([]float64, d.sizes[l])
		f := 2.0
		if l == L {
			f = 1
		}
		for k := range mu[l] {
			mu[l][k] = sig(d.p.B[l][k] + f*in(l, k, false))
		}
	}
	for range 100000 {
		moved := 0.0
		set := func(p *float64, v float64) {
			moved = math.Max(moved, math.Abs(v-*p))
			*p = v
		}
		for l := 1; l <= L; l++ {
			for k := range mu[l] {
				set(&mu[l][k], sig(d.p.B[l][k]+in(l, k, true)))
			}
		}
		for j, g := range mask {
			if g {
				continue
			}
			a := d.p.B[0][j]
			for k, h := range mu[1] {
				a += d.p.W[0][j*d.sizes[1]+k] * h
			}
			set(&mu[0][j], sig(a))
		}
		if moved < 1e-15 {
			break
		}
	}
	return mu[0]
}

// TestCompleteGibbsExact checks the Gibbs completion's means against the exact conditional
// means p(v_missing | v_given) of tiny binary DBMs (two and three hidden layers), that the
// given units keep the data's values, and that the same seed gives the same completion.
func TestCompleteGibbsExact(t *testing.T) {
	for _, tc := range completeCases {
		d := tc.d.withParams(3)
		t.Run(d.name, func(t *testing.T) {
			m := d.model(t, tf.Double, nil)
			const chains = 400 // per row
			var rows [][]float64
			for _, r := range tc.rows {
				for range chains {
					rows = append(rows, r)
				}
			}
			res, err := m.Complete(context.Background(), rowsMatrix(rows), rbm.CompleteOptions{Mask: tc.mask, Sweeps: 300, BurnIn: 50, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if res.Sweeps != 300 || res.States == nil {
				t.Fatalf("%d sweeps, states %v", res.Sweeps, res.States != nil)
			}
			worst := 0.0
			for i, row := range tc.rows {
				want := d.exactConditional(row, tc.mask)
				got := make([]float64, len(row))
				for c := range chains {
					r := i*chains + c
					for j := range got {
						got[j] += res.Means.Row(r)[j] / chains
						if tc.mask[j] && (res.Means.Row(r)[j] != row[j] || res.States.Row(r)[j] != row[j]) {
							t.Fatalf("row %d, given unit %d: mean %g, state %g, want %g", r, j, res.Means.Row(r)[j], res.States.Row(r)[j], row[j])
						}
					}
				}
				for j := range got {
					worst = math.Max(worst, math.Abs(got[j]-want[j]))
					// 400 chains × 250 averaged sweeps of E[v_j | h₁] (standard deviation
					// < 0.5): the standard error is below 0.5/√(100000/τ) ≈ 0.004 for an
					// autocorrelation time τ ≤ 6 sweeps; 0.015 is about 4 of them.
					if math.Abs(got[j]-want[j]) > 0.015 {
						t.Errorf("row %v: E[v_%d | given] = %.4f by Gibbs, exactly %.4f", row, j, got[j], want[j])
					}
				}
			}
			t.Logf("largest |Gibbs − exact| = %.4f", worst)
			o := rbm.CompleteOptions{Mask: tc.mask, Sweeps: 30, Seed: 1}
			a, err := m.Complete(context.Background(), rowsMatrix(rows[:50]), o)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := m.Complete(context.Background(), rowsMatrix(rows[:50]), o)
			if !slices.Equal(a.States.Data, b.States.Data) || !slices.Equal(a.Means.Data, b.Means.Data) {
				t.Error("the same seed gave different completions")
			}
		})
	}
}

// TestCompleteMeanField checks the mean-field completion against a plain-Go iteration of the
// same fixed-point equations (both dtypes), and against the exact conditional means of weakly
// coupled models, where mean field is close to exact.
func TestCompleteMeanField(t *testing.T) {
	for _, cc := range completeCases {
		for _, tc := range []struct {
			name  string
			dt    tf.DataType
			tol   float64 // against the Go iteration: the stopping tolerance plus rounding
			scale float64 // of the weights
			exact float64 // largest error against the exact means (0: not checked)
		}{
			{"float64", tf.Double, 1e-8, 1, 0},
			{"float32", tf.Float, 2e-5, 1, 0},
			// With weights of standard deviation 0.08 the neglected correlations are O(w²).
			{"weak", tf.Double, 1e-8, 0.1, 3e-3},
		} {
			t.Run(cc.d.name+"/"+tc.name, func(t *testing.T) {
				d := cc.d.withParams(3)
				for _, w := range d.p.W {
					for i := range w {
						w[i] *= tc.scale
					}
				}
				m := d.model(t, tc.dt, nil)
				res, err := m.Complete(context.Background(), rowsMatrix(cc.rows), rbm.CompleteOptions{Mask: cc.mask, MeanField: true, Tol: 1e-12, Sweeps: 5000})
				if err != nil {
					t.Fatal(err)
				}
				if res.States != nil || res.Sweeps >= 5000 {
					t.Errorf("mean field: states %v, %d iterations (did not converge?)", res.States != nil, res.Sweeps)
				}
				worst := 0.0
				for i, row := range cc.rows {
					want := d.meanField(row, cc.mask)
					exact := d.exactConditional(row, cc.mask)
					for j, g := range res.Means.Row(i) {
						if math.Abs(g-want[j]) > tc.tol {
							t.Errorf("row %v: μ_%d = %.9f, the Go iteration %.9f", row, j, g, want[j])
						}
						if cc.mask[j] && g != row[j] {
							t.Errorf("row %v: given unit %d holds %g", row, j, g)
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
}

// TestCompleteErrors checks bad masks, shapes and options.
func TestCompleteErrors(t *testing.T) {
	cc := completeCases[0]
	m := cc.d.withParams(3).model(t, tf.Double, nil)
	x := rowsMatrix(cc.rows)
	for _, tc := range []struct {
		o     rbm.CompleteOptions
		shape bool
	}{
		{rbm.CompleteOptions{Mask: cc.mask[:3]}, true},
		{rbm.CompleteOptions{Mask: make([]bool, 7*4)}, true},
		{rbm.CompleteOptions{Mask: cc.mask, Sweeps: -1}, false},
		{rbm.CompleteOptions{Mask: cc.mask, Sweeps: 20, BurnIn: 20}, false},
	} {
		_, err := m.Complete(context.Background(), x, tc.o)
		if err == nil || errors.Is(err, ErrShape) != tc.shape {
			t.Errorf("Complete with mask of %d, sweeps %d, burn-in %d: error %v (want a shape error: %v)", len(tc.o.Mask), tc.o.Sweeps, tc.o.BurnIn, err, tc.shape)
		}
	}
	if _, err := m.Complete(context.Background(), dataset.NewMatrix[float64](2, 3), rbm.CompleteOptions{Mask: cc.mask}); !errors.Is(err, ErrShape) {
		t.Errorf("3 columns for 4 visible units: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Complete(ctx, x, rbm.CompleteOptions{Mask: cc.mask}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
