package rbm

import (
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/fixtures"
)

// TestPartialFit: two chunks in two calls give the weights of one call on both (runs grouped
// differently), updates advance and epochs do not; FitTransform and ScoreSamples are Fit then
// Transform, and −FreeEnergy.
func TestPartialFit(t *testing.T) {
	x := fixtures.BinaryData(80, 7, 6)
	c := Config{NumVisible: 7, NumHidden: 4, DType: tf.Double, Seed: 3, BatchSize: 10, UpdatesPerRun: 3,
		LearningRate: []float64{0.1}, Momentum: []float64{0.5}, SparsityCost: 0.01}
	a, b := newModel(t, c), newModel(t, c)
	for _, chunk := range [][2]int{{0, 40}, {40, 80}} {
		if err := a.PartialFit(t.Context(), x.SliceRows(chunk[0], chunk[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.PartialFit(t.Context(), x); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(weights(t, a), weights(t, b)) {
		t.Error("two chunks and one call on both differ")
	}
	if a.Updates() != 8 || a.Epoch() != 0 {
		t.Errorf("after 80 rows in batches of 10: %d updates, epoch %d; want 8 and 0", a.Updates(), a.Epoch())
	}
	if slices.Equal(weights(t, a), weights(t, newModel(t, c))) {
		t.Error("PartialFit left the weights as they were")
	}
	if err := a.PartialFit(t.Context(), fixtures.BinaryData(5, 6, 1)); err == nil {
		t.Error("6 columns for 7 visible units: no error")
	}

	c.Epochs = 2
	f := newModel(t, c)
	h, err := f.FitTransform(t.Context(), x, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := f.Transform(x)
	if err != nil {
		t.Fatal(err)
	}
	if f.Epoch() != 2 || !slices.Equal(h.Data, want.Data) {
		t.Errorf("FitTransform: epoch %d, features equal to Transform after Fit: %v", f.Epoch(), slices.Equal(h.Data, want.Data))
	}
	s, err := f.ScoreSamples(x)
	if err != nil {
		t.Fatal(err)
	}
	fe, err := f.FreeEnergy(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range s {
		if s[i] != -fe[i] {
			t.Fatalf("ScoreSamples[%d] = %g, want −F = %g", i, s[i], -fe[i])
		}
	}
}
