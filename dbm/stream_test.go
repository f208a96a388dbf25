package dbm

import (
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestStreamedFitEqualsResident trains the same DBM on rows in the graph, streamed from a
// Matrix and streamed from half precision: the parameters must agree bit for bit.
func TestStreamedFitEqualsResident(t *testing.T) {
	x := fixtures.BinaryData(37, 6, 8)
	var got [][]float64
	for _, d := range []rbm.Data{x, tfops.Stream(x), dataset.ToHalf(x)} {
		m, err := New(Config{Sizes: []int{6, 4, 3}, DType: tf.Double, Seed: 2, Epochs: 2, BatchSize: 8, UpdatesPerRun: 2,
			Particles: 5, LearningRate: []float64{0.05}, MeanFieldSteps: 5})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, err := m.Fit(t.Context(), d, x, nil); err != nil {
			t.Fatalf("%T: %v", d, err)
		}
		p, err := m.Parameters()
		if err != nil {
			t.Fatal(err)
		}
		var all []float64
		for l := range p.W {
			all = append(all, p.W[l]...)
		}
		for l := range p.B {
			all = append(all, p.B[l]...)
		}
		got = append(got, all)
	}
	for i, name := range []string{"streamed", "half"} {
		if !slices.Equal(got[i+1], got[0]) {
			t.Errorf("%s: parameters differ from the resident run's", name)
		}
	}
}
