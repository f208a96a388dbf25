package classify

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/dataset"
	"gonum.org/v1/gonum/mat"
)

// streamRFF is the PCG stream word of RFF's random draws.
const streamRFF uint64 = 0x7266660000000000 // "rff"

// RFF is the random Fourier features map of Rahimi & Recht, "Random
// features for large-scale kernel machines", NIPS 2007, scikit-learn's
// RBFSampler: z(x) = √(2/D) cos(Ωx + b) with the D rows of Ω drawn from
// N(0, 2γI) and b from U[0, 2π), so that E[z(x)ᵀz(y)] = exp(−γ‖x − y‖²).
// The error of the approximation shrinks like 1/√D. A LinearSVC on z(x)
// approximates an RBF SVC in time linear in the number of rows.
type RFF struct {
	// Dim is the number of features D; it must be positive.
	Dim int
	// Gamma is the kernel width γ; 0 means 1/n_features.
	Gamma float64
	// Seed seeds the draws of Ω and b: the same seed gives the same map.
	// They come from math/rand/v2's PCG: Ω row by row, then b.
	Seed uint64

	cols   int
	omega  []float64 // Dim×cols
	offset []float64
}

// Fit draws Ω and b for the number of columns of x. Only x's shape (and
// validity) matters.
func (m *RFF) Fit(x *dataset.Matrix[float64]) error {
	const what = "classify: rff fit"
	if m.Dim <= 0 {
		return fmt.Errorf("%s: Dim = %d, want a positive number of features: %w", what, m.Dim, ErrArgument)
	}
	if err := checkMatrix(what, x); err != nil {
		return err
	}
	gamma := gammaOrDefault(m.Gamma, x.Cols)
	if err := checkC(what, "Gamma", gamma); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(m.Seed, streamRFF))
	scale := math.Sqrt(2 * gamma)
	m.omega = make([]float64, m.Dim*x.Cols)
	for i := range m.omega {
		m.omega[i] = scale * rng.NormFloat64()
	}
	m.offset = make([]float64, m.Dim)
	for i := range m.offset {
		m.offset[i] = 2 * math.Pi * rng.Float64()
	}
	m.cols = x.Cols
	return nil
}

// Transform returns the x.Rows×Dim matrix of features z(x_i).
func (m *RFF) Transform(x *dataset.Matrix[float64]) (*dataset.Matrix[float64], error) {
	const what = "classify: rff transform"
	if m.omega == nil {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFitted)
	}
	if err := checkCols(what, x, m.cols); err != nil {
		return nil, err
	}
	dim := len(m.offset)
	out := dataset.NewMatrix[float64](x.Rows, dim)
	z := mat.NewDense(x.Rows, dim, out.Data)
	z.Mul(mat.NewDense(x.Rows, x.Cols, x.Data), mat.NewDense(dim, m.cols, m.omega).T())
	scale := math.Sqrt(2 / float64(dim))
	parallelRange(x.Rows, 64, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := out.Row(i)
			for j, v := range row {
				row[j] = scale * math.Cos(v+m.offset[j])
			}
		}
	})
	return out, nil
}
