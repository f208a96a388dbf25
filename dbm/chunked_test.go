package dbm

import (
	"context"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestChunkedMeanFieldBitIdentical trains a tiny DBM with the training's mean field run in
// chunks of sweeps (stopping at convergence) and unrolled into the update (computing every
// sweep), at a tolerance that stops it early and at one that never does, with our start and
// the original's, in float32: the weights, particles and sweep counts must agree bit for bit.
// (Tolerance 0 stops too: float32 sweeps reach their fixed point exactly.)
func TestChunkedMeanFieldBitIdentical(t *testing.T) {
	x := dataset.NewMatrix[float64](40, 8)
	for i := range x.Data {
		x.Data[i] = float64((i*7+3)%11) / 10
	}
	for _, tc := range []struct {
		name  string
		tol   float64
		start string
	}{{"tol-1e-3", 1e-3, ""}, {"tol-0", 0, ""}, {"previous", 1e-4, MeanFieldPrevious}} {
		t.Run(tc.name, func(t *testing.T) {
			train := func(off bool) ([]float64, []float64) {
				chunkedOff = off
				defer func() { chunkedOff = false }()
				return fitTiny(t, x, Config{Sizes: []int{8, 6, 5}, DType: tf.Float, Seed: 9, WeightStd: 0.5, Particles: 10, BatchSize: 10, Epochs: 3,
					MeanFieldSteps: 23, MeanFieldTol: tc.tol, MeanFieldStart: tc.start, LearningRate: []float64{0.05}})
			}
			chunked, cs := train(false)
			unrolled, us := train(true)
			if !slices.Equal(chunked, unrolled) {
				t.Error("weights, biases, particles or velocities differ between the chunked and the unrolled mean field")
			}
			if !slices.Equal(cs, us) {
				t.Errorf("mean-field sweeps per epoch: chunked %v, unrolled %v", cs, us)
			}
			if tc.tol == 1e-3 && !(cs[0] < 23) {
				t.Errorf("tolerance 1e-3: %v sweeps, want fewer than 23 (the test must exercise the stop)", cs)
			}
		})
	}
}

// TestChunkedBoundBitIdentical: the lower bound with its mean field run in chunks until it
// converges equals, bit for bit, the bound from the unrolled 300 sweeps, in float32 and float64,
// on more rows than one chunk of rows.
func TestChunkedBoundBitIdentical(t *testing.T) {
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		m, err := New(Config{Sizes: []int{8, 6, 5}, DType: dt, Seed: 4, WeightStd: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		x := dataset.NewMatrix[float64](1300, 8)
		for i := range x.Data {
			x.Data[i] = float64((i*7+i/5)%3) / 2
		}
		chunked, err := m.LowerBound(x, 3)
		if err != nil {
			t.Fatal(err)
		}
		chunkedOff = true
		unrolled, err := m.LowerBound(x, 3)
		chunkedOff = false
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(chunked, unrolled) {
			t.Errorf("%v: the chunked bound differs from the unrolled one (row 0: %v, %v)", dt, chunked[0], unrolled[0])
		}
	}
}

// fitTiny trains a DBM of configuration c on x and returns every value of its state (weights,
// biases, velocities, particles) and the mean-field sweeps per update of each epoch.
func fitTiny(t *testing.T, x *dataset.Matrix[float64], c Config) (state, sweeps []float64) {
	t.Helper()
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	st, err := m.Fit(context.Background(), x, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range st {
		sweeps = append(sweeps, e.Train["mf_sweeps"])
	}
	vars, err := m.State()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vars {
		state = append(state, v.Values...)
	}
	return state, sweeps
}

// TestDataInputOnceBitIdentical: the mean field with layer 1's input from the rows computed once
// per minibatch (dataInput) gives, bit for bit, the weights, particles and sweep counts of the
// mean field that recomputes it in every sweep, and the same lower bounds, chunked and unrolled,
// float32 and float64, for two and three hidden layers and for one.
func TestDataInputOnceBitIdentical(t *testing.T) {
	x := dataset.NewMatrix[float64](40, 8)
	for i := range x.Data {
		x.Data[i] = float64((i*7+3)%11) / 10
	}
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		for _, sizes := range [][]int{{8, 6, 5}, {8, 6, 5, 4}, {8, 6}} {
			for _, unrolled := range []bool{false, true} {
				train := func(recompute bool) ([]float64, []float64) {
					recomputeDataInput, chunkedOff = recompute, unrolled
					defer func() { recomputeDataInput, chunkedOff = false, false }()
					return fitTiny(t, x, Config{Sizes: sizes, DType: dt, Seed: 9, WeightStd: 0.5, Particles: 10, BatchSize: 10, Epochs: 2,
						MeanFieldSteps: 12, MeanFieldTol: 1e-4, LearningRate: []float64{0.05}})
				}
				once, so := train(false)
				every, se := train(true)
				if !slices.Equal(once, every) || !slices.Equal(so, se) {
					t.Errorf("%v sizes %v unrolled=%v: training differs with the data input computed once (sweeps %v, %v)", dt, sizes, unrolled, so, se)
				}
				bound := func(recompute bool) []float64 {
					recomputeDataInput, chunkedOff = recompute, unrolled
					defer func() { recomputeDataInput, chunkedOff = false, false }()
					m, err := New(Config{Sizes: sizes, DType: dt, Seed: 4, WeightStd: 1})
					if err != nil {
						t.Fatal(err)
					}
					defer m.Close()
					b, err := m.LowerBound(x, 0)
					if err != nil {
						t.Fatal(err)
					}
					return b
				}
				if once, every := bound(false), bound(true); !slices.Equal(once, every) {
					t.Errorf("%v sizes %v unrolled=%v: the lower bound differs with the data input computed once", dt, sizes, unrolled)
				}
			}
		}
	}
}
