package dbm

import (
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestCenteredUpdateIdentity runs one update of a 4-3-2 DBM with and without centering from the
// same state (same particles, same random streams) and checks the centered direction against
// the plain one: ΔW_c = ΔW − lr·(g_a·μ_bᵀ + μ_a·g_bᵀ) with g the plain bias gradients, and
// Δb_c,l = Δb_l − ΔW_c,l·μ_{l+1} − ΔW_c,l−1ᵀ·μ_{l−1}, the offsets μ being the data mean and
// the mean-field means on the data.
func TestCenteredUpdateIdentity(t *testing.T) {
	const lr = 0.1
	d := tinyDBMs[0].withParams(12)
	r := rand.New(rand.NewPCG(2, 3))
	x := dataset.NewMatrix[float64](16, 4)
	for i := range x.Data {
		x.Data[i] = float64(r.IntN(2))
	}
	cfg := func(centering float64) func(*Config) {
		return func(c *Config) {
			c.Epochs, c.BatchSize, c.UpdatesPerRun, c.L2, c.MaxNorm = 1, 16, 1, rbm.F(0), 0
			c.LearningRate, c.Momentum, c.Centering = []float64{lr}, []float64{0}, centering
		}
	}
	plain, centered := d.model(t, tf.Double, cfg(0)), d.model(t, tf.Double, cfg(0.05))
	mf, err := plain.MeanField(x)
	if err != nil {
		t.Fatal(err)
	}
	mu := [][]float64{tfops.ColumnMeans(x, x.Rows), tfops.ColumnMeans(mf[0], mf[0].Rows), tfops.ColumnMeans(mf[1], mf[1].Rows)}
	for _, m := range []*DBM{plain, centered} {
		if _, err := m.Fit(t.Context(), x, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	pp, err := plain.Parameters()
	if err != nil {
		t.Fatal(err)
	}
	pc, err := centered.Parameters()
	if err != nil {
		t.Fatal(err)
	}
	sizes := d.sizes
	g := make([][]float64, len(sizes)) // plain bias gradients
	for l := range sizes {
		g[l] = make([]float64, sizes[l])
		for i := range g[l] {
			g[l][i] = (pp.B[l][i] - d.p.B[l][i]) / lr
		}
	}
	dWc := make([][]float64, len(sizes)-1)
	for k := range dWc {
		n, m := sizes[k], sizes[k+1]
		dWc[k] = make([]float64, n*m)
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				want := pp.W[k][i*m+j] - d.p.W[k][i*m+j] - lr*(g[k][i]*mu[k+1][j]+mu[k][i]*g[k+1][j])
				dWc[k][i*m+j] = want
				if got := pc.W[k][i*m+j] - d.p.W[k][i*m+j]; math.Abs(got-want) > 1e-12 {
					t.Errorf("ΔW%d[%d,%d] = %.15f, want %.15f", k, i, j, got, want)
				}
			}
		}
	}
	for l := range sizes {
		for i := 0; i < sizes[l]; i++ {
			want := pp.B[l][i] - d.p.B[l][i]
			if l < len(dWc) {
				for j := 0; j < sizes[l+1]; j++ {
					want -= dWc[l][i*sizes[l+1]+j] * mu[l+1][j]
				}
			}
			if l > 0 {
				for a := 0; a < sizes[l-1]; a++ {
					want -= dWc[l-1][a*sizes[l]+i] * mu[l-1][a]
				}
			}
			if got := pc.B[l][i] - d.p.B[l][i]; math.Abs(got-want) > 1e-12 {
				t.Errorf("Δb%d[%d] = %.15f, want %.15f", l, i, got, want)
			}
		}
	}
	if (Config{Sizes: []int{2, 2}, Centering: 0.1, Units: tinyDBMs[3].units[:2]}).Validate() == nil {
		t.Error("centering accepted a Gaussian visible layer")
	}
}
