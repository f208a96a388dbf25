package dataset

import (
	"errors"
	"testing"
)

func TestNewMatrix(t *testing.T) {
	m := NewMatrix[float32](2, 3)
	if m.Rows != 2 || m.Cols != 3 || len(m.Data) != 6 {
		t.Fatalf("NewMatrix(2,3) = %d×%d with %d elements", m.Rows, m.Cols, len(m.Data))
	}
	for i, v := range m.Data {
		if v != 0 {
			t.Errorf("Data[%d] = %g, want 0", i, v)
		}
	}
}

func TestMatrixRowSharesStorage(t *testing.T) {
	m := matrixOf([]float64{1, 2}, []float64{3, 4}, []float64{5, 6})
	r := m.Row(1)
	if r[0] != 3 || r[1] != 4 {
		t.Fatalf("Row(1) = %v, want [3 4]", r)
	}
	r[0] = 30
	if m.Data[2] != 30 {
		t.Errorf("writing Row(1)[0] did not change Data[2]: %v", m.Data)
	}
	_ = append(r, 99) // capacity is cut: must not overwrite row 2
	if m.Data[4] != 5 {
		t.Errorf("append to Row(1) overwrote row 2: %v", m.Data)
	}
}

func TestMatrixSliceRows(t *testing.T) {
	m := matrixOf([]float64{1, 2}, []float64{3, 4}, []float64{5, 6})
	for _, tc := range []struct {
		i, j int
		want []float64
	}{
		{0, 3, []float64{1, 2, 3, 4, 5, 6}},
		{1, 3, []float64{3, 4, 5, 6}},
		{1, 2, []float64{3, 4}},
		{2, 2, []float64{}},
	} {
		s := m.SliceRows(tc.i, tc.j)
		if s.Rows != tc.j-tc.i || s.Cols != 2 || !equalSlices(s.Data, tc.want) {
			t.Errorf("SliceRows(%d,%d) = %d×%d %v, want %v", tc.i, tc.j, s.Rows, s.Cols, s.Data, tc.want)
		}
	}
	s := m.SliceRows(1, 2)
	s.Data[0] = -1
	if m.Data[2] != -1 {
		t.Errorf("SliceRows does not share storage: %v", m.Data)
	}
}

func TestMatrixGatherCopies(t *testing.T) {
	m := matrixOf([]float32{1, 2}, []float32{3, 4}, []float32{5, 6})
	g := m.Gather([]int{2, 0, 2})
	want := []float32{5, 6, 1, 2, 5, 6}
	if g.Rows != 3 || g.Cols != 2 || !equalSlices(g.Data, want) {
		t.Fatalf("Gather = %d×%d %v, want 3×2 %v", g.Rows, g.Cols, g.Data, want)
	}
	g.Data[0] = 100
	if m.Data[4] != 5 {
		t.Errorf("Gather result shares storage with the source")
	}
}

func TestConvert(t *testing.T) {
	m := matrixOf([]float64{0.1, -2}, []float64{1e30, 3})
	f := Convert[float32](m)
	want := []float32{float32(0.1), -2, float32(1e30), 3}
	if f.Rows != 2 || f.Cols != 2 || !equalSlices(f.Data, want) {
		t.Errorf("Convert = %v, want %v", f.Data, want)
	}
	back := Convert[float64](f)
	if back.Data[0] != float64(float32(0.1)) {
		t.Errorf("Convert back = %v", back.Data[0])
	}
	if Convert[float32, float64](nil) != nil {
		t.Errorf("Convert(nil) != nil")
	}
}

func TestMatrixValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    *Matrix[float64]
		ok   bool
	}{
		{"nil", nil, false},
		{"negative", &Matrix[float64]{Rows: -1, Cols: 2}, false},
		{"short data", &Matrix[float64]{Rows: 2, Cols: 2, Data: make([]float64, 3)}, false},
		{"long data", &Matrix[float64]{Rows: 1, Cols: 2, Data: make([]float64, 3)}, false},
		{"ok", NewMatrix[float64](2, 2), true},
		{"empty", NewMatrix[float64](0, 5), true},
	} {
		err := tc.m.Validate()
		if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrShape)) {
			t.Errorf("%s: Validate() = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

// equalSlices reports whether a and b hold the same values (NaN never
// equal).
func equalSlices[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
