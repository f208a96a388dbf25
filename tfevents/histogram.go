package tfevents

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/galeone/tensorflow/tensorflow/go/core/framework/summary_go_proto"
)

// defaultBucketLimits returns TensorFlow's default histogram bucket limits
// (tensorflow/core/lib/histogram/histogram.cc, InitDefaultBucketsInner):
// -DBL_MAX, the negatives of the positive limits in increasing order, 0,
// then 1e-12·1.1^k for every such value below 1e20, then DBL_MAX. Limit i
// is the exclusive upper edge of bucket i. The multiplication is repeated
// exactly as in C++, so the limits are bit-identical to TensorFlow's.
var defaultBucketLimits = sync.OnceValue(func() []float64 {
	var pos []float64
	for v := 1.0e-12; v < 1.0e20; v *= 1.1 {
		pos = append(pos, v)
	}
	pos = append(pos, math.MaxFloat64)
	limits := make([]float64, 0, 2*len(pos)+1)
	for i := len(pos) - 1; i >= 0; i-- {
		limits = append(limits, -pos[i])
	}
	limits = append(limits, 0)
	return append(limits, pos...)
})

// newHistogram builds the HistogramProto TensorFlow's HistogramSummary op
// would build for values: min, max, num, sum and sum_squares over all
// values, and counts in the default buckets, serialized the way
// Histogram::EncodeToProto does with preserve_zero_buckets=false. That
// is, every non-empty bucket is kept, and each run of consecutive empty
// buckets is collapsed into one entry with count 0 whose limit is the
// limit of the run's last bucket, so the buckets still tile the real line.
// An empty values slice gives TensorFlow's empty histogram: min DBL_MAX,
// max -DBL_MAX, num 0 and one bucket (DBL_MAX, 0).
//
// A NaN or infinite value is an error wrapping ErrNonFinite, as in
// TensorFlow ("Nan in summary histogram for: tag").
func newHistogram(values []float64) (*summary_go_proto.HistogramProto, error) {
	limits := defaultBucketLimits()
	counts := make([]float64, len(limits))
	h := &summary_go_proto.HistogramProto{Min: math.MaxFloat64, Max: -math.MaxFloat64}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("value %d is %v: %w", i, v, ErrNonFinite)
		}
		// Bucket b is the first whose limit is greater than v
		// (std::upper_bound). Only v == DBL_MAX is past the end; TF
		// would index out of range there, so it goes in the last bucket.
		b := sort.Search(len(limits), func(j int) bool { return limits[j] > v })
		if b == len(limits) {
			b--
		}
		counts[b]++
		h.Min = math.Min(h.Min, v)
		h.Max = math.Max(h.Max, v)
		h.Num++
		h.Sum += v
		h.SumSquares += v * v
	}
	for i := 0; i < len(counts); {
		end, count := limits[i], counts[i]
		i++
		if count <= 0 {
			for i < len(counts) && counts[i] <= 0 {
				end, count = limits[i], counts[i]
				i++
			}
		}
		h.BucketLimit = append(h.BucketLimit, end)
		h.Bucket = append(h.Bucket, count)
	}
	return h, nil
}
