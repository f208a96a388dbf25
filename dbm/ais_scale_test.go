package dbm

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// TestAISAtScale checks AIS on a model of realistic width: an RBM with 784 visible and 14
// hidden units, trained on noisy copies of 10 random prototype images, seen as a 1-hidden-layer
// DBM. Its exact log Z comes from enumerating the 2^14 hidden states (rbm.LogZ).
func TestAISAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	r := rand.New(rand.NewPCG(3, 3))
	protos := make([][]float64, 10)
	for k := range protos {
		protos[k] = make([]float64, 784)
		for i := range protos[k] {
			if r.Float64() < 0.2 {
				protos[k][i] = 1
			}
		}
	}
	x := dataset.NewMatrix[float32](2000, 784)
	for n := 0; n < x.Rows; n++ {
		p := protos[n%10]
		for i := 0; i < 784; i++ {
			v := p[i]
			if r.Float64() < 0.05 {
				v = 1 - v
			}
			x.Data[n*784+i] = float32(v)
		}
	}
	m, err := rbm.New(rbm.Config{NumVisible: 784, NumHidden: 14, DType: tf.Double, Seed: 1, Epochs: 3, BatchSize: 20,
		InitVisibleBias: dataset.LogitMean(x), LearningRate: []float64{0.01}, Momentum: []float64{0.5}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Fit(context.Background(), x, nil, nil); err != nil {
		t.Fatal(err)
	}
	exact, err := m.ExactLogZ()
	if err != nil {
		t.Fatal(err)
	}
	d, err := FromRBMs(Config{DType: tf.Double, Seed: 2}, m)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	est, err := d.AISLogZ(context.Background(), AISOptions{Betas: 3000, Runs: 100})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("exact log Z %.4f, AIS %.4f (%.4f, %.4f)", exact, est.LogZ, est.Low, est.High)
	if math.Abs(est.LogZ-exact) > 0.1 {
		t.Errorf("AIS log Z = %.4f, exact %.4f", est.LogZ, exact)
	}
}
