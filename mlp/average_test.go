package mlp

import (
	"context"
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// TestAverageFrom: the weights after Fit with AverageFrom 3 of 5 epochs are the mean of the
// weights after epochs 3, 4 and 5 (read by OnEpoch), not the last epoch's.
func TestAverageFrom(t *testing.T) {
	x, y := blobs(200, 5, 3, 0.5, 11)
	c := smallConfig(tf.Double)
	c.Epochs = 5
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var sum [][]float64
	var last [][]float64
	onEpoch := func(st EpochStats) error {
		k, _, err := m.Weights()
		if err != nil {
			return err
		}
		last = k
		if st.Epoch < 3 {
			return nil
		}
		if sum == nil {
			sum = k
			return nil
		}
		for l := range k {
			for i, v := range k[l] {
				sum[l][i] += v
			}
		}
		return nil
	}
	if _, err := m.Fit(context.Background(), x, y, nil, nil, &FitOptions{AverageFrom: 3, OnEpoch: onEpoch}); err != nil {
		t.Fatal(err)
	}
	got, _, err := m.Weights()
	if err != nil {
		t.Fatal(err)
	}
	differs := false
	for l := range got {
		for i, v := range got[l] {
			if want := sum[l][i] / 3; math.Abs(v-want) > 1e-12*(1+math.Abs(want)) {
				t.Fatalf("layer %d [%d]: %g, want the mean %g", l, i, v, want)
			}
			differs = differs || v != last[l][i]
		}
	}
	if !differs {
		t.Error("the averaged weights equal the last epoch's: the test must tell them apart")
	}
	if _, err := m.Fit(context.Background(), x, y, nil, nil, &FitOptions{AverageFrom: -1}); err == nil {
		t.Error("AverageFrom -1 accepted")
	}
}
