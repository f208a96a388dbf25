package classify

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/dataset"
	"gonum.org/v1/gonum/mat"
)

// streamNystroem is the PCG stream word of Nystroem's landmark sampling.
const streamNystroem uint64 = 0x6e7973747200000 // "nystr"

// nystroemCutoff is the relative eigenvalue cutoff of Nystroem: the
// eigenvalues of K_mm below nystroemCutoff·λ_max are treated as zero.
const nystroemCutoff = 1e-10

// Nystroem is the Nyström approximation of the RBF kernel feature map
// (Williams & Seeger, "Using the Nyström method to speed up kernel
// machines", NIPS 2001), scikit-learn's Nystroem(kernel='rbf'): Fit picks
// m = min(Dim, rows) landmark rows of the training set at random, and
// Transform maps x to z(x) = K_m(x)ᵀ K_mm^{-1/2}, where K_m(x) holds the
// kernel values between x and the landmarks and K_mm the kernel matrix of
// the landmarks, so that z(x)ᵀz(y) = K_m(x)ᵀ K_mm⁺ K_m(y) approximates
// K(x, y) and is exact when x or y is a landmark. K_mm^{-1/2} is built
// from the eigen-decomposition of K_mm; eigenvalues below 10⁻¹⁰·λ_max
// (numerically zero or negative) are dropped, a pseudo-inverse, where
// scikit-learn instead clips them to 10⁻¹². Fit costs O(m³) for the
// eigen-decomposition (gonum's EigenSym, on one CPU), which dominates for
// m in the thousands; Transform costs O(n·m·(d + m)) in BLAS products.
type Nystroem struct {
	// Dim is the number of landmarks and features; it must be positive.
	// If the training set has fewer rows, all of them are landmarks and
	// Transform returns that many features.
	Dim int
	// Gamma is the kernel width γ; 0 means 1/n_features.
	Gamma float64
	// Seed seeds the choice of landmarks: the first m entries of a PCG
	// permutation of the rows (math/rand/v2's Perm).
	Seed uint64

	gamma     float64
	landmarks *dataset.Matrix[float64]
	lnorms    []float64
	norm      []float64 // m×m, K_mm^{-1/2}
}

// Fit samples the landmarks from the rows of x and computes K_mm^{-1/2}.
func (m *Nystroem) Fit(x *dataset.Matrix[float64]) error {
	const what = "classify: nystroem fit"
	if m.Dim <= 0 {
		return fmt.Errorf("%s: Dim = %d, want a positive number of landmarks: %w", what, m.Dim, ErrArgument)
	}
	if err := checkMatrix(what, x); err != nil {
		return err
	}
	gamma := gammaOrDefault(m.Gamma, x.Cols)
	if err := checkC(what, "Gamma", gamma); err != nil {
		return err
	}
	nl := min(m.Dim, x.Rows)
	idx := rand.New(rand.NewPCG(m.Seed, streamNystroem)).Perm(x.Rows)[:nl]
	lm := x.Gather(idx)
	ln := rowNorms(lm)
	kmm := make([]float64, nl*nl)
	rbfBlock(kmm, lm, ln, lm, ln, gamma)
	for i := range nl { // exactly symmetric, with the exact diagonal
		kmm[i*nl+i] = 1
		for j := range i {
			kmm[i*nl+j] = kmm[j*nl+i]
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(nl, kmm), true) {
		return fmt.Errorf("%s: eigen-decomposition of the %d×%d landmark kernel matrix failed: %w", what, nl, nl, ErrValue)
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	top := 0.0
	for _, v := range vals {
		top = max(top, v)
	}
	// Scale column k of the eigenvectors by λ_k^{-1/4}; then U Uᵀ = K_mm^{-1/2}.
	for k, v := range vals {
		s := 0.0
		if v > nystroemCutoff*top {
			s = 1 / math.Sqrt(math.Sqrt(v))
		}
		for i := range nl {
			vecs.Set(i, k, vecs.At(i, k)*s)
		}
	}
	norm := mat.NewDense(nl, nl, nil)
	norm.Mul(&vecs, vecs.T())
	m.gamma, m.landmarks, m.lnorms = gamma, lm, ln
	m.norm = norm.RawMatrix().Data
	return nil
}

// Transform returns the x.Rows×m matrix of features z(x_i), m =
// min(Dim, training rows).
func (m *Nystroem) Transform(x *dataset.Matrix[float64]) (*dataset.Matrix[float64], error) {
	const what = "classify: nystroem transform"
	if m.landmarks == nil {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFitted)
	}
	if err := checkCols(what, x, m.landmarks.Cols); err != nil {
		return nil, err
	}
	nl := m.landmarks.Rows
	out := dataset.NewMatrix[float64](x.Rows, nl)
	xn := rowNorms(x)
	norm := mat.NewDense(nl, nl, m.norm)
	chunk := blockRows(x.Rows, nl)
	buf := make([]float64, chunk*nl)
	for lo := 0; lo < x.Rows; lo += chunk {
		hi := min(lo+chunk, x.Rows)
		rbfBlock(buf, x.SliceRows(lo, hi), xn[lo:hi], m.landmarks, m.lnorms, m.gamma)
		z := mat.NewDense(hi-lo, nl, out.Data[lo*nl:hi*nl])
		z.Mul(mat.NewDense(hi-lo, nl, buf[:(hi-lo)*nl]), norm)
	}
	return out, nil
}
