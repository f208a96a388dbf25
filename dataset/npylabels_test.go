package dataset

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestNPYLabelsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "y.npy")
	want := []int{3, 0, 9, 1 << 20}
	if err := WriteNPYLabels(p, want); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if (len(b)-len(want)*8)%64 != 0 {
		t.Errorf("header of %d bytes is not 64-aligned", len(b)-len(want)*8)
	}
	got, err := ReadNPYLabels(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("label %d = %d, want %d", i, got[i], want[i])
		}
	}
	// Floats that are not integers, and 2-D arrays, are refused.
	q := filepath.Join(dir, "f.npy")
	if err := WriteNPY(q, &Matrix[float64]{Rows: 2, Cols: 1, Data: []float64{1, 2.5}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadNPYLabels(q); !errors.Is(err, ErrFormat) {
		t.Errorf("fractional label: %v, want ErrFormat", err)
	}
	if err := WriteNPY(q, &Matrix[float64]{Rows: 1, Cols: 2, Data: []float64{1, 2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadNPYLabels(q); !errors.Is(err, ErrShape) {
		t.Errorf("2-D labels: %v, want ErrShape", err)
	}
}
