package tfevents

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/galeone/tensorflow/tensorflow/go/core/framework/summary_go_proto"
)

func TestDefaultBucketLimits(t *testing.T) {
	l := defaultBucketLimits()
	// 774 positive limits 1e-12·1.1^k below 1e20 (the same loop run in
	// Python, whose floats are IEEE doubles too), DBL_MAX, their
	// negatives and 0: 2·775 + 1.
	if len(l) != 1551 {
		t.Fatalf("len = %d, want 1551", len(l))
	}
	mid := len(l) / 2
	if l[0] != -math.MaxFloat64 || l[mid] != 0 || l[mid+1] != 1e-12 || l[len(l)-1] != math.MaxFloat64 {
		t.Errorf("limits = %g … %g, %g, %g … %g; want -DBL_MAX … 0, 1e-12 … DBL_MAX",
			l[0], l[mid-1], l[mid], l[mid+1], l[len(l)-1])
	}
	// Largest finite limit, printed by the same Python loop.
	if got, want := l[len(l)-2], 9.920775621859783e+19; got != want {
		t.Errorf("largest finite limit = %.17g, want %.17g", got, want)
	}
	for i := 1; i < len(l); i++ {
		if !(l[i] > l[i-1]) {
			t.Fatalf("limits not increasing at %d: %g, %g", i, l[i-1], l[i])
		}
		if l[i] != -l[len(l)-1-i] {
			t.Fatalf("limits not symmetric at %d: %g vs %g", i, l[i], l[len(l)-1-i])
		}
	}
}

// checkHistogram verifies h against values independently of newHistogram's
// bucket search: every entry i counts exactly the values in
// [limit[i-1], limit[i]), entries tile the line up to DBL_MAX, no two
// empty entries are adjacent, and the moments are exact.
func checkHistogram(t *testing.T, h *summary_go_proto.HistogramProto, values []float64) {
	t.Helper()
	if len(h.Bucket) != len(h.BucketLimit) || len(h.Bucket) == 0 {
		t.Fatalf("%d buckets, %d limits; want equal and non-zero", len(h.Bucket), len(h.BucketLimit))
	}
	if last := h.BucketLimit[len(h.BucketLimit)-1]; last != math.MaxFloat64 {
		t.Errorf("last limit = %g, want DBL_MAX", last)
	}
	var total float64
	for i, lim := range h.BucketLimit {
		lower := math.Inf(-1)
		if i > 0 {
			lower = h.BucketLimit[i-1]
			if !(lim > lower) {
				t.Errorf("limit %d = %g not above %g", i, lim, lower)
			}
		}
		var n float64
		for _, v := range values {
			if v >= lower && (v < lim || (i == len(h.BucketLimit)-1 && v == lim)) {
				n++
			}
		}
		if h.Bucket[i] != n {
			t.Errorf("bucket %d [%g, %g) = %g, want %g", i, lower, lim, h.Bucket[i], n)
		}
		if i > 0 && h.Bucket[i] == 0 && h.Bucket[i-1] == 0 {
			t.Errorf("adjacent empty buckets %d and %d", i-1, i)
		}
		total += h.Bucket[i]
	}
	if total != h.Num || h.Num != float64(len(values)) {
		t.Errorf("bucket counts sum to %g, num = %g, want %d", total, h.Num, len(values))
	}
	min, max, sum, sq := math.MaxFloat64, -math.MaxFloat64, 0.0, 0.0
	for _, v := range values {
		min, max, sum, sq = math.Min(min, v), math.Max(max, v), sum+v, sq+v*v
	}
	if h.Min != min || h.Max != max || h.Sum != sum || h.SumSquares != sq {
		t.Errorf("min, max, sum, sum_squares = %g, %g, %g, %g; want %g, %g, %g, %g",
			h.Min, h.Max, h.Sum, h.SumSquares, min, max, sum, sq)
	}
}

func TestHistogramSmall(t *testing.T) {
	values := []float64{0, 1, -1, 1, 2.5, 1e-13, -1e30}
	h, err := newHistogram(values)
	if err != nil {
		t.Fatal(err)
	}
	checkHistogram(t, h, values)
	// Hand count: bucket 0 (below -DBL_MAX) is empty; then -1e30 | -1 |
	// {0, 1e-13} in [0, 1e-12) | {1, 1} | 2.5, each run of empty buckets
	// between and after them collapsed into one zero entry.
	want := []float64{0, 1, 0, 1, 0, 2, 0, 2, 0, 1, 0}
	if len(h.Bucket) != len(want) {
		t.Fatalf("buckets = %v, want %v", h.Bucket, want)
	}
	for i := range want {
		if h.Bucket[i] != want[i] {
			t.Errorf("buckets = %v, want %v", h.Bucket, want)
			break
		}
	}
	// The entry holding 0 and 1e-13 ends at the first positive limit.
	if h.BucketLimit[5] != 1e-12 {
		t.Errorf("limit of the zero bucket = %g, want 1e-12", h.BucketLimit[5])
	}
	if h.Min != -1e30 || h.Max != 2.5 || h.Sum != 0+1-1+1+2.5+1e-13-1e30 {
		t.Errorf("min, max, sum = %g, %g, %g", h.Min, h.Max, h.Sum)
	}
}

func TestHistogramRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	values := make([]float64, 1000)
	for i := range values {
		values[i] = r.NormFloat64() * math.Pow(10, float64(r.IntN(8)-4))
	}
	values = append(values, math.MaxFloat64, -math.MaxFloat64, 0, 0)
	h, err := newHistogram(values)
	if err != nil {
		t.Fatal(err)
	}
	checkHistogram(t, h, values)
}

func TestHistogramEmpty(t *testing.T) {
	h, err := newHistogram(nil)
	if err != nil {
		t.Fatal(err)
	}
	// TensorFlow's empty histogram (Histogram::Clear + EncodeToProto).
	if h.Num != 0 || h.Min != math.MaxFloat64 || h.Max != -math.MaxFloat64 ||
		len(h.Bucket) != 1 || h.Bucket[0] != 0 || h.BucketLimit[0] != math.MaxFloat64 {
		t.Errorf("empty histogram = %v", h)
	}
}

func TestHistogramNonFinite(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := newHistogram([]float64{1, bad}); !errors.Is(err, ErrNonFinite) {
			t.Errorf("newHistogram([1 %v]) error = %v, want ErrNonFinite", bad, err)
		}
	}
}
