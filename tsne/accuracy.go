package tsne

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// NeighborAccuracy returns the leave-one-out k-nearest-neighbour accuracy of labels in the
// points y (an embedding, or any matrix of rows): the fraction of rows whose label is the
// majority label of their k nearest other rows (Euclidean; ties in distance: the lower row
// first; ties in votes: the smallest label). It measures how well the classes separate
// (van der Maaten 2009; Kobak & Berens, Nat. Commun. 2019). workers goroutines share the work
// (0: runtime.GOMAXPROCS(0)); the result does not depend on their number.
//
// It returns an error wrapping ErrShape for a malformed y, fewer than 2 rows or a label count
// that differs from the rows', ErrValue for a NaN or infinite entry or a negative label, and
// ErrArgument for k outside 1..rows−1.
func NeighborAccuracy(y *dataset.Matrix[float64], labels []int, k, workers int) (float64, error) {
	const what = "tsne: neighbour accuracy"
	if err := checkData(what, y); err != nil {
		return 0, err
	}
	n := y.Rows
	if len(labels) != n {
		return 0, fmt.Errorf("%s: %d labels for %d rows: %w", what, len(labels), n, ErrShape)
	}
	classes := 0
	for i, l := range labels {
		if l < 0 {
			return 0, fmt.Errorf("%s: label %d of row %d is negative: %w", what, l, i, ErrValue)
		}
		classes = max(classes, l+1)
	}
	if k < 1 || k >= n {
		return 0, fmt.Errorf("%s: k = %d, want 1..%d: %w", what, k, n-1, ErrArgument)
	}
	workers = defaultWorkers(workers)
	idx, _ := neighbors(y, k, workers)
	right := make([]bool, n)
	parallelFor(n, workers, func(lo, hi int) {
		votes := make([]int, classes)
		for i := lo; i < hi; i++ {
			clear(votes)
			for _, j := range idx[i*k : (i+1)*k] {
				votes[labels[j]]++
			}
			best := 0
			for c, v := range votes {
				if v > votes[best] {
					best = c
				}
			}
			right[i] = best == labels[i]
		}
	})
	hits := 0
	for _, r := range right {
		if r {
			hits++
		}
	}
	return float64(hits) / float64(n), nil
}
