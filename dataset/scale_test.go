package dataset

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

func TestFitStandardizerExact(t *testing.T) {
	// Columns: 1..4 (mean 2.5, population variance 1.25), constant 7, and
	// {−1, 1, −1, 1} (mean 0, std 1).
	x := matrixOf([]float64{1, 7, -1}, []float64{2, 7, 1}, []float64{3, 7, -1}, []float64{4, 7, 1})
	s := FitStandardizer(x)
	wantMean := []float64{2.5, 7, 0}
	wantStd := []float64{math.Sqrt(1.25), 0, 1}
	for j := range 3 {
		if math.Abs(s.Mean[j]-wantMean[j]) > 1e-15 || math.Abs(s.Std[j]-wantStd[j]) > 1e-15 {
			t.Errorf("feature %d: mean %g std %g, want %g %g", j, s.Mean[j], s.Std[j], wantMean[j], wantStd[j])
		}
	}
	if err := Standardize(s, x); err != nil {
		t.Fatal(err)
	}
	// The constant column has std 0 < MinStd: only centred.
	want := [][]float64{
		{-1.5 / math.Sqrt(1.25), 0, -1},
		{-0.5 / math.Sqrt(1.25), 0, 1},
		{0.5 / math.Sqrt(1.25), 0, -1},
		{1.5 / math.Sqrt(1.25), 0, 1},
	}
	for i, row := range want {
		for j, w := range row {
			if got := x.Row(i)[j]; !(math.Abs(got-w) <= 1e-15) { // NaN fails too
				t.Errorf("standardized (%d,%d) = %g, want %g", i, j, got, w)
			}
		}
	}
}

// TestStandardizeTinyStd checks that a standard deviation below MinStd is
// treated as 1: the feature is only centred, not blown up.
func TestStandardizeTinyStd(t *testing.T) {
	x := matrixOf([]float64{5}, []float64{5 + 2e-9}, []float64{5}, []float64{5 + 2e-9})
	s := FitStandardizer(x)
	if s.Std[0] < 0.9e-9 || s.Std[0] > 1.1e-9 || s.Std[0] >= MinStd {
		t.Fatalf("std = %g, want ≈ 1e-9", s.Std[0])
	}
	if err := Standardize(s, x); err != nil {
		t.Fatal(err)
	}
	for i, v := range x.Data {
		if math.Abs(v) > 2e-9 {
			t.Errorf("row %d = %g, want centred only (|v| ≈ 1e-9)", i, v)
		}
	}
}

func TestStandardizeGivesZeroMeanUnitStd(t *testing.T) {
	for _, tc := range []struct {
		name string
		tol  float64 // float32 rounding of O(10) values: ~1e-6
		f32  bool
	}{
		{"float64", 1e-12, false},
		{"float32", 1e-5, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			x := NewMatrix[float64](500, 6)
			for i := range x.Data {
				j := i % 6
				x.Data[i] = float64(j)*3 + float64(j+1)*r.NormFloat64()
			}
			var mean, std []float64
			if tc.f32 {
				x32 := Convert[float32](x)
				s := FitStandardizer(x32)
				if err := Standardize(s, x32); err != nil {
					t.Fatal(err)
				}
				s2 := FitStandardizer(x32)
				mean, std = s2.Mean, s2.Std
			} else {
				s := FitStandardizer(x)
				if err := Standardize(s, x); err != nil {
					t.Fatal(err)
				}
				s2 := FitStandardizer(x)
				mean, std = s2.Mean, s2.Std
			}
			for j := range 6 {
				if math.Abs(mean[j]) > tc.tol || math.Abs(std[j]-1) > tc.tol {
					t.Errorf("feature %d after standardizing: mean %g std %g", j, mean[j], std[j])
				}
			}
		})
	}
}

