package dbm

import (
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
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
	for _, tc := range []struct{ perRun, sweeps int }{{2, 5}, {1, 20}} { // {1, 20}: the mean field in chunks, as Fit runs it
		got := partialFits(t, params, x, tc.perRun, tc.sweeps)
		if !slices.Equal(got[0], got[1]) {
			t.Errorf("%d updates per run, %d sweeps: two chunks and one call on both differ", tc.perRun, tc.sweeps)
		}
		if tc.perRun == 1 {
			chunkedOff = true
			unrolled := partialFits(t, params, x, tc.perRun, tc.sweeps)
			chunkedOff = false
			if !slices.Equal(got[1], unrolled[1]) {
				t.Error("PartialFit with the mean field in chunks differs from the unrolled mean field")
			}
		}
	}
}

// partialFits returns the parameters after PartialFit on x in two chunks, and in one call.
func partialFits(t *testing.T, params func(*DBM) []float64, x *dataset.Matrix[float64], perRun, sweeps int) [][]float64 {
	var got [][]float64
	for _, chunks := range [][][2]int{{{0, 24}, {24, 48}}, {{0, 48}}} {
		m, err := New(Config{Sizes: []int{6, 4, 3}, DType: tf.Double, Seed: 5, BatchSize: 8, UpdatesPerRun: perRun, Particles: 4,
			LearningRate: []float64{0.05}, MeanFieldSteps: sweeps})
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
	return got
}
