package dbm

import (
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestMomentumKernelBitIdentical trains a tiny DBM with classical momentum applied by
// boltzmann-go's momentum kernel (the default where `make deps` built it) and by TensorFlow's
// ops: weights, biases, velocities and particles must agree bit for bit, in float32 and float64,
// with the weight decay folded into the kernel (no sparsity), left to the L2 op (sparsity after
// it), with max-norm, and with the original's momentum rule (which the kernel leaves alone).
func TestMomentumKernelBitIdentical(t *testing.T) {
	if !fixtures.KernelsBuilt(t) {
		t.Skip("kernels not built here")
	}
	x := dataset.NewMatrix[float64](40, 8)
	for i := range x.Data {
		x.Data[i] = float64((i*7+3)%11) / 10
	}
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		for _, tc := range []struct {
			name     string
			sparsity float64
			maxNorm  float64
			rule     string
			folds    bool
		}{{"folded decay", 0, 0, "", true}, {"sparsity", 0.01, 0, "", false}, {"max-norm", 0, 0.5, "", true}, {"original rule", 0, 0, optim.Original, false}} {
			c := Config{Sizes: []int{8, 6, 5}, DType: dt, Seed: 9, WeightStd: 0.5, Particles: 10, BatchSize: 10, Epochs: 3,
				MeanFieldSteps: 10, LearningRate: []float64{0.05}, Momentum: []float64{0.5, 0.9}, L2: rbm.F(1e-3), MaxNorm: tc.maxNorm,
				SparsityCost: []float64{tc.sparsity}, SparsityTarget: []float64{0.1}, MomentumRule: tc.rule}
			train := func(off bool) []float64 {
				kernelsOff = off
				defer func() { kernelsOff = false }()
				m, err := New(c)
				if err != nil {
					t.Fatal(err)
				}
				if m.kernelMomentum() != (!off && tc.rule == "") || m.foldsDecay() != (!off && tc.folds) {
					t.Fatalf("%s: kernelMomentum() = %v, foldsDecay() = %v", tc.name, m.kernelMomentum(), m.foldsDecay())
				}
				m.Close()
				st, _ := fitTiny(t, x, c)
				return st
			}
			kernel, ops := train(false), train(true)
			if !slices.Equal(kernel, ops) {
				t.Errorf("%s %s: the state after training differs between the momentum kernel and TensorFlow's ops", tfops.DTypeName(dt), tc.name)
			}
		}
	}
}
