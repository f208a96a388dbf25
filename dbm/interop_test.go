package dbm

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestInterOpThreadsBitIdentical trains a tiny DBM and runs AIS and mean-field inference on
// it with one op at a time and with 4 at once (more than the cores, so that ops overlap):
// weights, log-weights and features must be equal bit for bit. Results do not depend on
// Config.InterOpThreads; it only lets independent ops run concurrently.
func TestInterOpThreadsBitIdentical(t *testing.T) {
	d := tinyDBMs[0].withParams(11)
	r := rand.New(rand.NewPCG(2, 2))
	x := dataset.NewMatrix[float64](29, d.sizes[0])
	for i := range x.Data {
		x.Data[i] = float64(r.IntN(2))
	}
	type result struct {
		p     Parameters
		runs  []float64
		feats []float64
	}
	run := func(inter int) result {
		m := d.model(t, tf.Float, func(c *Config) {
			c.Epochs, c.SparsityCost, c.MaxNorm, c.UpdatesPerRun = 3, []float64{0.01}, 1.5, 2
			c.InterOpThreads = inter
		})
		if _, err := m.Fit(context.Background(), x, nil, nil); err != nil {
			t.Fatal(err)
		}
		p, err := m.Parameters()
		if err != nil {
			t.Fatal(err)
		}
		est, err := m.AISLogZ(context.Background(), AISOptions{Betas: 300, Runs: 16})
		if err != nil {
			t.Fatal(err)
		}
		f, err := m.Transform(x)
		if err != nil {
			t.Fatal(err)
		}
		return result{p, est.Runs, f.Data}
	}
	one, four := run(1), run(4)
	for i := range one.p.W {
		if !slices.Equal(one.p.W[i], four.p.W[i]) {
			t.Errorf("W%d differs between 1 and 4 inter-op threads", i)
		}
	}
	for l := range one.p.B {
		if !slices.Equal(one.p.B[l], four.p.B[l]) {
			t.Errorf("b%d differs between 1 and 4 inter-op threads", l)
		}
	}
	if !slices.Equal(one.runs, four.runs) {
		t.Errorf("AIS runs differ: %v vs %v", one.runs[:3], four.runs[:3])
	}
	if !slices.Equal(one.feats, four.feats) {
		t.Error("mean-field features differ")
	}
	if _, err := New(Config{Sizes: []int{3, 2}, InterOpThreads: -1}); err == nil {
		t.Error("InterOpThreads −1: want an error")
	}
}
