package train

import "github.com/boltzmann-go/boltzmann/dataset"

// Order returns the order in which epoch (1-based) visits n training rows: a seeded permutation
// drawn anew for every epoch, or, with fixed, the rows' own order every epoch (the original
// project's, which shuffles its data once, before training).
func Order(n int, seed int64, epoch int, fixed bool) []int {
	if !fixed {
		return dataset.Permutation(n, uint64(seed), epoch)
	}
	order := make([]int, max(n, 0))
	for i := range order {
		order[i] = i
	}
	return order
}

// Shifted returns the schedule s as the original indexes it, as one that At reads: the
// original's epoch e takes s[min(e, len−1)], so element 0 is never used in training and epoch 1
// takes element 1. A one-value schedule is returned as it is.
func Shifted[T any](s []T) []T {
	if len(s) <= 1 {
		return s
	}
	return append([]T(nil), s[1:]...)
}
