package dbm

import (
	"math"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/internal/loopback"
)

// TestDataParallelFit checks data-parallel DBM training (Config.Devices): the rows of every
// product (mean field, particles, statistics) shared among the two tasks of a loopback cluster
// give the weights of one process within float rounding (the statistics' row sums are added in
// another order: 1e-12 in float64; 0 on this tiny model), one task gives them bit for bit, and
// a device the cluster lacks fails the training.
func TestDataParallelFit(t *testing.T) {
	d := tinyDBMs[1].withParams(2) // 3-2-3-2
	x := fixtures.BinaryData(40, d.sizes[0], 3)
	target, devices := loopback.Cluster(t, 2)
	fit := func(extra func(*Config)) []float64 {
		m := d.model(t, tf.Double, func(c *Config) {
			c.Epochs, c.MeanFieldSteps = 2, 10
			if extra != nil {
				extra(c)
			}
		})
		if _, err := m.Fit(t.Context(), x, nil, nil); err != nil {
			t.Fatal(err)
		}
		p, err := m.Parameters()
		if err != nil {
			t.Fatal(err)
		}
		return slices.Concat(slices.Concat(p.W...), slices.Concat(p.B...))
	}
	want := fit(nil)
	got := fit(func(c *Config) { c.Target, c.Devices = target, devices })
	diff := 0.0
	for i := range got {
		diff = max(diff, math.Abs(got[i]-want[i]))
	}
	t.Logf("largest difference %g", diff)
	if diff > 1e-12 {
		t.Errorf("data-parallel weights differ from one process's by %g", diff)
	}
	if one := fit(func(c *Config) { c.Target, c.Devices = target, devices[1:] }); !slices.Equal(one, want) {
		t.Errorf("on one task the weights differ from one process's")
	}
	// The products really go to the devices: one the cluster lacks fails the training.
	m := d.model(t, tf.Double, func(c *Config) { c.Epochs, c.Target, c.Devices = 1, target, []string{devices[0], "/job:worker/task:7"} })
	if _, err := m.Fit(t.Context(), x, nil, nil); err == nil {
		t.Errorf("training with a device the cluster lacks gave no error")
	}
}
