package mlp

import (
	"context"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestStreamedFitEqualsResident trains the same network (dropout, batch normalization, shuffled
// epochs) on rows copied into the graph and on the same rows streamed: the weights must agree
// bit for bit.
func TestStreamedFitEqualsResident(t *testing.T) {
	x, y := blobs(90, 5, 3, 0.5, 4)
	var got [][]float64
	for _, d := range []Data{x, tfops.Stream(x)} {
		c := smallConfig(tf.Double)
		c.Epochs, c.Shuffle = 3, true
		c.Layers[0].Dropout, c.Layers[1].BatchNorm = 0.2, true
		m, err := New(c)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, err := m.Fit(context.Background(), d, y, nil, nil, nil); err != nil {
			t.Fatal(err)
		}
		k, b, err := m.Weights()
		if err != nil {
			t.Fatal(err)
		}
		var all []float64
		for l := range k {
			all = append(append(all, k[l]...), b[l]...)
		}
		got = append(got, all)
	}
	if !slices.Equal(got[0], got[1]) {
		t.Error("streamed fit: weights differ from the resident fit's")
	}
}
