package dataset

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// Label is a type class labels may come in. The module's readers return []int (IDX, CIFAR-10
// and .npy label files alike), as classify and mlp take; the stratified splits also take the
// narrower types a caller may hold.
type Label interface {
	~uint8 | ~uint16 | ~uint32 | ~int | ~int32 | ~int64
}

// StratifiedSplitIndices returns the row indices of a train/validation split of the
// len(labels) rows in which every class keeps its share of the rows: a class of n_c rows (of
// n) gets n_c·nVal/n validation rows and n_c·nTrain/n training rows, each rounded down or up,
// so that the parts have exactly nVal and nTrain rows and each class's count is within one row
// of its exact share (a rounding that keeps every sum exists by the integrality of network
// flows; it is found by augmenting paths). Within a class the rows are taken in the order of a
// permutation seeded by seed (validation rows first); each part is then shuffled with the same
// generator, so classes are interleaved. The same labels, sizes and seed always give the same
// indices. The parts are disjoint because nTrain+nVal ≤ n is required.
//
// It returns an error wrapping ErrArgument for a negative size or label, or nTrain+nVal above
// the number of rows.
func StratifiedSplitIndices[L Label](labels []L, nTrain, nVal int, seed uint64) (train, val []int, err error) {
	n := len(labels)
	if nTrain < 0 || nVal < 0 {
		return nil, nil, fmt.Errorf("dataset: stratified split: negative size (nTrain=%d, nVal=%d): %w", nTrain, nVal, ErrArgument)
	}
	if nTrain+nVal > n {
		return nil, nil, fmt.Errorf("dataset: stratified split: nTrain+nVal = %d+%d exceeds the %d rows: %w", nTrain, nVal, n, ErrArgument)
	}
	byClass, err := rowsByClass(labels)
	if err != nil {
		return nil, nil, err
	}
	sizes := make([]int, len(byClass))
	for c, rows := range byClass {
		sizes[c] = len(rows)
	}
	quota := roundShares(sizes, []int{nVal, nTrain, n - nTrain - nVal}, n)
	r := newRand(seed, streamStratify)
	for c, rows := range byClass {
		r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		val = append(val, rows[:quota[c][0]]...)
		train = append(train, rows[quota[c][0]:quota[c][0]+quota[c][1]]...)
	}
	r.Shuffle(len(val), func(i, j int) { val[i], val[j] = val[j], val[i] })
	r.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
	if train == nil {
		train = []int{}
	}
	if val == nil {
		val = []int{}
	}
	return train, val, nil
}

// StratifiedSubset returns the indices of n of the len(labels) rows in which every class keeps
// its share, within one row (a few-label training set): the training part of
// StratifiedSplitIndices(labels, n, 0, seed). Errors as StratifiedSplitIndices's.
func StratifiedSubset[L Label](labels []L, n int, seed uint64) ([]int, error) {
	idx, _, err := StratifiedSplitIndices(labels, n, 0, seed)
	return idx, err
}

// StratifiedSplit is Split with the rows chosen by StratifiedSplitIndices: copies of the
// training and validation rows of x and their labels, in which every class keeps its share.
// It returns an error wrapping ErrShape if x is malformed or labels has the wrong length, and
// the errors of StratifiedSplitIndices.
func StratifiedSplit[T Float, L Label](x *Matrix[T], labels []L, nTrain, nVal int, seed uint64) (train, val *Matrix[T], trainLabels, valLabels []L, err error) {
	if err := x.Validate(); err != nil {
		return nil, nil, nil, nil, nest.Within("dataset: stratified split", err)
	}
	if len(labels) != x.Rows {
		return nil, nil, nil, nil, fmt.Errorf("dataset: stratified split: %d labels for %d rows: %w", len(labels), x.Rows, ErrShape)
	}
	ti, vi, err := StratifiedSplitIndices(labels, nTrain, nVal, seed)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	pick := func(idx []int) []L {
		out := make([]L, len(idx))
		for k, i := range idx {
			out[k] = labels[i]
		}
		return out
	}
	return x.Gather(ti), x.Gather(vi), pick(ti), pick(vi), nil
}

// rowsByClass returns the rows of each class 0..max(labels), in increasing order.
func rowsByClass[L Label](labels []L) ([][]int, error) {
	classes := 0
	for i, l := range labels {
		if v := int64(l); v < 0 {
			return nil, fmt.Errorf("dataset: stratified split: label %d of row %d is negative: %w", v, i, ErrArgument)
		} else if v >= 1<<24 {
			return nil, fmt.Errorf("dataset: stratified split: label %d of row %d: want fewer than 2^24 classes: %w", v, i, ErrArgument)
		}
		classes = max(classes, int(l)+1)
	}
	byClass := make([][]int, classes)
	for i, l := range labels {
		byClass[l] = append(byClass[l], i)
	}
	return byClass, nil
}

// roundShares returns q[c][p] = ⌊sizes[c]·parts[p]/n⌋ or, where that is not exact, the
// ceiling, such that every class c gets sizes[c] in all and every part p gets parts[p] (sizes
// and parts both sum to n). The floors leave a 0/1 transport problem (a class's missing units
// to the parts it may round up in, at most one each) whose fractional solution is the
// remainders themselves, so an integral one exists; it is found by augmenting paths, classes
// in order and parts in order of decreasing remainder, so the result depends only on the
// arguments.
func roundShares(sizes, parts []int, n int) [][]int {
	q := make([][]int, len(sizes))
	rem := make([][]int64, len(sizes)) // remainders, in units of 1/n
	need := make([]int, len(sizes))    // per class: units missing after the floors
	room := slices.Clone(parts)        // per part: units missing after the floors
	for c, s := range sizes {
		q[c], rem[c] = make([]int, len(parts)), make([]int64, len(parts))
		need[c] = s
		for p, size := range parts {
			if n == 0 {
				continue
			}
			prod := int64(s) * int64(size)
			q[c][p], rem[c][p] = int(prod/int64(n)), prod%int64(n)
			need[c] -= q[c][p]
			room[p] -= q[c][p]
		}
	}
	up := make([][]bool, len(sizes)) // up[c][p]: class c rounds up in part p
	for c := range up {
		up[c] = make([]bool, len(parts))
	}
	order := func(c int) []int {
		ps := make([]int, len(parts))
		for p := range ps {
			ps[p] = p
		}
		slices.SortStableFunc(ps, func(a, b int) int { return cmp.Compare(rem[c][b], rem[c][a]) })
		return ps
	}
	var visited []bool
	var augment func(c int) bool
	augment = func(c int) bool {
		for _, p := range order(c) {
			if rem[c][p] == 0 || up[c][p] || visited[p] {
				continue
			}
			visited[p] = true
			if room[p] > 0 {
				room[p]--
				up[c][p] = true
				return true
			}
			for c2 := range up { // p is full: move another class's unit out of p
				if c2 != c && up[c2][p] && augment(c2) {
					up[c2][p] = false
					up[c][p] = true
					return true
				}
			}
		}
		return false
	}
	for c := range sizes {
		for range need[c] {
			visited = make([]bool, len(parts))
			if !augment(c) {
				panic("dataset: internal error: no rounding of the class shares")
			}
		}
	}
	for c := range q {
		for p := range parts {
			if up[c][p] {
				q[c][p]++
			}
		}
	}
	return q
}
