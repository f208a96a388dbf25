package classify

import (
	"math"

	"github.com/boltzmann-go/boltzmann/dataset"
	"gonum.org/v1/gonum/mat"
)

// gammaOrDefault returns gamma, or 1/cols if gamma is 0.
func gammaOrDefault(gamma float64, cols int) float64 {
	if gamma == 0 {
		return 1 / float64(cols)
	}
	return gamma
}

// rbfBlock stores in dst (a.Rows×b.Rows, row-major) the RBF kernel
// exp(−γ‖a_i − b_j‖²) between the rows of a and b, computed as
// exp(−γ(‖a_i‖² + ‖b_j‖² − 2a_i·b_j)) with one BLAS product. aNorms and
// bNorms hold the squared row norms.
func rbfBlock(dst []float64, a *dataset.Matrix[float64], aNorms []float64, b *dataset.Matrix[float64], bNorms []float64, gamma float64) {
	k := mat.NewDense(a.Rows, b.Rows, dst[:a.Rows*b.Rows])
	k.Mul(mat.NewDense(a.Rows, a.Cols, a.Data), mat.NewDense(b.Rows, b.Cols, b.Data).T())
	parallelRange(a.Rows, 16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := dst[i*b.Rows : (i+1)*b.Rows]
			for j, g := range row {
				row[j] = math.Exp(-gamma * max(aNorms[i]+bNorms[j]-2*g, 0))
			}
		}
	})
}
