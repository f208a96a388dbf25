package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

func randVec(r *rand.Rand, n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64() * scale
	}
	return v
}

// TestCenteredEnergyIsTheSameModel enumerates every state of a binary chain of layers 3-2-3:
// the centered energy with the biases CenteredBiases gives minus the usual energy is one
// constant for every state, so both parametrisations define the same distribution.
func TestCenteredEnergyIsTheSameModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	sizes := []int{3, 2, 3}
	w := [][]float64{randVec(r, 6, 1), randVec(r, 6, 1)}
	b := [][]float64{randVec(r, 3, 1), randVec(r, 2, 1), randVec(r, 3, 1)}
	mu := [][]float64{{0.2, 0.5, 0.9}, {0.3, 0.6}, {0.1, 0.4, 0.7}}
	c := CenteredBiases(w, b, mu)
	energy := func(x [][]float64, b, off [][]float64) float64 {
		e := 0.0
		for l := range x {
			for i := range x[l] {
				e -= b[l][i] * (x[l][i] - off[l][i])
			}
		}
		for l := range w {
			m := sizes[l+1]
			for i := range x[l] {
				for j := range x[l+1] {
					e -= (x[l][i] - off[l][i]) * w[l][i*m+j] * (x[l+1][j] - off[l+1][j])
				}
			}
		}
		return e
	}
	zero := [][]float64{make([]float64, 3), make([]float64, 2), make([]float64, 3)}
	first := math.NaN()
	for code := 0; code < 1<<8; code++ {
		x := [][]float64{make([]float64, 3), make([]float64, 2), make([]float64, 3)}
		bit := 0
		for l := range x {
			for i := range x[l] {
				x[l][i] = float64(code >> bit & 1)
				bit++
			}
		}
		d := energy(x, c, mu) - energy(x, b, zero)
		if math.IsNaN(first) {
			first = d
		}
		if math.Abs(d-first) > 1e-12 {
			t.Fatalf("state %08b: centered − usual energy = %.15f, want the constant %.15f", code, d, first)
		}
	}
}

// TestCenteringOps checks WeightGradient, BiasDirections and Offset against Go arithmetic.
func TestCenteringOps(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const nd, nm, na, nb = 4, 3, 3, 2
	a, bb, am, bm := randVec(r, nd*na, 1), randVec(r, nd*nb, 1), randVec(r, nm*na, 1), randVec(r, nm*nb, 1)
	muA, muB := randVec(r, na, 1), randVec(r, nb, 1)
	ga, gbb := randVec(r, na, 1), randVec(r, nb, 1)
	c := Centering{Rate: 0.1}
	s := op.NewScope()
	con := func(name string, v []float64, shape ...int64) tf.Output {
		tt, err := tfops.NewTensor(v, shape...)
		if err != nil {
			t.Fatal(err)
		}
		return op.Const(s.SubScope(name), tt)
	}
	gW := c.WeightGradient(s, con("a", a, nd, na), con("b", bb, nd, nb), con("am", am, nm, na), con("bm", bm, nm, nb),
		con("mua", muA, na), con("mub", muB, nb), con("nd", []float64{nd}), con("nm", []float64{nm}))
	gW = op.Reshape(s, gW, op.Const(s.SubScope("shape"), []int32{na, nb}))
	dirs := c.BiasDirections(s, []tf.Output{gW}, []tf.Output{con("ga", ga, na), con("gb", gbb, nb)}, []tf.Output{con("mua2", muA, na), con("mub2", muB, nb)})
	off := c.Offset(s, con("old", muA, na), con("act", a, nd, na))
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := tf.NewSession(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	out, err := sess.Run(nil, []tf.Output{gW, dirs[0], dirs[1], off}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantW := make([]float64, na*nb)
	for i := 0; i < na; i++ {
		for j := 0; j < nb; j++ {
			for k := 0; k < nd; k++ {
				wantW[i*nb+j] += (a[k*na+i] - muA[i]) * (bb[k*nb+j] - muB[j]) / nd
			}
			for k := 0; k < nm; k++ {
				wantW[i*nb+j] -= (am[k*na+i] - muA[i]) * (bm[k*nb+j] - muB[j]) / nm
			}
		}
	}
	wantA, wantB := append([]float64(nil), ga...), append([]float64(nil), gbb...)
	for i := 0; i < na; i++ {
		for j := 0; j < nb; j++ {
			wantA[i] -= wantW[i*nb+j] * muB[j]
			wantB[j] -= wantW[i*nb+j] * muA[i]
		}
	}
	wantOff := make([]float64, na)
	for i := range wantOff {
		mean := 0.0
		for k := 0; k < nd; k++ {
			mean += a[k*na+i] / nd
		}
		wantOff[i] = 0.9*muA[i] + 0.1*mean
	}
	for i, want := range [][]float64{wantW, wantA, wantB, wantOff} {
		got, err := tfops.Values[float64](out[i])
		if err != nil {
			t.Fatal(err)
		}
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-12 {
				t.Errorf("output %d[%d] = %.15f, want %.15f", i, k, got[k], want[k])
			}
		}
	}
	if (Centering{Rate: 0}).Validate() == nil || (Centering{Rate: 1}).Validate() == nil || c.Validate() != nil {
		t.Error("Validate accepts rates outside (0, 1) or refuses 0.1")
	}
}
