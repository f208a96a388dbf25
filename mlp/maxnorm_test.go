package mlp

import (
	"context"
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// TestMaxNorm trains with a large learning rate: the capped layer's columns (each unit's
// incoming weights) end with norms ≤ MaxNorm, some of them at it, while the same layer
// uncapped grows past it; the cap is a rescaling, so a column's direction is kept.
func TestMaxNorm(t *testing.T) {
	x, y := blobs(200, 5, 3, 0.5, 11)
	const cap = 0.5
	norms := func(capped bool) [][]float64 {
		c := smallConfig(tf.Double)
		c.LearningRate, c.Epochs = 0.1, 5
		if capped {
			c.Layers[0].MaxNorm = cap
		}
		m, err := New(c)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, err := m.Fit(context.Background(), x, y, nil, nil, nil); err != nil {
			t.Fatal(err)
		}
		k, _, err := m.Weights()
		if err != nil {
			t.Fatal(err)
		}
		units := c.Layers[0].Units
		out := make([][]float64, len(k))
		for l := range k {
			if l > 0 {
				break
			}
			out[l] = make([]float64, units)
			for i, w := range k[l] {
				out[l][i%units] += w * w
			}
			for j := range out[l] {
				out[l][j] = math.Sqrt(out[l][j])
			}
		}
		return out
	}
	capped, free := norms(true)[0], norms(false)[0]
	atCap, above := 0, 0
	for j := range capped {
		if capped[j] > cap*(1+1e-9) {
			t.Errorf("capped column %d has norm %g > %g", j, capped[j], cap)
		}
		if capped[j] > cap*(1-1e-9) {
			atCap++
		}
		if free[j] > cap {
			above++
		}
	}
	if atCap == 0 || above == 0 {
		t.Errorf("%d capped columns at the cap, %d uncapped above it: the test must make the cap act", atCap, above)
	}
	bad := smallConfig(tf.Double)
	bad.Layers[1].MaxNorm = -1
	if _, err := New(bad); err == nil {
		t.Error("MaxNorm -1 accepted")
	}
}
