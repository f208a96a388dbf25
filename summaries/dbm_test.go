package summaries

import (
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// TestDBM trains a 4-3-2 DBM with summaries and reads the event files back.
func TestDBM(t *testing.T) {
	m, err := dbm.New(dbm.Config{Sizes: []int{4, 3, 2}, Units: []rbm.Unit{rbm.Bernoulli{}, rbm.Bernoulli{}, rbm.Bernoulli{}},
		DType: tf.Float, Seed: 9, Particles: 5, Epochs: 2, BatchSize: 8, WeightStd: 0.1,
		Metrics: dbm.Metrics{MSRE: true, TrainEvery: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	x := fixtures.BinaryData(16, 4, 3)
	dir := t.TempDir()
	s, err := NewDBM(dir, []int{2, 2, 1})
	if err != nil {
		t.Fatal(err)
	}
	s.SetProbe(x.SliceRows(0, 5))
	if _, err := m.Fit(t.Context(), x, x, &dbm.FitOptions{OnEpoch: func(st dbm.EpochStats) error { return s.Epoch(m, st) }, OnMetrics: s.Iteration}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	got := steps(t, dir, "train")
	if s := got["iter/msre"]; !slices.Equal(s, []int64{1, 2, 3, 4}) { // TrainEvery 1: every update
		t.Errorf("iter/msre: steps %v, want [1 2 3 4]", s)
	}
	for _, tag := range []string{"msre", "mf_sweeps", "n_mf_updates", "weights/W0", "weights/W1", "weights/b2", "particles/x1", "velocities/dW1", "velocities/db0", "max_column_norm/W1", "filters", "filters_layer2", "particles",
		"mu/layer1", "mu/layer2", "mu/layer1/image", "mu/layer2/image"} {
		if s := got[tag]; !slices.Equal(s, []int64{2, 4}) {
			t.Errorf("%s: steps %v, want [2 4]", tag, s)
		}
	}
}

func TestMaxColumnNorm(t *testing.T) {
	// Columns (3, 4) and (0, 1): norms 5 and 1.
	if got := maxColumnNorm([]float64{3, 0, 4, 1}, 2, 2); got != 5 {
		t.Errorf("maxColumnNorm = %g, want 5", got)
	}
}

func TestFirstColumnsOfProduct(t *testing.T) {
	// a = [[1 2] [3 4]], b = [[1 0 2] [0 1 3]]: a·b = [[1 2 8] [3 4 18]]; first 2 columns.
	got := firstColumnsOfProduct([]float64{1, 2, 3, 4}, []float64{1, 0, 2, 0, 1, 3}, 2, 2, 3, 2)
	if !slices.Equal(got, []float64{1, 2, 3, 4}) {
		t.Errorf("got %v, want [1 2 3 4]", got)
	}
	got = firstColumnsOfProduct([]float64{1, 2, 3, 4}, []float64{1, 0, 2, 0, 1, 3}, 2, 2, 3, 3)
	if !slices.Equal(got, []float64{1, 2, 8, 3, 4, 18}) {
		t.Errorf("got %v, want [1 2 8 3 4 18]", got)
	}
}
