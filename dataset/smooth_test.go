package dataset

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomMatrix returns an r×c matrix of seeded uniform values in [0, 1)
// plus a per-column offset, so column means are not zero.
func randomMatrix(r, c int, seed uint64) *Matrix[float64] {
	rng := rand.New(rand.NewPCG(seed, 0))
	m := NewMatrix[float64](r, c)
	for i := range m.Data {
		m.Data[i] = rng.Float64() + float64(i%c)
	}
	return m
}

// centredSingularValues returns the singular values of m minus its column
// means, in descending order.
func centredSingularValues(t *testing.T, m *Matrix[float64]) []float64 {
	t.Helper()
	s := FitStandardizer(m)
	d := mat.NewDense(m.Rows, m.Cols, nil)
	for i := range m.Rows {
		for j, v := range m.Row(i) {
			d.Set(i, j, v-s.Mean[j])
		}
	}
	var svd mat.SVD
	if !svd.Factorize(d, mat.SVDNone) {
		t.Fatal("SVD failed")
	}
	return svd.Values(nil)
}

func TestSmoothDropNothing(t *testing.T) {
	for _, shape := range [][2]int{{20, 8}, {5, 12}} {
		x := randomMatrix(shape[0], shape[1], 3)
		y, err := Smooth(x, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i := range x.Data {
			if math.Abs(y.Data[i]-x.Data[i]) > 1e-9 {
				t.Fatalf("%v: Smooth(x, 0)[%d] = %.15g, want %.15g", shape, i, y.Data[i], x.Data[i])
			}
		}
	}
}

func TestSmoothLowRank(t *testing.T) {
	for _, tc := range []struct {
		rows, cols, keep int
	}{
		{30, 10, 1},
		{30, 10, 4},
		{6, 15, 2}, // wide: k = 6 singular values
	} {
		x := randomMatrix(tc.rows, tc.cols, 11)
		k := min(tc.rows, tc.cols)
		orig := centredSingularValues(t, x)
		y, err := Smooth(x, k-tc.keep)
		if err != nil {
			t.Fatal(err)
		}
		got := centredSingularValues(t, y)
		for j, s := range got {
			if j < tc.keep {
				if math.Abs(s-orig[j]) > 1e-9*orig[0] {
					t.Errorf("%d×%d keep %d: singular value %d = %g, want %g", tc.rows, tc.cols, tc.keep, j, s, orig[j])
				}
			} else if s > 1e-9*orig[0] {
				t.Errorf("%d×%d keep %d: singular value %d = %g, want 0 (rank %d)", tc.rows, tc.cols, tc.keep, j, s, tc.keep)
			}
		}
		// The column means are added back unchanged.
		mx, my := FitStandardizer(x).Mean, FitStandardizer(y).Mean
		for j := range mx {
			if math.Abs(mx[j]-my[j]) > 1e-12 {
				t.Errorf("column %d mean %g, want %g", j, my[j], mx[j])
			}
		}
	}
}

func TestSmoothDropAll(t *testing.T) {
	x := randomMatrix(7, 4, 2)
	y, err := Smooth(x, 4)
	if err != nil {
		t.Fatal(err)
	}
	mean := FitStandardizer(x).Mean
	for i := range y.Rows {
		for j, v := range y.Row(i) {
			if math.Abs(v-mean[j]) > 1e-12 {
				t.Fatalf("Smooth(x, k)(%d,%d) = %g, want the column mean %g", i, j, v, mean[j])
			}
		}
	}
}

func TestSmoothErrors(t *testing.T) {
	x := randomMatrix(4, 3, 1)
	for _, tc := range []struct {
		name string
		x    *Matrix[float64]
		drop int
		want error
	}{
		{"negative drop", x, -1, ErrArgument},
		{"drop > k", x, 4, ErrArgument},
		{"empty", NewMatrix[float64](0, 3), 0, ErrShape},
		{"nil", nil, 0, ErrShape},
		{"malformed", &Matrix[float64]{Rows: 2, Cols: 2, Data: []float64{1}}, 0, ErrShape},
	} {
		if _, err := Smooth(tc.x, tc.drop); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}
