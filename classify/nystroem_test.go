package classify

import (
	"math"
	"testing"
)

// TestNystroemExact checks that with all training rows as landmarks
// (Dim = n, and Dim > n, which is clipped to n) the features reproduce
// the kernel exactly: z(x_i)ᵀz(x_j) = K(x_i, x_j) for training rows, and
// z(x_i)ᵀz(q) = K(x_i, q) for a new row q (K_m K_mm⁺ K_m(q) = K(x_i, q)
// when x_i is a landmark), to 1e-9.
func TestNystroemExact(t *testing.T) {
	x, _ := mixture(30, 3, 3, 0.7, 61)
	q, _ := mixture(5, 3, 3, 0.7, 62)
	const gamma = 0.5
	for _, dim := range []int{30, 50} {
		m := &Nystroem{Dim: dim, Gamma: gamma, Seed: 1}
		if err := m.Fit(x); err != nil {
			t.Fatal(err)
		}
		zx, err := m.Transform(x)
		if err != nil {
			t.Fatal(err)
		}
		zq, err := m.Transform(q)
		if err != nil {
			t.Fatal(err)
		}
		if zx.Cols != 30 {
			t.Fatalf("Dim %d: %d features, want 30", dim, zx.Cols)
		}
		worst := 0.0
		for i := range x.Rows {
			for j := range x.Rows {
				worst = max(worst, math.Abs(dot(zx.Row(i), zx.Row(j))-math.Exp(-gamma*sqDist(x.Row(i), x.Row(j)))))
			}
			for j := range q.Rows {
				worst = max(worst, math.Abs(dot(zx.Row(i), zq.Row(j))-math.Exp(-gamma*sqDist(x.Row(i), q.Row(j)))))
			}
		}
		if worst > 1e-9 {
			t.Errorf("Dim %d: largest |z(x)ᵀz(y) − K(x, y)| = %g, want ≤ 1e-9", dim, worst)
		}
	}
}

// TestNystroemDuplicateRows checks that a singular K_mm (two identical
// landmarks) is handled by the pseudo-inverse: the features stay finite
// and still reproduce the kernel.
func TestNystroemDuplicateRows(t *testing.T) {
	x := matrixOf(4, 1, 0, 0, 1, 3)
	m := &Nystroem{Dim: 4, Gamma: 1}
	if err := m.Fit(x); err != nil {
		t.Fatal(err)
	}
	z, err := m.Transform(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		for j := range 4 {
			want := math.Exp(-sqDist(x.Row(i), x.Row(j)))
			if got := dot(z.Row(i), z.Row(j)); math.Abs(got-want) > 1e-9 {
				t.Errorf("z(x_%d)ᵀz(x_%d) = %g, want %g", i, j, got, want)
			}
		}
	}
}
