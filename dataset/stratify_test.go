package dataset

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkStratified checks a stratified split of labels: the sizes, disjoint valid rows, and
// every class's count in each part within one row of its exact share.
func checkStratified(t *testing.T, labels []int, nTrain, nVal int, train, val []int) {
	t.Helper()
	n := len(labels)
	if len(train) != nTrain || len(val) != nVal {
		t.Fatalf("sizes %d and %d, want %d and %d", len(train), len(val), nTrain, nVal)
	}
	seen := make([]bool, n)
	classes := slices.Max(labels) + 1
	size := make([]int, classes)
	for _, l := range labels {
		size[l]++
	}
	for part, idx := range [][]int{train, val} {
		count := make([]int, classes)
		for _, i := range idx {
			if i < 0 || i >= n || seen[i] {
				t.Fatalf("row %d repeated or out of range", i)
			}
			seen[i] = true
			count[labels[i]]++
		}
		for c := range classes {
			share := float64(size[c]) * float64(len(idx)) / float64(n)
			if math.Abs(float64(count[c])-share) >= 1 {
				t.Errorf("part %d (of %d rows): class %d has %d of its %d rows, exact share %.3f", part, len(idx), c, count[c], size[c], share)
			}
		}
	}
}

// TestStratifiedSplitShares checks the shares on MNIST's class counts and on many random
// label sets (skewed classes, empty classes, splits that use every row and ones that do not).
func TestStratifiedSplitShares(t *testing.T) {
	// MNIST's training labels: 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 rows.
	var mnist []int
	for c, k := range []int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949} {
		for range k {
			mnist = append(mnist, c)
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(mnist), func(i, j int) { mnist[i], mnist[j] = mnist[j], mnist[i] })
	for _, sz := range [][2]int{{55000, 5000}, {9000, 1000}, {900, 100}, {90, 10}, {100, 0}, {0, 60000}} {
		train, val, err := StratifiedSplitIndices(mnist, sz[0], sz[1], 42)
		if err != nil {
			t.Fatal(err)
		}
		checkStratified(t, mnist, sz[0], sz[1], train, val)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 2000 {
		n := 1 + r.IntN(60)
		classes := 1 + r.IntN(8)
		labels := make([]int, n)
		for i := range labels {
			labels[i] = min(classes-1, int(float64(classes)*r.Float64()*r.Float64())) // skewed
		}
		nVal := r.IntN(n + 1)
		nTrain := r.IntN(n - nVal + 1)
		if trial%3 == 0 {
			nTrain = n - nVal // every row used
		}
		train, val, err := StratifiedSplitIndices(labels, nTrain, nVal, uint64(trial))
		if err != nil {
			t.Fatal(err)
		}
		checkStratified(t, labels, nTrain, nVal, train, val)
		if t.Failed() {
			t.Fatalf("trial %d: labels %v, nTrain %d, nVal %d", trial, labels, nTrain, nVal)
		}
	}
}

// TestStratifiedSplitSeeded checks that the same seed gives the same split, another seed
// another one, and that the uint8 labels of IDX files give what ints give.
func TestStratifiedSplitSeeded(t *testing.T) {
	labels := make([]int, 500)
	small := make([]uint8, 500)
	for i := range labels {
		labels[i] = i * 7 % 10
		small[i] = uint8(labels[i])
	}
	t1, v1, _ := StratifiedSplitIndices(labels, 300, 100, 5)
	t2, v2, _ := StratifiedSplitIndices(labels, 300, 100, 5)
	t3, v3, _ := StratifiedSplitIndices(small, 300, 100, 5)
	if !slices.Equal(t1, t2) || !slices.Equal(v1, v2) || !slices.Equal(t1, t3) || !slices.Equal(v1, v3) {
		t.Error("the same seed gave different splits")
	}
	t4, v4, _ := StratifiedSplitIndices(labels, 300, 100, 6)
	if slices.Equal(t1, t4) || slices.Equal(v1, v4) {
		t.Error("seeds 5 and 6 gave the same split")
	}
	// Classes are interleaved, not in blocks: the first 10 training rows are not all one class.
	first := map[int]bool{}
	for _, i := range t1[:10] {
		first[labels[i]] = true
	}
	if len(first) < 3 {
		t.Errorf("the first 10 training rows hold %d classes: not shuffled", len(first))
	}
	sub, err := StratifiedSubset(small, 100, 5)
	if err != nil || len(sub) != 100 {
		t.Fatalf("subset: %d rows, %v", len(sub), err)
	}
	checkStratified(t, labels, 100, 0, sub, nil)
}

// TestStratifiedSplitMatrix checks that StratifiedSplit copies the rows and labels
// StratifiedSplitIndices selects.
func TestStratifiedSplitMatrix(t *testing.T) {
	x := rowIDMatrix(50)
	labels := make([]uint8, 50)
	for i := range labels {
		labels[i] = uint8(i % 3)
	}
	train, val, yt, yv, err := StratifiedSplit(x, labels, 30, 15, 9)
	if err != nil {
		t.Fatal(err)
	}
	ti, vi, _ := StratifiedSplitIndices(labels, 30, 15, 9)
	for _, part := range []struct {
		m   *Matrix[float64]
		y   []uint8
		idx []int
	}{{train, yt, ti}, {val, yv, vi}} {
		for k, i := range part.idx {
			if int(part.m.Row(k)[0]) != i || part.y[k] != labels[i] {
				t.Fatalf("row %d: %v label %d, want source row %d label %d", k, part.m.Row(k), part.y[k], i, labels[i])
			}
		}
	}
}

func TestStratifiedSplitErrors(t *testing.T) {
	labels := []int{0, 1, 0, 1}
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"negative size", errOf(StratifiedSplitIndices(labels, -1, 1, 0)), ErrArgument},
		{"too many", errOf(StratifiedSplitIndices(labels, 3, 2, 0)), ErrArgument},
		{"negative label", errOf(StratifiedSplitIndices([]int{0, -1}, 1, 1, 0)), ErrArgument},
		{"label count", errOf5(StratifiedSplit(rowIDMatrix(3), labels, 1, 1, 0)), ErrShape},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, tc.err, tc.want)
		}
	}
}

func errOf(_, _ []int, err error) error { return err }

func errOf5(_, _ *Matrix[float64], _, _ []int, err error) error { return err }
