package dbm

import (
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/fixtures"
)

// TestPartialFit: two chunks in two calls give the parameters of one call on both, updates
// advance and epochs do not; ScoreSamples is the lower bound without log Z.
func TestPartialFit(t *testing.T) {
	x := fixtures.BinaryData(48, 6, 2)
	params := func(m *DBM) []float64 {
		p, err := m.Parameters()
		if err != nil {
			t.Fatal(err)
		}
		var all []float64
		for _, w := range p.W {
			all = append(all, w...)
		}
		for _, b := range p.B {
			all = append(all, b...)
		}
		return all
	}
	var got [][]float64
	for _, chunks := range [][][2]int{{{0, 24}, {24, 48}}, {{0, 48}}} {
		m, err := New(Config{Sizes: []int{6, 4, 3}, DType: tf.Double, Seed: 5, BatchSize: 8, UpdatesPerRun: 2, Particles: 4,
			LearningRate: []float64{0.05}, MeanFieldSteps: 5})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		for _, c := range chunks {
			if err := m.PartialFit(t.Context(), x.SliceRows(c[0], c[1])); err != nil {
				t.Fatal(err)
			}
		}
		if m.Updates() != 6 || m.Epoch() != 0 {
			t.Errorf("%d updates, epoch %d; want 6 and 0", m.Updates(), m.Epoch())
		}
		got = append(got, params(m))
		s, err := m.ScoreSamples(x)
		if err != nil {
			t.Fatal(err)
		}
		lb, err := m.LowerBound(x, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s, lb) {
			t.Error("ScoreSamples differs from LowerBound(x, 0)")
		}
	}
	if !slices.Equal(got[0], got[1]) {
		t.Error("two chunks and one call on both differ")
	}
}
