package classify

import (
	"math"
	"sort"

	"github.com/boltzmann-go/boltzmann/dataset"
	"gonum.org/v1/gonum/mat"
)

// blockBytes bounds the float64 block of dot products (test rows × training
// rows) that neighbour searches and kernel evaluations hold at a time. It
// is a variable so that tests can force many small blocks.
var blockBytes = 200 << 20

// candidateSlack is how many neighbours beyond k the BLAS pass keeps per
// test row. Their distances are then recomputed exactly as Σ(a−b)² and the
// k nearest taken from them, so that rounding in ‖a‖²+‖b‖²−2a·b neither
// hides an exact match (d = 0) nor reorders near-ties.
const candidateSlack = 4

// blockRows returns how many rows of a block with width columns fit in
// blockBytes, at least 1 and at most n.
func blockRows(n, width int) int {
	return max(1, min(n, blockBytes/(8*max(width, 1))))
}

// rowNorms returns the squared Euclidean norm of every row of x.
func rowNorms(x *dataset.Matrix[float64]) []float64 {
	out := make([]float64, x.Rows)
	parallelRange(x.Rows, 256, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r := x.Row(i)
			s := 0.0
			for _, v := range r {
				s += v * v
			}
			out[i] = s
		}
	})
	return out
}

// sqDist returns Σ(a_i − b_i)².
func sqDist(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		d := v - b[i]
		s += d * d
	}
	return s
}

// nearest finds the k nearest rows of train for every row of test, by
// Euclidean distance. It returns row-major test.Rows×k slices of training
// row indices and distances, each row sorted by increasing distance, then
// by index. trainNorms holds the squared norms of train's rows.
// progress, if not nil, is called after each block of test rows.
func nearest(train *dataset.Matrix[float64], trainNorms []float64, test *dataset.Matrix[float64], k int, progress func(done, total int)) ([]int, []float64) {
	n, d := train.Rows, train.Cols
	m := min(n, k+candidateSlack)
	idx := make([]int, test.Rows*k)
	dist := make([]float64, test.Rows*k)
	trainT := mat.NewDense(n, d, train.Data).T()
	chunk := blockRows(test.Rows, n)
	buf := make([]float64, chunk*n)
	for lo := 0; lo < test.Rows; lo += chunk {
		hi := min(lo+chunk, test.Rows)
		c := hi - lo
		g := mat.NewDense(c, n, buf[:c*n])
		g.Mul(mat.NewDense(c, d, test.Data[lo*d:hi*d]), trainT)
		parallelRange(c, 8, func(rlo, rhi int) {
			candIdx := make([]int, 0, m)
			candKey := make([]float64, 0, m)
			for r := rlo; r < rhi; r++ {
				dots := buf[r*n : (r+1)*n]
				candIdx, candKey = candIdx[:0], candKey[:0]
				// ‖a‖² is the same for every candidate, so rank by ‖b‖² − 2a·b.
				for j, dot := range dots {
					key := trainNorms[j] - 2*dot
					if len(candKey) == m && key >= candKey[m-1] {
						continue
					}
					if len(candKey) < m {
						candKey, candIdx = append(candKey, 0), append(candIdx, 0)
					}
					p := len(candKey) - 1
					for p > 0 && candKey[p-1] > key {
						candKey[p], candIdx[p] = candKey[p-1], candIdx[p-1]
						p--
					}
					candKey[p], candIdx[p] = key, j
				}
				a := test.Row(lo + r)
				for q, j := range candIdx {
					candKey[q] = sqDist(a, train.Row(j))
				}
				sort.Sort(byKeyIndex{candKey, candIdx})
				o := (lo + r) * k
				for q := range k {
					idx[o+q] = candIdx[q]
					dist[o+q] = math.Sqrt(candKey[q])
				}
			}
		})
		if progress != nil {
			progress(hi, test.Rows)
		}
	}
	return idx, dist
}

// byKeyIndex sorts parallel key and index slices by key, then index.
type byKeyIndex struct {
	key []float64
	idx []int
}

// Len returns the number of candidates.
func (s byKeyIndex) Len() int { return len(s.key) }

// Less orders by key, then by index.
func (s byKeyIndex) Less(i, j int) bool {
	if s.key[i] != s.key[j] {
		return s.key[i] < s.key[j]
	}
	return s.idx[i] < s.idx[j]
}

// Swap swaps candidates i and j.
func (s byKeyIndex) Swap(i, j int) {
	s.key[i], s.key[j] = s.key[j], s.key[i]
	s.idx[i], s.idx[j] = s.idx[j], s.idx[i]
}
