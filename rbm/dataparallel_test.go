package rbm

import (
	"math"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/internal/loopback"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestDataParallelFit checks data-parallel training (Config.Devices): the rows of every update's
// products shared among the two tasks of a loopback cluster give the weights of training in one
// process, CD and PCD, resident and streamed data, within float rounding (the gradients' row
// sums are added in another order: 1e-12 in float64 after 15 updates, where the weights are
// O(0.1)); one device gives them bit for bit.
func TestDataParallelFit(t *testing.T) {
	x := fixtures.BinaryData(47, 9, 3)
	val := fixtures.BinaryData(12, 9, 4)
	target, devices := loopback.Cluster(t, 2)
	for _, pcd := range []bool{false, true} {
		c := Config{NumVisible: 9, NumHidden: 5, DType: tf.Double, Seed: 4, Epochs: 3, BatchSize: 10, UpdatesPerRun: 2,
			LearningRate: []float64{0.1}, Momentum: []float64{0.5, 0.9}, Persistent: pcd, CDSteps: []int{2},
			SparsityTarget: 0.1, SparsityCost: 0.01, Metrics: Metrics{MSRE: true}}
		m := newModel(t, c)
		if _, err := m.Fit(t.Context(), x, val, nil); err != nil {
			t.Fatal(err)
		}
		want := weights(t, m)
		for i, place := range []struct {
			target  string
			devices []string
			data    Data
		}{{target, devices, x}, {target, devices, tfops.Stream(x)}, {target, devices[1:], x}} {
			c := c
			c.Target, c.Devices = place.target, place.devices
			m := newModel(t, c)
			if _, err := m.Fit(t.Context(), place.data, val, nil); err != nil {
				t.Fatal(err)
			}
			got := weights(t, m)
			if len(place.devices) == 1 {
				if !slices.Equal(got, want) {
					t.Errorf("PCD %v: on one task the weights differ from one process's", pcd)
				}
				continue
			}
			diff := 0.0
			for j := range got {
				diff = max(diff, math.Abs(got[j]-want[j]))
			}
			t.Logf("PCD %v, case %d: largest difference %g", pcd, i, diff)
			if diff > 1e-12 {
				t.Errorf("PCD %v, case %d: data-parallel weights differ from one process's by %g", pcd, i, diff)
			}
		}
	}
}
