package classify

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestSVCTwoPoints solves the two-point problem x₁ = (0, 0) of class 0
// (y = +1) and x₂ = (1, 2) of class 1 (y = −1) with γ = 0.1, so
// k = K(x₁, x₂) = e^{−0.5}. The constraint α₁ = α₂ = α leaves
// ½α²(2 − 2k) − 2α, minimised at α = 1/(1 − k) = 2.5415 when C ≥ α, and
// at α = C otherwise; ρ = 0 by symmetry either way, so the decision
// function is α(K(x₁, x) − K(x₂, x)).
func TestSVCTwoPoints(t *testing.T) {
	x := matrixOf(2, 2, 0, 0, 1, 2)
	k := math.Exp(-0.5)
	for _, c := range []float64{10, 1} {
		want := min(1/(1-k), c)
		m := &SVC{C: c, Gamma: 0.1, Tol: 1e-9}
		if err := m.Fit(x, []int{0, 1}); err != nil {
			t.Fatal(err)
		}
		pr := m.pairs[0]
		if a := pr.res.alpha; math.Abs(a[0]-want) > 1e-9 || math.Abs(a[1]-want) > 1e-9 || math.Abs(pr.rho) > 1e-9 {
			t.Errorf("C=%g: α = %v, ρ = %g; want α = %.6f twice, ρ = 0", c, a, pr.rho, want)
		}
		q := matrixOf(1, 2, 0.5, 0.5)
		dec, err := m.decisions("test", q)
		if err != nil {
			t.Fatal(err)
		}
		wantDec := want * (math.Exp(-0.1*0.5) - math.Exp(-0.1*(0.25+2.25)))
		if math.Abs(dec[0]-wantDec) > 1e-9 {
			t.Errorf("C=%g: f(0.5, 0.5) = %.10f, want %.10f", c, dec[0], wantDec)
		}
	}
}

// TestSVCDiagonalKernel uses points so far apart (γ‖x_i − x_j‖² ≥ 1000)
// that K(x_i, x_j) = exp(−1000) underflows to exactly 0 and Q = I. With
// n₊ points of class 0 (y = +1) and n₋ of class 1, the dual
// min ½‖α‖² − Σα, Σyα = 0 has α₊ = 2n₋/n, α₋ = 2n₊/n and
// ρ = (n₋ − n₊)/n, and every point lies exactly on its margin. For
// n₊ = 1, n₋ = 3: α₊ = 1.5, α₋ = 0.5, ρ = 0.5.
func TestSVCDiagonalKernel(t *testing.T) {
	x := matrixOf(4, 1, 0, 10, 20, 30)
	m := &SVC{C: 100, Gamma: 10, Tol: 1e-12}
	if err := m.Fit(x, []int{0, 1, 1, 1}); err != nil {
		t.Fatal(err)
	}
	pr := m.pairs[0]
	want := []float64{1.5, 0.5, 0.5, 0.5}
	for i, a := range pr.res.alpha {
		if math.Abs(a-want[i]) > 1e-12 {
			t.Errorf("α = %v, want %v", pr.res.alpha, want)
			break
		}
	}
	if math.Abs(pr.rho-0.5) > 1e-12 {
		t.Errorf("ρ = %g, want 0.5", pr.rho)
	}
	dec, err := m.decisions("test", x)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range dec {
		if w := []float64{1, -1, -1, -1}[i]; math.Abs(d-w) > 1e-12 {
			t.Errorf("f(x_%d) = %g, want %g (on the margin)", i, d, w)
		}
	}
}

// kktViolation recomputes, in float64 and from scratch, the gradient
// ∇_i = (Qα)_i − 1 of a binary problem of m, fitted on x and y, and
// returns the maximal violation max_{I_up} −y_i∇_i − min_{I_low} −y_i∇_i
// (≤ 0 at an exact optimum), |Σ y_i α_i| and the largest bound violation
// of α.
func kktViolation(m *SVC, x *dataset.Matrix[float64], y []int, pr svcPair, c float64) (viol, eq, box float64) {
	n := len(pr.rows)
	yy := make([]float64, n)
	for t, r := range pr.rows {
		yy[t] = -1
		if y[r] == m.labels.present[pr.a] {
			yy[t] = 1
		}
	}
	up, low := math.Inf(-1), math.Inf(1)
	for i := range n {
		g := -1.0
		for j := range n {
			k := math.Exp(-m.gamma * sqDist(x.Row(pr.rows[i]), x.Row(pr.rows[j])))
			g += yy[i] * yy[j] * k * pr.res.alpha[j]
		}
		a := pr.res.alpha[i]
		eq += yy[i] * a
		box = max(box, -a, a-c)
		v := -yy[i] * g
		if (yy[i] > 0 && a < c) || (yy[i] < 0 && a > 0) { // I_up
			up = max(up, v)
		}
		if (yy[i] > 0 && a > 0) || (yy[i] < 0 && a < c) { // I_low
			low = min(low, v)
		}
	}
	return up - low, math.Abs(eq), box
}

