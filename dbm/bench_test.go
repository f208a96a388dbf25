package dbm

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/loopback"
	"github.com/boltzmann-go/boltzmann/internal/minibatch"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// The original's MNIST DBM: 784-512-1024, float32, batches of 100, 100 particles.

// BenchmarkUpdate_784x512x1024_MF10 is one joint-training update with 10 mean-field sweeps.
func BenchmarkUpdate_784x512x1024_MF10(b *testing.B) { benchUpdate(b, 10) }

// BenchmarkUpdate_784x512x1024_MF50 is one update with 50 mean-field sweeps (bm dbm's default).
func BenchmarkUpdate_784x512x1024_MF50(b *testing.B) { benchUpdate(b, 50) }

// BenchmarkUpdateNoKernels_784x512x1024_MF10 is the MF10 update with TensorFlow's ops only (no
// boltzmann-go kernels): the momentum kernel's gain, beside BenchmarkUpdate_…_MF10.
func BenchmarkUpdateNoKernels_784x512x1024_MF10(b *testing.B) {
	kernelsOff = true
	defer func() { kernelsOff = false }()
	benchUpdate(b, 10)
}

// BenchmarkUpdateRecompute_784x512x1024_MF50 is the MF50 update with layer 1's input from the
// rows recomputed in every mean-field sweep, as before dataInput: its gain, beside …_MF50.
func BenchmarkUpdateRecompute_784x512x1024_MF50(b *testing.B) {
	recomputeDataInput = true
	defer func() { recomputeDataInput = false }()
	benchUpdate(b, 50)
}

// BenchmarkUpdateSplit2_784x512x1024_MF10 is the MF10 update with the rows of every product
// shared between the two tasks of an in-process loopback cluster (Config.Devices): the cost of
// data-parallel DBM training's round trips, one per product, beside BenchmarkUpdate_…_MF10.
func BenchmarkUpdateSplit2_784x512x1024_MF10(b *testing.B) {
	target, devices := loopback.Cluster(b, 2)
	benchUpdateOn(b, 10, func(c *Config) { c.Target, c.Devices = target, devices })
}

func benchUpdate(b *testing.B, mf int) { benchUpdateOn(b, mf, nil) }

// benchUpdateOn is benchUpdate with the configuration changed by place (if not nil).
func benchUpdateOn(b *testing.B, mf int, place func(*Config)) {
	r := rand.New(rand.NewPCG(1, 2))
	x := dataset.NewMatrix[float32](1000, 784)
	for i := range x.Data {
		if r.Float64() < 0.13 {
			x.Data[i] = 1
		}
	}
	c := Config{Sizes: []int{784, 512, 1024}, Seed: 1, MeanFieldSteps: mf, MeanFieldTol: 1e-30, GPU: os.Getenv("BENCH_GPU")}
	if place != nil {
		place(&c)
	}
	m, err := New(c)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	t, err := rowsTensor(x, 0, x.Rows, m.cfg.DType)
	if err != nil {
		b.Fatal(err)
	}
	if err := tfops.InitVariables(m.sess, []*tfops.Variable{m.vars.data}, []*tf.Tensor{t}); err != nil {
		b.Fatal(err)
	}
	o, _, err := m.trainOpFor(1, 1)
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]int, 100)
	for i := range rows {
		rows[i] = i
	}
	idx, err := minibatch.Indices([][]int{rows})
	if err != nil {
		b.Fatal(err)
	}
	lr, _ := tfops.ScalarTensor(1e-3, m.cfg.DType)
	mom, _ := tfops.ScalarTensor(0, m.cfg.DType)
	feeds := map[tf.Output]*tf.Tensor{m.idx: idx, m.lr: lr, m.mom: mom}
	sweeps := 0.0
	update := func() { // as Fit runs one: the mean field in chunks (when chunked), then the rest
		if m.chunked(1) {
			n, err := m.meanFieldChunks(feeds)
			if err != nil {
				b.Fatal(err)
			}
			sweeps += n
		}
		if _, err := m.sess.Run(feeds, nil, []*tf.Operation{o}); err != nil {
			b.Fatal(err)
		}
	}
	update()
	sweeps = 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		update()
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "samples/s")
	if m.chunked(1) {
		b.ReportMetric(sweeps/float64(b.N), "mf-sweeps")
	}
}

// BenchmarkAIS_784x512x1024 is 1,000 AIS steps of 100 runs.
func BenchmarkAIS_784x512x1024(b *testing.B) {
	m, err := New(Config{Sizes: []int{784, 512, 1024}, Seed: 1, GPU: os.Getenv("BENCH_GPU")})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.AISLogZ(context.Background(), AISOptions{Betas: 1000, Runs: 100}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "steps/s")
}
