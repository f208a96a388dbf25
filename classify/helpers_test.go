package classify

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// blobs returns n rows in d ≥ k dimensions, row i of class i mod k, drawn
// uniformly from the cube [−1, 1]^d around the centre sep·e_class. With
// sep ≥ 4 the classes are linearly separable one-vs-rest (coordinate c is
// at least sep−1 ≥ 3 for class c and at most 1 for the others).
func blobs(n, d, k int, sep float64, seed uint64) (*dataset.Matrix[float64], []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := dataset.NewMatrix[float64](n, d)
	y := make([]int, n)
	for i := range n {
		y[i] = i % k
		row := x.Row(i)
		for j := range row {
			row[j] = 2*rng.Float64() - 1
		}
		row[y[i]] += sep
	}
	return x, y
}

// gaussians returns n rows of two equally likely classes in d dimensions:
// class 0 is N(−μe₁, I) and class 1 is N(+μe₁, I). The Bayes rule is
// x₁ > 0 → class 1, with error Φ(−μ).
func gaussians(n, d int, mu float64, seed uint64) (*dataset.Matrix[float64], []int) {
	rng := rand.New(rand.NewPCG(seed, 2))
	x := dataset.NewMatrix[float64](n, d)
	y := make([]int, n)
	for i := range n {
		y[i] = rng.IntN(2)
		row := x.Row(i)
		for j := range row {
			row[j] = rng.NormFloat64()
		}
		row[0] += mu * float64(2*y[i]-1)
	}
	return x, y
}

// mixture returns n rows of k classes in d dimensions, class c drawn from
// N(m_c, σ²I) with the centres m_c themselves drawn from N(0, I): noisy,
// overlapping classes for comparing solvers.
func mixture(n, d, k int, sigma float64, seed uint64) (*dataset.Matrix[float64], []int) {
	rng := rand.New(rand.NewPCG(seed, 3))
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = rng.NormFloat64()
	}
	x := dataset.NewMatrix[float64](n, d)
	y := make([]int, n)
	for i := range n {
		y[i] = rng.IntN(k)
		row := x.Row(i)
		for j := range row {
			row[j] = centres[y[i]*d+j] + sigma*rng.NormFloat64()
		}
	}
	return x, y
}

// phi is the standard normal CDF.
func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// errorRate returns the error rate of c on (x, y), failing t on error.
func errorRate(t *testing.T, c Classifier, x *dataset.Matrix[float64], y []int) float64 {
	t.Helper()
	pred, err := c.Predict(x)
	if err != nil {
		t.Fatalf("Predict: %v", err)
	}
	e, err := ErrorRate(pred, y)
	if err != nil {
		t.Fatalf("ErrorRate: %v", err)
	}
	return e
}

// matrixOf returns a rows×cols matrix holding vals.
func matrixOf(rows, cols int, vals ...float64) *dataset.Matrix[float64] {
	return &dataset.Matrix[float64]{Rows: rows, Cols: cols, Data: vals}
}