func TestStandardizeShapeErrors(t *testing.T) {
	s := &Standardizer{Mean: []float64{0, 0}, Std: []float64{1, 1}}
	x := NewMatrix[float32](2, 3)
	x.Data[0] = 5
	for _, tc := range []struct {
		name string
		s    *Standardizer
		x    *Matrix[float32]
		want error
	}{
		{"columns", s, x, ErrShape},
		{"mean/std lengths", &Standardizer{Mean: []float64{0, 0, 0}, Std: []float64{1}}, x, ErrShape},
		{"nil standardizer", nil, x, ErrArgument},
		{"malformed matrix", s, &Matrix[float32]{Rows: 1, Cols: 2}, ErrShape},
	} {
		if err := Standardize(tc.s, tc.x); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	if x.Data[0] != 5 {
		t.Errorf("a failed Standardize modified x")
	}
}

func TestStandardizerSaveLoad(t *testing.T) {
	s := &Standardizer{Mean: []float64{0.1, -3, 1e-300, 12345.678901234567}, Std: []float64{1, 0, 2.5, math.SmallestNonzeroFloat64}}
	path := filepath.Join(t.TempDir(), "std.json")
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadStandardizer(path)
	if err != nil {
		t.Fatal(err)
	}
	if !equalSlices(got.Mean, s.Mean) || !equalSlices(got.Std, s.Std) {
		t.Errorf("loaded %+v, want %+v", got, s)
	}
	bad := &Standardizer{Mean: []float64{math.NaN()}, Std: []float64{1}}
	if err := bad.Save(path); err == nil {
		t.Errorf("saving NaN succeeded")
	}
	if again, err := LoadStandardizer(path); err != nil || !equalSlices(again.Mean, s.Mean) {
		t.Errorf("failed save damaged the existing file: %v", err)
	}
}

func TestLogitMean(t *testing.T) {
	// Column means: 0.5, 0.25, 0 (clipped to 1e-7), 1 (clipped to 1−1e-7).
	x := matrixOf(
		[]float32{1, 1, 0, 1},
		[]float32{0, 0, 0, 1},
		[]float32{1, 0, 0, 1},
		[]float32{0, 0, 0, 1},
	)
	// The clipped p are used as the original computes them, log(p/(1−p)):
	// for p = 1−1e-7 the float64 value of 1−p is not exactly 1e-7.
	pHi := 1 - 1e-7
	want := []float64{0, math.Log(0.25 / 0.75), math.Log(1e-7 / (1 - 1e-7)), math.Log(pHi / (1 - pHi))}
	got := LogitMean(x)
	for j := range want {
		if math.Abs(got[j]-want[j]) > 1e-12 {
			t.Errorf("LogitMean[%d] = %.15g, want %.15g", j, got[j], want[j])
		}
	}
	// By hand: ln(1e-7) = −16.118095650958319, and −ln(1−1e-7) ≈ +1e-7.
	if math.Abs(want[2]+16.118095550958319) > 1e-12 {
		t.Errorf("reference value %v", want[2])
	}
	if math.Abs(got[3]-16.1180955509583) > 1e-6 { // ≈ −want[2]
		t.Errorf("LogitMean[3] = %.15g, want ≈ 16.1180955509583", got[3])
	}
	if e := LogitMean(NewMatrix[float64](0, 3)); !equalSlices(e, []float64{0, 0, 0}) {
		t.Errorf("LogitMean of no rows = %v, want zeros", e)
	}
	if LogitMean(&Matrix[float64]{Rows: 2, Cols: 2}) != nil {
		t.Errorf("LogitMean of a malformed matrix is not nil")
	}
}

func TestUnstandardizeUndoesStandardize(t *testing.T) {
	x := &Matrix[float64]{Rows: 3, Cols: 3, Data: []float64{0.1, 5, 2, 0.4, 5, -1, 0.9, 5, 7}}
	s := FitStandardizer(x) // column 1 is constant: std 0, treated as 1 both ways
	y := &Matrix[float64]{Rows: 3, Cols: 3, Data: append([]float64(nil), x.Data...)}
	if err := Standardize(s, y); err != nil {
		t.Fatal(err)
	}
	if err := Unstandardize(s, y); err != nil {
		t.Fatal(err)
	}
	for i, v := range y.Data {
		if math.Abs(v-x.Data[i]) > 1e-12 {
			t.Errorf("element %d: %g after the round trip, want %g", i, v, x.Data[i])
		}
	}
	if err := Unstandardize(s, NewMatrix[float64](1, 2)); !errors.Is(err, ErrShape) {
		t.Errorf("2 columns for 3 features: %v, want ErrShape", err)
	}
}
