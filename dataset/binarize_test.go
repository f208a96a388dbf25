package dataset

import (
	"math"
	"testing"
)

func TestBinarizeThreshold(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		t    float64
		want []float64
	}{
		{[]float64{0, 0.5, 0.50001, 1, -1}, 0.5, []float64{0, 0, 1, 1, 0}},
		{[]float64{0, 1e-9, math.NaN()}, 0, []float64{0, 1, 0}},
	} {
		m := &Matrix[float64]{Rows: 1, Cols: len(tc.in), Data: append([]float64(nil), tc.in...)}
		BinarizeThreshold(m, tc.t)
		if !equalSlices(m.Data, tc.want) {
			t.Errorf("BinarizeThreshold(%v, %g) = %v, want %v", tc.in, tc.t, m.Data, tc.want)
		}
	}
}

func TestBinarizeStochastic(t *testing.T) {
	const n = 100000
	m := NewMatrix[float32](n, 4)
	for i := range n {
		copy(m.Row(i), []float32{0, 1, 0.3, 2})
	}
	orig := Convert[float32](m)
	BinarizeStochastic(m, 9)
	var ones [4]int
	for i := range n {
		for j, v := range m.Row(i) {
			if v != 0 && v != 1 {
				t.Fatalf("value %g is not binary", v)
			}
			ones[j] += int(v)
		}
	}
	if ones[0] != 0 || ones[1] != n || ones[3] != n {
		t.Errorf("p=0, 1, 2 gave %d, %d, %d ones of %d", ones[0], ones[1], ones[3], n)
	}
	// p = 0.3: 4σ = 4·sqrt(0.3·0.7/n) ≈ 0.0058.
	if f := float64(ones[2]) / n; math.Abs(f-0.3) > 4*math.Sqrt(0.3*0.7/n) {
		t.Errorf("p=0.3 gave frequency %g", f)
	}
	again := Convert[float32](orig)
	BinarizeStochastic(again, 9)
	if !equalSlices(again.Data, m.Data) {
		t.Errorf("same seed gave different samples")
	}
	other := Convert[float32](orig)
	BinarizeStochastic(other, 10)
	if equalSlices(other.Data, m.Data) {
		t.Errorf("different seeds gave the same samples")
	}
}
