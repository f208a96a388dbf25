package dataset

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// SplitIndices returns the row indices that Split selects for a data set
// of n rows: with p a permutation of 0..n-1 seeded by seed, train is
// p[:nTrain] and val is p[n-nVal:], as the original's X[:n_train] and
// X[-n_val:] after shuffling. They are disjoint because nTrain+nVal ≤ n is
// required. Use it with Images.Gather to split images exactly as Split
// splits a matrix with the same seed.
func SplitIndices(n, nTrain, nVal int, seed uint64) (train, val []int, err error) {
	if n < 0 || nTrain < 0 || nVal < 0 {
		return nil, nil, fmt.Errorf("dataset: split: negative size (n=%d, nTrain=%d, nVal=%d): %w", n, nTrain, nVal, ErrArgument)
	}
	if nTrain+nVal > n {
		return nil, nil, fmt.Errorf("dataset: split: nTrain+nVal = %d+%d exceeds the %d rows: %w", nTrain, nVal, n, ErrArgument)
	}
	var p []int
	if n > 0 {
		p = newRand(seed, streamSplit).Perm(n)
	}
	train = append([]int(nil), p[:nTrain]...)
	val = append([]int(nil), p[n-nVal:]...)
	return train, val, nil
}

// Split shuffles the rows of x with a permutation seeded by seed (the same
// seed always gives the same permutation) and returns copies of the first
// nTrain and the last nVal shuffled rows, as the original project's
// RNG(seed).shuffle(X); X[:n_train], X[-n_val:]. labels may be nil; if not,
// it must have one entry per row and is permuted the same way. It returns
// an error wrapping ErrArgument if a size is negative or nTrain+nVal
// exceeds the number of rows, and ErrShape if x is malformed or labels has
// the wrong length.
func Split[T Float](x *Matrix[T], labels []int, nTrain, nVal int, seed uint64) (train, val *Matrix[T], trainLabels, valLabels []int, err error) {
	if err := x.Validate(); err != nil {
		return nil, nil, nil, nil, nest.Within("dataset: split", err)
	}
	if labels != nil && len(labels) != x.Rows {
		return nil, nil, nil, nil, fmt.Errorf("dataset: split: %d labels for %d rows: %w", len(labels), x.Rows, ErrShape)
	}
	ti, vi, err := SplitIndices(x.Rows, nTrain, nVal, seed)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	train, val = x.Gather(ti), x.Gather(vi)
	if labels != nil {
		trainLabels, valLabels = gatherLabels(labels, ti), gatherLabels(labels, vi)
	}
	return train, val, trainLabels, valLabels, nil
}

// gatherLabels returns labels[idx[0]], labels[idx[1]], ….
func gatherLabels(labels []int, idx []int) []int {
	out := make([]int, len(idx))
	for k, i := range idx {
		out[k] = labels[i]
	}
	return out
}

// SplitInPlace is Split without copies: it permutes the rows of x in place with the same
// permutation and returns views of them (the first nTrain rows and the last nVal, sharing x's
// storage), so that splitting a large set does not hold it twice. x is left shuffled. Errors as
// Split's.
func SplitInPlace[T Float](x *Matrix[T], nTrain, nVal int, seed uint64) (train, val *Matrix[T], err error) {
	if err := x.Validate(); err != nil {
		return nil, nil, nest.Within("dataset: split", err)
	}
	if err := permuteForSplit(x.Data, x.Rows, x.Cols, nTrain, nVal, seed); err != nil {
		return nil, nil, err
	}
	return x.SliceRows(0, nTrain), x.SliceRows(x.Rows-nVal, x.Rows), nil
}

// permuteForSplit checks a split of rows×cols data into nTrain and nVal rows and permutes the
// rows of data in place as Split orders them: row k becomes row p[k] of the input.
func permuteForSplit[E any](data []E, rows, cols, nTrain, nVal int, seed uint64) error {
	if _, _, err := SplitIndices(rows, nTrain, nVal, seed); err != nil {
		return err
	}
	if rows == 0 {
		return nil
	}
	p := newRand(seed, streamSplit).Perm(rows)
	row := func(i int) []E { return data[i*cols : (i+1)*cols] }
	// Follow each cycle of p with one row in hand.
	done := make([]bool, rows)
	tmp := make([]E, cols)
	for start := range p {
		if done[start] {
			continue
		}
		copy(tmp, row(start))
		k := start
		for {
			done[k] = true
			next := p[k]
			if next == start {
				copy(row(k), tmp)
				break
			}
			copy(row(k), row(next))
			k = next
		}
	}
	return nil
}
