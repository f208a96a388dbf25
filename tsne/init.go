package tsne

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/dataset"
	"gonum.org/v1/gonum/mat"
)

// initStd is the standard deviation of the start's first coordinate (scikit-learn's and
// bhtsne's 1e-4).
const initStd = 1e-4

// streamInit is the PCG stream of the random start (the second seed word), "tsneinit".
const streamInit uint64 = 0x74736e65696e6974

// initial returns the start of the embedding of the rows of x: "pca" or "random" (see
// Config.Init).
func initial(x *dataset.Matrix[float64], how string, seed uint64) (*dataset.Matrix[float64], error) {
	n := x.Rows
	y := dataset.NewMatrix[float64](n, 2)
	if how == "random" {
		r := rand.New(rand.NewPCG(seed, streamInit))
		for k := range y.Data {
			y.Data[k] = initStd * r.NormFloat64()
		}
		return y, nil
	}
	if err := principalComponents(x, y); err != nil {
		return nil, err
	}
	mean, ss := 0.0, 0.0
	for i := range n {
		mean += y.Data[2*i]
	}
	mean /= float64(n)
	for i := range n {
		d := y.Data[2*i] - mean
		ss += d * d
	}
	std := math.Sqrt(ss / float64(n))
	if std == 0 { // all rows alike: any start will do; use the random one
		return initial(x, "random", seed)
	}
	for k := range y.Data {
		y.Data[k] *= initStd / std
	}
	return y, nil
}

// principalComponents writes the projections of the centred rows of x on their first two
// principal axes into the n×2 matrix y. The axes are the leading eigenvectors of the
// covariance matrix (of the Gram matrix of the centred rows when there are fewer rows than
// columns), each signed so that its largest-magnitude entry is positive, as scikit-learn's
// svd_flip, so that the start does not depend on the eigen-solver's sign choices.
func principalComponents(x *dataset.Matrix[float64], y *dataset.Matrix[float64]) error {
	n, d := x.Rows, x.Cols
	xc := mat.NewDense(n, d, nil)
	for j := range d {
		m := 0.0
		for i := range n {
			m += x.Data[i*d+j]
		}
		m /= float64(n)
		for i := range n {
			xc.Set(i, j, x.Data[i*d+j]-m)
		}
	}
	var sym mat.SymDense
	if d <= n {
		sym.SymOuterK(1, xc.T())
	} else {
		sym.SymOuterK(1, xc)
	}
	var eig mat.EigenSym
	if !eig.Factorize(&sym, true) {
		return fmt.Errorf("tsne: pca start: the eigendecomposition did not converge: %w", ErrValue)
	}
	var vec mat.Dense
	eig.VectorsTo(&vec)
	m := vec.RawMatrix().Cols // eigenvalues ascend: the last two columns lead
	values := eig.Values(nil)
	for c := range min(2, m) {
		col := mat.Col(nil, m-1-c, &vec)
		big := 0
		for t, v := range col {
			if math.Abs(v) > math.Abs(col[big]) {
				big = t
			}
		}
		if col[big] < 0 {
			for t := range col {
				col[t] = -col[t]
			}
		}
		if d <= n {
			var proj mat.VecDense
			proj.MulVec(xc, mat.NewVecDense(d, col))
			for i := range n {
				y.Data[2*i+c] = proj.AtVec(i)
			}
			continue
		}
		// A Gram eigenvector u with eigenvalue λ gives the projections u·√λ.
		s := math.Sqrt(math.Max(values[m-1-c], 0))
		for i := range n {
			y.Data[2*i+c] = col[i] * s
		}
	}
	return nil
}
