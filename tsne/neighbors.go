package tsne

import (
	"container/heap"
	"slices"

	"github.com/boltzmann-go/boltzmann/dataset"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// neighbors returns the k nearest other rows of every row of x by Euclidean distance: idx[i*k+r]
// is the r-th nearest row to row i (ties: the lower row first) and d2[i*k+r] its squared
// distance. Candidates are picked from ‖a‖² + ‖b‖² − 2a·b, computed a block of rows at a time
// with one matrix product, and their distances are then recomputed exactly. It needs
// 1 ≤ k < x.Rows.
func neighbors(x *dataset.Matrix[float64], k, workers int) (idx []int32, d2 []float64) {
	n, d := x.Rows, x.Cols
	norms := make([]float64, n)
	for i := range n {
		norms[i] = dot(x.Row(i), x.Row(i))
	}
	idx, d2 = make([]int32, n*k), make([]float64, n*k)
	// Blocks of rows whose products with all rows take at most 32 MiB.
	block := max(1, min(n, (4<<20)/n))
	gram := make([]float64, block*n)
	all := blas64.General{Rows: n, Cols: d, Stride: d, Data: x.Data}
	for lo := 0; lo < n; lo += block {
		hi := min(lo+block, n)
		rows := blas64.General{Rows: hi - lo, Cols: d, Stride: d, Data: x.Data[lo*d : hi*d]}
		g := blas64.General{Rows: hi - lo, Cols: n, Stride: n, Data: gram[:(hi-lo)*n]}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, rows, all, 0, g)
		parallelFor(hi-lo, workers, func(a, b int) {
			h := &maxHeap{}
			for r := a; r < b; r++ {
				i := lo + r
				h.items = h.items[:0]
				for j, gij := range g.Data[r*n : (r+1)*n] {
					if j == i {
						continue
					}
					dist := norms[i] + norms[j] - 2*gij
					if len(h.items) < k {
						heap.Push(h, pair{dist, int32(j)})
					} else if less(pair{dist, int32(j)}, h.items[0]) {
						h.items[0] = pair{dist, int32(j)}
						heap.Fix(h, 0)
					}
				}
				found := h.items
				for t := range found {
					found[t].d = sqDist(x.Row(i), x.Row(int(found[t].j)))
				}
				slices.SortFunc(found, func(p, q pair) int {
					if less(p, q) {
						return -1
					}
					if less(q, p) {
						return 1
					}
					return 0
				})
				for t, p := range found {
					idx[i*k+t], d2[i*k+t] = p.j, p.d
				}
			}
		})
	}
	return idx, d2
}

// pair is a candidate neighbour: its squared distance and row.
type pair struct {
	d float64
	j int32
}

// less orders pairs by distance, then by row.
func less(p, q pair) bool { return p.d < q.d || p.d == q.d && p.j < q.j }

// maxHeap keeps the k best pairs with the worst on top.
type maxHeap struct{ items []pair }

func (h *maxHeap) Len() int           { return len(h.items) }
func (h *maxHeap) Less(a, b int) bool { return less(h.items[b], h.items[a]) }
func (h *maxHeap) Swap(a, b int)      { h.items[a], h.items[b] = h.items[b], h.items[a] }
func (h *maxHeap) Push(v any)         { h.items = append(h.items, v.(pair)) }
func (h *maxHeap) Pop() any {
	v := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return v
}

// dot returns a·b.
func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// sqDist returns ‖a − b‖².
func sqDist(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		t := v - b[i]
		s += t * t
	}
	return s
}
