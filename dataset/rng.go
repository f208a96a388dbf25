package dataset

import "math/rand/v2"

// Stream constants give every seeded procedure of this package its own PCG
// stream (the second PCG seed word), so that the same user seed used for,
// say, Split and Permutation does not produce correlated permutations.
const (
	streamSplit    uint64 = 0x73706c6974000000 // "split"
	streamEpoch    uint64 = 0x65706f6368000000 // "epoch" (+ epoch number)
	streamAugment  uint64 = 0x6175676d656e7400 // "augment"
	streamBinarize uint64 = 0x62696e6172790000 // "binary"
	streamStratify uint64 = 0x7374726174000000 // "strat"
)

// newRand returns a math/rand/v2 generator over a PCG source seeded with
// (seed, stream). Its output for a given pair is fixed: math/rand/v2 pins
// the PCG algorithm and tests its Perm, Shuffle and Float64 outputs against
// golden values.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// Permutation returns a permutation of 0..n-1 that depends only on seed and
// epoch: the same pair always gives the same permutation, and different
// epochs give different (independent) permutations. Use it to shuffle the
// training set anew each epoch reproducibly. It returns an empty slice if
// n ≤ 0. The generator is math/rand/v2's PCG seeded with (seed, a stream
// word derived from epoch).
func Permutation(n int, seed uint64, epoch int) []int {
	if n <= 0 {
		return []int{}
	}
	return newRand(seed, streamEpoch+uint64(epoch)).Perm(n)
}
