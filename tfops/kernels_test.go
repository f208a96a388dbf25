package tfops

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// requireKernels skips t when `make deps` could not build the kernels here (it then leaves a
// SKIPPED file saying why) and fails it when they were never built or do not load: a test of
// the kernels must not pass by not running.
func requireKernels(t *testing.T) {
	t.Helper()
	if ok, why := KernelsExpected(); !ok {
		t.Skip(why)
	}
	if _, err := KernelsLoaded(); err != nil {
		t.Fatalf("kernels not loaded (run `make deps`): %v", err)
	}
}

// TestMomentumStep compares BoltzmannMomentumStep with the same arithmetic done in Go in the
// op's dtype, operation by operation: equal bit for bit, with and without weight decay, in
// float32 and float64 (the unfused TensorFlow ops it replaces — an L2 op, then
// ResourceApplyKerasMomentum; rbm's TestFusedMomentumBitIdentical compares whole trainings).
func TestMomentumStep(t *testing.T) {
	requireKernels(t)
	r := rand.New(rand.NewPCG(3, 4))
	const n = 5000 // several shards of the kernel's parallel loop
	v, a, g := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range v {
		v[i], a[i], g[i] = r.NormFloat64(), r.NormFloat64()*0.1, r.NormFloat64()
	}
	const negLR, mom = -0.013, 0.9
	for _, dt := range dtypes {
		for _, decay := range []float64{0, 2e-4} {
			out := runGraph(t, func(s *op.Scope) []tf.Output {
				nv, na := MomentumStep(s, constOf(t, s, v, dt.dt, n), constOf(t, s.SubScope("a"), a, dt.dt, n),
					constOf(t, s.SubScope("g"), g, dt.dt, n), Scalar(s.SubScope("lr"), negLR, dt.dt), Scalar(s.SubScope("m"), mom, dt.dt), decay)
				return []tf.Output{nv, na}
			})
			for i := range v {
				var wantV, wantA float64
				if dt.dt == tf.Float {
					gd := float32(g[i])
					if decay != 0 {
						gd = float32(g[i]) - float32(decay)*float32(v[i])
					}
					acc := float32(a[i])*float32(mom) - gd*float32(negLR)
					wantV, wantA = float64(float32(v[i])+acc), float64(acc)
				} else {
					gd := g[i]
					if decay != 0 {
						gd = g[i] - decay*v[i]
					}
					acc := a[i]*mom - gd*negLR
					wantV, wantA = v[i]+acc, acc
				}
				if out[0][i] != wantV || out[1][i] != wantA {
					t.Fatalf("%s decay %g: element %d = (%.17g, %.17g), want (%.17g, %.17g)", dt.name, decay, i, out[0][i], out[1][i], wantV, wantA)
				}
			}
			if math.Abs(out[1][0]-a[0]*mom) < 1e-9 {
				t.Fatalf("%s: the step left the velocity unchanged", dt.name)
			}
		}
	}
}

// TestMomentumStepShapes checks that operands of different shapes are refused with a message
// naming them, not read out of bounds.
func TestMomentumStepShapes(t *testing.T) {
	requireKernels(t)
	s := op.NewScope()
	ph := func(name string, shape ...int64) tf.Output {
		return op.Placeholder(s.SubScope(name), tf.Float, op.PlaceholderShape(tf.MakeShape(shape...)))
	}
	pv, pa, pg := ph("v", -1), ph("a", -1), ph("g", -1)
	nv, _ := MomentumStep(s, pv, pa, pg, Scalar(s.SubScope("lr"), -0.1, tf.Float), Scalar(s.SubScope("m"), 0.5, tf.Float), 0)
	sess := openScope(t, s)
	feed := func(k int) *tf.Tensor {
		x, err := tf.NewTensor(make([]float32, k))
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	_, err := sess.Run(map[tf.Output]*tf.Tensor{pv: feed(4), pa: feed(4), pg: feed(3)}, []tf.Output{nv}, nil)
	if err == nil || !strings.Contains(err.Error(), "differ in shape") {
		t.Fatalf("mismatched shapes: err = %v", err)
	}
}
