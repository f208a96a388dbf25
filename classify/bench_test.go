package classify

import (
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// Benchmark results are stored here so that the work is not optimised
// away.
var (
	benchPred []int
	benchErr  error
)

// BenchmarkKNN predicts 1,000 test rows against 5,000 training rows of
// 256 features with K = 3 and distance weights.
func BenchmarkKNN(b *testing.B) {
	train, y := mixture(5000, 256, 10, 1, 91)
	test, _ := mixture(1000, 256, 10, 1, 92)
	m := &KNN{K: 3, Weights: "distance"}
	if err := m.Fit(train, y); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		benchPred, benchErr = m.Predict(test)
	}
}

// BenchmarkLogRegFit fits LogReg on 5,000 rows of 128 features and 10
// overlapping classes with the default settings.
func BenchmarkLogRegFit(b *testing.B) {
	x, y := mixture(5000, 128, 10, 3, 93)
	benchFit(b, func() Classifier { return &LogReg{} }, x, y)
}

// BenchmarkSVCFit fits the RBF SVC with the notebook's settings (C = 1e3,
// Tol = 1e-6, γ = 1/n_features) on 2,000 rows of 64 features and 10
// overlapping classes: 45 binary problems of about 400 rows.
func BenchmarkSVCFit(b *testing.B) {
	x, y := mixture(2000, 64, 10, 2, 94)
	benchFit(b, func() Classifier { return &SVC{C: 1e3, Tol: 1e-6} }, x, y)
}

// BenchmarkLinearSVCFit fits LinearSVC on 5,000 rows of 128 features
// and 10 overlapping classes with the default settings.
func BenchmarkLinearSVCFit(b *testing.B) {
	x, y := mixture(5000, 128, 10, 3, 95)
	benchFit(b, func() Classifier { return &LinearSVC{Seed: 1} }, x, y)
}

// benchFit times Fit of a fresh classifier from mk on x, y.
func benchFit(b *testing.B, mk func() Classifier, x *dataset.Matrix[float64], y []int) {
	b.Helper()
	b.ResetTimer()
	for range b.N {
		benchErr = mk().Fit(x, y)
	}
	if benchErr != nil {
		b.Fatal(benchErr)
	}
}
