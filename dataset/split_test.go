package dataset

import (
	"errors"
	"slices"
	"testing"
)

// rowIDMatrix returns an n×2 matrix whose row i is (i, −i), so a row's
// origin can be read back from its content.
func rowIDMatrix(n int) *Matrix[float64] {
	m := NewMatrix[float64](n, 2)
	for i := range n {
		m.Data[2*i], m.Data[2*i+1] = float64(i), -float64(i)
	}
	return m
}

func TestSplitDeterministicDisjoint(t *testing.T) {
	const n = 100
	x := rowIDMatrix(n)
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i * 7 % 251
	}
	for _, tc := range []struct{ nTrain, nVal int }{{60, 40}, {70, 20}, {0, 10}, {100, 0}, {0, 0}} {
		train, val, yt, yv, err := Split(x, labels, tc.nTrain, tc.nVal, 42)
		if err != nil {
			t.Fatalf("Split(%d,%d): %v", tc.nTrain, tc.nVal, err)
		}
		if train.Rows != tc.nTrain || val.Rows != tc.nVal || len(yt) != tc.nTrain || len(yv) != tc.nVal {
			t.Fatalf("Split(%d,%d) sizes %d,%d,%d,%d", tc.nTrain, tc.nVal, train.Rows, val.Rows, len(yt), len(yv))
		}
		seen := map[int]bool{}
		check := func(m *Matrix[float64], y []int) {
			for k := range m.Rows {
				id := int(m.Row(k)[0])
				if m.Row(k)[1] != -float64(id) {
					t.Fatalf("row %d is not an intact source row: %v", k, m.Row(k))
				}
				if seen[id] {
					t.Errorf("Split(%d,%d): row %d appears twice", tc.nTrain, tc.nVal, id)
				}
				seen[id] = true
				if y[k] != labels[id] {
					t.Errorf("label of source row %d = %d, want %d", id, y[k], labels[id])
				}
			}
		}
		check(train, yt)
		check(val, yv)
		// The selection is the head and the tail of one permutation: the
		// order of all rows is what Split(n, 0) returns.
		all, _, _, _, _ := Split(x, nil, n, 0, 42)
		for k := range tc.nTrain {
			if train.Row(k)[0] != all.Row(k)[0] {
				t.Fatalf("train row %d = %v, want the shuffled row %d = %v", k, train.Row(k), k, all.Row(k))
			}
		}
		for k := range tc.nVal {
			if want := all.Row(n - tc.nVal + k); val.Row(k)[0] != want[0] {
				t.Fatalf("val row %d = %v, want the shuffled row %d = %v (X[-n_val:])", k, val.Row(k), n-tc.nVal+k, want)
			}
		}
		ti, vi, _ := SplitIndices(n, tc.nTrain, tc.nVal, 42)
		for k, i := range ti {
			if int(train.Row(k)[0]) != i {
				t.Fatalf("train row %d from %v, SplitIndices says %d", k, train.Row(k), i)
			}
		}
		for k, i := range vi {
			if int(val.Row(k)[0]) != i {
				t.Fatalf("val row %d from %v, SplitIndices says %d", k, val.Row(k), i)
			}
		}
		// Same seed: same bits.
		train2, val2, yt2, yv2, _ := Split(x, labels, tc.nTrain, tc.nVal, 42)
		if !equalSlices(train.Data, train2.Data) || !equalSlices(val.Data, val2.Data) || !slices.Equal(yt, yt2) || !slices.Equal(yv, yv2) {
			t.Errorf("Split(%d,%d) is not deterministic", tc.nTrain, tc.nVal)
		}
	}
}

func TestSplitSeedMatters(t *testing.T) {
	x := rowIDMatrix(50)
	a, _, _, _, _ := Split(x, nil, 50, 0, 1)
	b, _, _, _, _ := Split(x, nil, 50, 0, 2)
	if equalSlices(a.Data, b.Data) {
		t.Errorf("seeds 1 and 2 give the same permutation")
	}
	ids := make([]int, 50)
	for k := range ids {
		ids[k] = int(a.Row(k)[0])
	}
	if slices.IsSorted(ids) {
		t.Errorf("Split did not shuffle: %v", ids)
	}
	slices.Sort(ids)
	for k, id := range ids {
		if id != k {
			t.Fatalf("train with nVal=0 is not a permutation of all rows: %v", ids)
		}
	}
}

func TestSplitImagesMatchesSplit(t *testing.T) {
	im := &Images{N: 20, Height: 2, Width: 2, Channels: 1, Pix: seq(80, 0, 3)}
	x := ToMatrix[float32](im)
	train, val, _, _, err := Split(x, nil, 12, 5, 7)
	if err != nil {
		t.Fatal(err)
	}
	ti, vi, err := SplitIndices(im.N, 12, 5, 7)
	if err != nil {
		t.Fatal(err)
	}
	if got := ToMatrix[float32](im.Gather(ti)); !equalSlices(got.Data, train.Data) {
		t.Errorf("Images.Gather(train indices) differs from Split's train rows")
	}
	if got := ToMatrix[float32](im.Gather(vi)); !equalSlices(got.Data, val.Data) {
		t.Errorf("Images.Gather(val indices) differs from Split's val rows")
	}
}

func TestSplitErrors(t *testing.T) {
	x := rowIDMatrix(10)
	for _, tc := range []struct {
		name         string
		x            *Matrix[float64]
		labels       []int
		nTrain, nVal int
		want         error
	}{
		{"too many", x, nil, 8, 3, ErrArgument},
		{"negative train", x, nil, -1, 3, ErrArgument},
		{"negative val", x, nil, 1, -3, ErrArgument},
		{"labels length", x, make([]int, 9), 5, 5, ErrShape},
		{"nil matrix", nil, nil, 0, 0, ErrShape},
		{"malformed matrix", &Matrix[float64]{Rows: 3, Cols: 3}, nil, 1, 1, ErrShape},
	} {
		_, _, _, _, err := Split(tc.x, tc.labels, tc.nTrain, tc.nVal, 1)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestSplitInPlaceEqualsSplit(t *testing.T) {
	x := NewMatrix[float32](23, 3)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	train, val, _, _, err := Split(x, nil, 15, 5, 9)
	if err != nil {
		t.Fatal(err)
	}
	y := &Matrix[float32]{Rows: x.Rows, Cols: x.Cols, Data: append([]float32(nil), x.Data...)}
	tr, va, err := SplitInPlace(y, 15, 5, 9)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tr.Data, train.Data) || !slices.Equal(va.Data, val.Data) {
		t.Errorf("in place: train %v, val %v; Split: %v, %v", tr.Data, va.Data, train.Data, val.Data)
	}
	if _, _, err := SplitInPlace(y, 20, 5, 9); !errors.Is(err, ErrArgument) {
		t.Errorf("20 + 5 of 23 rows: %v, want ErrArgument", err)
	}
}
