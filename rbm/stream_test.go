package rbm

import (
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestStreamedFitEqualsResident trains the same model on the same rows held three ways — in the
// graph (a Matrix), streamed from the Matrix (tfops.Stream) and streamed from half precision
// (the rows are 0/1, exact as halves) — with persistent chains, several updates per run and a
// short last minibatch: the weights must agree bit for bit.
func TestStreamedFitEqualsResident(t *testing.T) {
	x := fixtures.BinaryData(47, 9, 3)
	val := fixtures.BinaryData(12, 9, 4)
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		c := Config{NumVisible: 9, NumHidden: 5, DType: dt, Seed: 4, Epochs: 3, BatchSize: 10, UpdatesPerRun: 3,
			LearningRate: []float64{0.1}, Momentum: []float64{0.5, 0.9}, Persistent: true,
			SparsityTarget: 0.1, SparsityCost: 0.01, Metrics: Metrics{MSRE: true, TrainEvery: 2}}
		var got [][]float64
		var msre []float64
		for _, d := range []Data{x, tfops.Stream(x), dataset.ToHalf(x)} {
			m := newModel(t, c)
			st, err := m.Fit(t.Context(), d, val, nil)
			if err != nil {
				t.Fatalf("%T: %v", d, err)
			}
			got = append(got, weights(t, m))
			msre = append(msre, st[2].Train["msre"])
		}
		for i, name := range []string{"streamed", "half"} {
			if !slices.Equal(got[i+1], got[0]) || msre[i+1] != msre[0] {
				t.Errorf("%v %s: weights or msre (%v vs %v) differ from the resident run's", dt, name, msre[i+1], msre[0])
			}
		}
	}
}