// TestSVCKKT fits 3 overlapping classes (3 binary problems) and checks
// at each solution, recomputing the gradient from scratch, that the KKT
// conditions hold within Tol: the maximal violating pair's gap is below
// Tol, Σ y_i α_i = 0 and 0 ≤ α ≤ C. It does so with and without
// shrinking, which must reach the same dual objective within Tol·C·n,
// and with a kernel cache of only 2.5 rows, which makes the cache evict
// and drop rows on every swap.
func TestSVCKKT(t *testing.T) {
	x, y := mixture(240, 4, 3, 0.8, 31)
	const c, tol = 10.0, 1e-4
	objs := map[bool][]float64{}
	for _, tc := range []struct {
		noShrink bool
		budget   int
	}{{false, 0}, {true, 0}, {false, 400}} {
		noShrink := tc.noShrink
		m := &SVC{C: c, Tol: tol, noShrinking: noShrink, cacheElems: tc.budget}
		if err := m.Fit(x, y); err != nil {
			t.Fatal(err)
		}
		if len(m.pairs) != 3 || !m.Converged() {
			t.Fatalf("%d pairs, converged %v; want 3, true", len(m.pairs), m.Converged())
		}
		for _, pr := range m.pairs {
			viol, eq, box := kktViolation(m, x, y, pr, c)
			if viol > tol+1e-9 || eq > 1e-9 || box > 0 {
				t.Errorf("noShrinking=%v pair (%d,%d): KKT gap %g (Tol %g), |Σyα| = %g, bound violation %g",
					noShrink, pr.a, pr.b, viol, tol, eq, box)
			}
			if tc.budget == 0 {
				objs[noShrink] = append(objs[noShrink], pr.res.obj)
			}
		}
	}
	for p := range objs[false] {
		if d := math.Abs(objs[false][p] - objs[true][p]); d > tol*c*float64(x.Rows) {
			t.Errorf("pair %d: dual objective %g with shrinking, %g without", p, objs[false][p], objs[true][p])
		}
	}
}

// TestSVCDeterministic checks that two fits give identical predictions
// and decision values, whatever the scheduling of the pairs, and that
// Progress is called once per pair, in order.
func TestSVCDeterministic(t *testing.T) {
	x, y := mixture(300, 5, 4, 1, 32)
	var decs [][]float64
	for range 2 {
		var calls []int
		m := &SVC{C: 5, Progress: func(done, total int) {
			if total != 6 {
				t.Errorf("Progress total %d, want 6 pairs", total)
			}
			calls = append(calls, done)
		}}
		if err := m.Fit(x, y); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(calls, []int{1, 2, 3, 4, 5, 6}) {
			t.Errorf("Progress calls %v, want 1..6", calls)
		}
		d, err := m.decisions("test", x)
		if err != nil {
			t.Fatal(err)
		}
		decs = append(decs, d)
	}
	if !slices.Equal(decs[0], decs[1]) {
		t.Error("two fits give different decision values")
	}
}

// TestKernelCache drives the LRU cache with random requests and index
// swaps under a budget of a few rows and checks every returned row
// against the permuted reference matrix.
func TestKernelCache(t *testing.T) {
	const l = 40
	rng := rand.New(rand.NewPCG(7, 8))
	perm := make([]int, l) // position → original index
	for i := range perm {
		perm[i] = i
	}
	ref := func(i, j int) float64 { return float64(perm[i]*1000 + perm[j]) }
	c := newKernelCache(l, 3*l)
	for step := range 5000 {
		if rng.IntN(4) == 0 {
			i, j := rng.IntN(l), rng.IntN(l)
			c.swapIndex(i, j)
			perm[i], perm[j] = perm[j], perm[i]
			continue
		}
		i, length := rng.IntN(l), 1+rng.IntN(l)
		row, start := c.get(i, length)
		for j := start; j < length; j++ {
			row[j] = ref(i, j)
		}
		for j := range length {
			if row[j] != ref(i, j) {
				t.Fatalf("step %d: row %d entry %d = %g, want %g", step, i, j, row[j], ref(i, j))
			}
		}
		used := 0
		for _, r := range c.rows {
			used += cap(r)
		}
		if used+c.free != 3*l {
			t.Fatalf("step %d: %d elements cached + %d free, want budget %d", step, used, c.free, 3*l)
		}
	}
}
