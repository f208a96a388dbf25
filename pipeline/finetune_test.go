package pipeline

import (
	"testing"

	"github.com/boltzmann-go/boltzmann/mlp"
)

// TestFineTuneDropouts checks where each dropout flag lands: --mlp-dropout on every layer's
// inputs, the CIFAR programs' rate before the output layer alone, and --mlp-input-dropout on
// the first layer's inputs (the data) only, overriding both there.
func TestFineTuneDropouts(t *testing.T) {
	hidden := []mlp.Layer{{Units: 4, Activation: mlp.Sigmoid, Seed: 1}, {Units: 3, Activation: mlp.Sigmoid, Seed: 2}}
	for _, tc := range []struct {
		name             string
		dropout, out, in float64
		want             []float64
	}{
		{"none", 0, 0, -1, []float64{0, 0, 0}},
		{"every layer", 0.5, 0, -1, []float64{0.5, 0.5, 0.5}},
		{"before the output", 0, 0.7, -1, []float64{0, 0, 0.7}},
		{"inputs apart", 0.5, 0, 0.2, []float64{0.2, 0.5, 0.5}},
		{"inputs alone", 0, 0, 0.1, []float64{0.1, 0, 0}},
		{"no input dropout", 0.5, 0, 0, []float64{0, 0.5, 0.5}},
	} {
		f := &FineTune{Hidden: hidden, OutSeed: 3, LRM: []float64{1, 1, 1}, Dropout: tc.dropout, OutDropout: tc.out, InputDropout: tc.in, InputDropoutAsOthers: tc.in < 0}
		c, err := f.config(5, 2)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i, l := range c.Layers {
			if l.Dropout != tc.want[i] {
				t.Errorf("%s: layer %d dropout %g, want %g", tc.name, i, l.Dropout, tc.want[i])
			}
		}
	}
}

// TestFineTuneMaxNorm: --mlp-max-norm caps the hidden kernels, not the softmax layer's.
func TestFineTuneMaxNorm(t *testing.T) {
	f := &FineTune{Hidden: []mlp.Layer{{Units: 4, Activation: mlp.Sigmoid, Seed: 1}, {Units: 3, Activation: mlp.Sigmoid, Seed: 2}}, OutSeed: 3, MaxNorm: 3.5}
	c, err := f.config(5, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{3.5, 3.5, 0} {
		if c.Layers[i].MaxNorm != want {
			t.Errorf("layer %d max norm %g, want %g", i, c.Layers[i].MaxNorm, want)
		}
	}
}
