package rbm

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/mat"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// The benchmarks time CD-1 updates of a 784×1024 Bernoulli RBM (the MNIST model of the
// original) in float32, beside a plain gonum implementation of the same update, the
// alternative a Go user would write. Run them with `make bench`.

func BenchmarkCD1_784x1024_B10(b *testing.B)  { benchUpdates(b, 784, 1024, 10, 1) }
func BenchmarkCD1_784x1024_B100(b *testing.B) { benchUpdates(b, 784, 1024, 100, 1) }

// The same with TensorFlow's ops only (no boltzmann-go kernels): the fused momentum kernel's gain.
func BenchmarkCD1NoKernels_784x1024_B10(b *testing.B)  { benchNoKernels(b, 10) }
func BenchmarkCD1NoKernels_784x1024_B100(b *testing.B) { benchNoKernels(b, 100) }

func benchNoKernels(b *testing.B, batch int) {
	kernelsOff = true
	defer func() { kernelsOff = false }()
	benchUpdates(b, 784, 1024, batch, 1)
}

// The same in float64 (the original reports float64 2.5× slower than float32).
func BenchmarkCD1F64_784x1024_B10(b *testing.B)  { benchUpdatesIn(b, tf.Double, 784, 1024, 10, 1) }
func BenchmarkCD1F64_784x1024_B100(b *testing.B) { benchUpdatesIn(b, tf.Double, 784, 1024, 100, 1) }

// BenchmarkCD1Chunk10_784x1024_B10 runs 10 updates per Session.Run, as Fit does by default.
func BenchmarkCD1Chunk10_784x1024_B10(b *testing.B) { benchUpdates(b, 784, 1024, 10, 10) }

func BenchmarkCD1Gonum_784x1024_B10(b *testing.B)  { benchGonum(b, 784, 1024, 10) }
func BenchmarkCD1Gonum_784x1024_B100(b *testing.B) { benchGonum(b, 784, 1024, 100) }

// BenchmarkEpoch_784x1024_B10 is one epoch of Fit over 10,000 rows (1,000 updates).
func BenchmarkEpoch_784x1024_B10(b *testing.B) {
	x := benchData(10000, 784)
	m, err := New(Config{NumVisible: 784, NumHidden: 1024, Seed: 1, Epochs: 1 << 20, BatchSize: 10, GPU: os.Getenv("BENCH_GPU")})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.SetEpochs(m.Epoch() + 1); err != nil {
			b.Fatal(err)
		}
		if _, err := m.Fit(b.Context(), x, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*10000)/b.Elapsed().Seconds(), "samples/s")
}

func benchData(rows, cols int) *dataset.Matrix[float32] {
	r := rand.New(rand.NewPCG(1, 2))
	x := dataset.NewMatrix[float32](rows, cols)
	for i := range x.Data {
		if r.Float64() < 0.13 {
			x.Data[i] = 1
		}
	}
	return x
}

// benchUpdates times updates-per-run float32 CD-1 updates per Session.Run, reporting per update.
func benchUpdates(b *testing.B, nv, nh, batch, updates int) {
	benchUpdatesIn(b, tf.Float, nv, nh, batch, updates)
}

// benchUpdatesIn is benchUpdates in dtype dt.
func benchUpdatesIn(b *testing.B, dt tf.DataType, nv, nh, batch, updates int) {
	x := benchData(batch*updates*10, nv)
	m, err := New(Config{NumVisible: nv, NumHidden: nh, Seed: 1, BatchSize: batch, DType: dt, GPU: os.Getenv("BENCH_GPU")})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	if err := m.loadData(x, x.Rows); err != nil {
		b.Fatal(err)
	}
	op, err := m.trainOpFor(1, updates)
	if err != nil {
		b.Fatal(err)
	}
	idx := make([]int32, batch*updates)
	for i := range idx {
		idx[i] = int32(i)
	}
	idxT, _ := tf.NewTensor(idx)
	if err := idxT.Reshape([]int64{int64(updates), int64(batch)}); err != nil {
		b.Fatal(err)
	}
	lr, _ := tfops.ScalarTensor(0.01, dt)
	mom, _ := tfops.ScalarTensor(0.9, dt)
	feeds := map[tf.Output]*tf.Tensor{m.idx: idxT, m.lr: lr, m.mom: mom}
	if _, err := m.sess.Run(feeds, nil, []*tf.Operation{op}); err != nil { // warm up
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i += updates {
		if _, err := m.sess.Run(feeds, nil, []*tf.Operation{op}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
}

// benchGonum times the same CD-1 update (sampled hidden states, visible means, momentum, L2)
// written with gonum's float64 BLAS.
func benchGonum(b *testing.B, nv, nh, batch int) {
	r := rand.New(rand.NewPCG(1, 3))
	xs := benchData(batch, nv)
	X := mat.NewDense(batch, nv, nil)
	for i, v := range xs.Data {
		X.RawMatrix().Data[i] = float64(v)
	}
	W := mat.NewDense(nv, nh, nil)
	for i := range W.RawMatrix().Data {
		W.RawMatrix().Data[i] = r.NormFloat64() * 0.01
	}
	dW := mat.NewDense(nv, nh, nil)
	vb, hb := make([]float64, nv), make([]float64, nh)
	var h0, hs, v1, h1, pos, neg mat.Dense
	sig := func(m *mat.Dense, bias []float64) {
		raw := m.RawMatrix()
		for i := 0; i < raw.Rows; i++ {
			row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
			for j := range row {
				row[j] = 1 / (1 + math.Exp(-(row[j] + bias[j])))
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h0.Mul(X, W)
		sig(&h0, hb)
		hs.Apply(func(_, _ int, p float64) float64 {
			if r.Float64() < p {
				return 1
			}
			return 0
		}, &h0)
		v1.Mul(&hs, W.T())
		sig(&v1, vb)
		h1.Mul(&v1, W)
		sig(&h1, hb)
		pos.Mul(X.T(), &h0)
		neg.Mul(v1.T(), &h1)
		pos.Sub(&pos, &neg)
		pos.Scale(1/float64(batch), &pos)
		dW.Scale(0.9, dW)
		dW.Add(dW, &pos)
		W.Add(W, dW)
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
}
