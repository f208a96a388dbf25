package tsne

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// blobs returns n points in d dimensions around k well-separated centres (a seeded draw), and
// the index of each point's centre.
func blobs(n, d, k int, seed uint64) (*dataset.Matrix[float64], []int) {
	r := rand.New(rand.NewPCG(seed, 1))
	centres := make([]float64, k*d)
	for t := range centres {
		centres[t] = 4 * r.NormFloat64()
	}
	x := dataset.NewMatrix[float64](n, d)
	labels := make([]int, n)
	for i := range n {
		labels[i] = i % k
		for j := range d {
			x.Data[i*d+j] = centres[labels[i]*d+j] + r.NormFloat64()
		}
	}
	return x, labels
}

// randomEmbedding returns n×2 seeded Gaussian points of standard deviation s.
func randomEmbedding(n int, s float64, seed uint64) *dataset.Matrix[float64] {
	r := rand.New(rand.NewPCG(seed, 2))
	y := dataset.NewMatrix[float64](n, 2)
	for t := range y.Data {
		y.Data[t] = s * r.NormFloat64()
	}
	return y
}

// dense returns P as an n×n array.
func dense(p *Affinities) [][]float64 {
	out := make([][]float64, p.N)
	for i := range out {
		out[i] = make([]float64, p.N)
		for e := p.RowPtr[i]; e < p.RowPtr[i+1]; e++ {
			out[i][p.Col[e]] = p.Val[e]
		}
	}
	return out
}

// rows returns m as an array of rows.
func rows(m *dataset.Matrix[float64]) [][]float64 {
	out := make([][]float64, m.Rows)
	for i := range out {
		out[i] = m.Row(i)
	}
	return out
}

// relErr returns ‖got − want‖ / ‖want‖ over the flattened values.
func relErr(t *testing.T, got, want []float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d values, want %d", len(got), len(want))
	}
	var num, den float64
	for i := range got {
		num += (got[i] - want[i]) * (got[i] - want[i])
		den += want[i] * want[i]
	}
	return math.Sqrt(num / den)
}

// flat returns the rows of a concatenated.
func flat(a [][]float64) []float64 {
	var out []float64
	for _, r := range a {
		out = append(out, r...)
	}
	return out
}
