package mlp

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// BenchmarkEpoch_784x1024x10 is one epoch of Fit over 10,000 rows in batches of 128 (the
// original's fine-tuning of its MNIST RBM: 784 → 1024 sigmoid → 10 softmax, Adam, float32),
// the alternative being Keras' model.fit (scripts/bench_python.py).
func BenchmarkEpoch_784x1024x10(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x := dataset.NewMatrix[float32](10000, 784)
	for i := range x.Data {
		if r.Float64() < 0.13 {
			x.Data[i] = 1
		}
	}
	y := make([]int, x.Rows)
	for i := range y {
		y[i] = r.IntN(10)
	}
	m, err := New(Config{Inputs: 784, BatchSize: 128, Epochs: b.N, LearningRate: 1e-3, GPU: os.Getenv("BENCH_GPU"),
		Layers: []Layer{{Units: 1024, Activation: Sigmoid, Seed: 1}, {Units: 10, Activation: Softmax, Seed: 2}}})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	b.ResetTimer()
	if st, err := m.Fit(b.Context(), x, y, nil, nil, nil); err != nil || len(st) != b.N {
		b.Fatalf("%d epochs of %d: %v", len(st), b.N, err)
	}
	b.ReportMetric(float64(b.N*x.Rows)/b.Elapsed().Seconds(), "samples/s")
}
