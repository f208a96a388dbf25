package dataset

// BinarizeThreshold replaces each element of x in place by 1 if it is
// greater than t and by 0 otherwise (NaN becomes 0).
func BinarizeThreshold[T Float](x *Matrix[T], t T) {
	if x == nil {
		return
	}
	for i, v := range x.Data {
		if v > t {
			x.Data[i] = 1
		} else {
			x.Data[i] = 0
		}
	}
}

// BinarizeStochastic replaces each element v of x in place by a Bernoulli
// sample: 1 with probability v, else 0 (so v ≥ 1 always gives 1 and v ≤ 0
// or NaN always gives 0). The uniform draws come from math/rand/v2's PCG
// seeded with seed, one per element in Data order, so the same seed and
// input give the same result.
func BinarizeStochastic[T Float](x *Matrix[T], seed uint64) {
	if x == nil {
		return
	}
	r := newRand(seed, streamBinarize)
	for i, v := range x.Data {
		if r.Float64() < float64(v) {
			x.Data[i] = 1
		} else {
			x.Data[i] = 0
		}
	}
}
