package tsne

import (
	"fmt"
	"math"
	"slices"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// Affinities are t-SNE's joint probabilities p_ij of a set of N points: a symmetric sparse
// N×N matrix in compressed rows, with no diagonal, whose entries sum to 1. Row i's entries
// are Val[RowPtr[i]:RowPtr[i+1]], in columns Col[RowPtr[i]:RowPtr[i+1]] (increasing).
type Affinities struct {
	N      int
	RowPtr []int
	Col    []int32
	Val    []float64
}

// Neighbors returns the number of nearest neighbours the Barnes-Hut method gives each point's
// Gaussian for a perplexity: ⌊3·perplexity⌋+1, at most n−1, as scikit-learn.
func Neighbors(perplexity float64, n int) int {
	return max(1, min(n-1, int(3*perplexity+1)))
}

// NewAffinities computes the affinities of the rows of x (van der Maaten 2014, section 4.1):
// for each row i, the conditional p_{j|i} ∝ exp(−β_i‖x_i − x_j‖²) over its k nearest other
// rows, with β_i found by bisection so that the entropy of p_{·|i} is log(perplexity) nats
// (to 1e-5, at most 200 steps, as scikit-learn's); then p_ij = (p_{j|i} + p_{i|j}) / Σ.
// k = N−1 gives the exact method's dense P; Neighbors(perplexity, N) the Barnes-Hut one's.
// workers goroutines share the work (0: runtime.GOMAXPROCS(0)); the result does not depend
// on their number.
//
// It returns an error wrapping ErrShape for a malformed x or one with fewer than 2 rows,
// ErrValue for a NaN or infinite entry, and ErrArgument for k outside 1..N−1 or a perplexity
// that is not positive or exceeds k.
func NewAffinities(x *dataset.Matrix[float64], perplexity float64, k, workers int) (*Affinities, error) {
	const what = "tsne: affinities"
	if err := checkData(what, x); err != nil {
		return nil, err
	}
	n := x.Rows
	if k < 1 || k >= n {
		return nil, fmt.Errorf("%s: %d neighbours, want 1..%d: %w", what, k, n-1, ErrArgument)
	}
	if !(perplexity > 0) || perplexity > float64(k) || math.IsInf(perplexity, 0) {
		return nil, fmt.Errorf("%s: perplexity %g, want a positive number at most the %d neighbours: %w", what, perplexity, k, ErrArgument)
	}
	workers = defaultWorkers(workers)
	idx, d2 := neighbors(x, k, workers)
	cond := make([]float64, n*k)
	parallelFor(n, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			calibrate(d2[i*k:(i+1)*k], perplexity, cond[i*k:(i+1)*k])
		}
	})
	return symmetrize(n, k, idx, cond, workers), nil
}

// checkData checks that x is a well-formed matrix of finite numbers with at least 2 rows.
func checkData(what string, x *dataset.Matrix[float64]) error {
	if x == nil {
		return fmt.Errorf("%s: the data is nil: %w", what, ErrShape)
	}
	if err := x.Validate(); err != nil {
		return fmt.Errorf("%s: %v: %w", what, err, ErrShape)
	}
	if x.Rows < 2 || x.Cols < 1 {
		return fmt.Errorf("%s: %d×%d data, want at least 2 rows and 1 column: %w", what, x.Rows, x.Cols, ErrShape)
	}
	for i, v := range x.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: row %d, column %d is %v: %w", what, i/x.Cols, i%x.Cols, v, ErrValue)
		}
	}
	return nil
}

// calibrate sets p[j] = exp(−β d2[j]) / Σ_j exp(−β d2[j]) with β found by bisection so that the
// entropy of p is log(perplexity) nats, as scikit-learn's _binary_search_perplexity: β starts
// at 1, doubles or halves until the target is bracketed, then bisects; it stops when the
// entropy is within 1e-5 of the target or after 200 steps. Distances are shifted by their
// minimum first (which leaves p unchanged) so that exp cannot underflow to an all-zero row.
func calibrate(d2 []float64, perplexity float64, p []float64) {
	const (
		tol   = 1e-5
		steps = 200
	)
	dmin := slices.Min(d2)
	target := math.Log(perplexity)
	beta, lo, hi := 1.0, math.Inf(-1), math.Inf(1)
	for range steps {
		sum, sumDP := 0.0, 0.0
		for j, d := range d2 {
			p[j] = math.Exp(-beta * (d - dmin))
			sum += p[j]
		}
		for j, d := range d2 {
			p[j] /= sum
			sumDP += (d - dmin) * p[j]
		}
		diff := math.Log(sum) + beta*sumDP - target
		if math.Abs(diff) <= tol {
			return
		}
		if diff > 0 { // entropy too high: a sharper Gaussian
			lo = beta
			if math.IsInf(hi, 1) {
				beta *= 2
			} else {
				beta = (beta + hi) / 2
			}
		} else {
			hi = beta
			if math.IsInf(lo, -1) {
				beta /= 2
			} else {
				beta = (beta + lo) / 2
			}
		}
	}
}

// symmetrize returns P = (C + Cᵀ)/Σ for the n×n conditional matrix C whose row i holds cond[i*k+r]
// in column idx[i*k+r].
func symmetrize(n, k int, idx []int32, cond []float64, workers int) *Affinities {
	count := make([]int, n+1)
	for i := range n {
		count[i+1] += k
		for _, j := range idx[i*k : (i+1)*k] {
			count[j+1]++
		}
	}
	for i := range n {
		count[i+1] += count[i]
	}
	col := make([]int32, count[n])
	val := make([]float64, count[n])
	fill := slices.Clone(count[:n])
	for i := range n {
		for r, j := range idx[i*k : (i+1)*k] {
			col[fill[i]], val[fill[i]] = j, cond[i*k+r]
			fill[i]++
			col[fill[j]], val[fill[j]] = int32(i), cond[i*k+r]
			fill[j]++
		}
	}
	// Sort each row by column and add the two entries of a pair that are neighbours both ways
	// (a + b is b + a in floating point, so the order they arrived in does not matter).
	rowLen := make([]int, n)
	parallelFor(n, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c, v := col[count[i]:count[i+1]], val[count[i]:count[i+1]]
			order := make([]int, len(c))
			for t := range order {
				order[t] = t
			}
			slices.SortFunc(order, func(a, b int) int { return int(c[a]) - int(c[b]) })
			sc, sv := make([]int32, 0, len(c)), make([]float64, 0, len(c))
			for _, t := range order {
				if m := len(sc); m > 0 && sc[m-1] == c[t] {
					sv[m-1] += v[t]
					continue
				}
				sc, sv = append(sc, c[t]), append(sv, v[t])
			}
			copy(c, sc)
			copy(v, sv)
			rowLen[i] = len(sc)
		}
	})
	a := &Affinities{N: n, RowPtr: make([]int, n+1)}
	for i := range n {
		a.RowPtr[i+1] = a.RowPtr[i] + rowLen[i]
	}
	a.Col, a.Val = make([]int32, a.RowPtr[n]), make([]float64, a.RowPtr[n])
	total := 0.0
	for i := range n {
		copy(a.Col[a.RowPtr[i]:a.RowPtr[i+1]], col[count[i]:count[i]+rowLen[i]])
		copy(a.Val[a.RowPtr[i]:a.RowPtr[i+1]], val[count[i]:count[i]+rowLen[i]])
	}
	for _, v := range a.Val {
		total += v
	}
	for t := range a.Val {
		a.Val[t] /= total
	}
	return a
}
