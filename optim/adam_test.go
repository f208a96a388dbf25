package optim

import (
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// adamRef is Adam written out by hand in float64, as Keras' formula (see Adam).
func adamRef(p, g []float64, steps int, lr, mult float64) []float64 {
	b1, b2, eps := 0.9, 0.999, 1e-8
	p = append([]float64(nil), p...)
	m := make([]float64, len(p))
	v := make([]float64, len(p))
	for t := 1; t <= steps; t++ {
		lrT := lr * math.Sqrt(1-math.Pow(b2, float64(t))) / (1 - math.Pow(b1, float64(t)))
		for i := range p {
			gi := g[i] * float64(t) // the gradient changes from step to step
			m[i] = b1*m[i] + (1-b1)*gi
			v[i] = b2*v[i] + (1-b2)*gi*gi
			p[i] -= lrT * mult * m[i] / (math.Sqrt(v[i]) + eps)
		}
	}
	return p
}

// TestAdamAgainstHandComputedSteps runs three Adam steps on two parameters with different
// multipliers and compares them with adamRef, in float64 and float32.
func TestAdamAgainstHandComputedSteps(t *testing.T) {
	for _, dt := range []tf.DataType{tf.Double, tf.Float} {
		s := op.NewScope()
		pa := tfops.NewVariable(s, "a/kernel", dt, []int64{3})
		pb := tfops.NewVariable(s, "b/kernel", dt, []int64{2})
		a := Adam{}
		st := a.NewState(s, []*tfops.Variable{pa, pb})
		lr := op.Placeholder(s.SubScope("lr"), dt)
		scale := op.Placeholder(s.SubScope("scale"), dt) // gradient = scale·g0
		ga, _ := tfops.TensorAs([]float64{0.5, -2, 1e-3}, dt, 3)
		gb, _ := tfops.TensorAs([]float64{3, -0.25}, dt, 2)
		va, vb := pa.Read(s), pb.Read(s)
		grads := []tf.Output{op.Mul(s.SubScope("ga"), op.Const(s.SubScope("ga0"), ga), scale), op.Mul(s.SubScope("gb"), op.Const(s.SubScope("gb0"), gb), scale)}
		upd, err := a.Update(s, st, []Param{{Var: pa, Value: va, Multiplier: 0.1}, {Var: pb, Value: vb, Multiplier: 2}}, grads, lr)
		if err != nil {
			t.Fatal(err)
		}
		readA, readB := pa.Read(s.SubScope("out")), pb.Read(s.SubScope("out2"))
		g, err := s.Finalize()
		if err != nil {
			t.Fatal(err)
		}
		sess, err := tfops.NewSession(g, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		a0, _ := tfops.TensorAs([]float64{1, 2, 3}, dt, 3)
		b0, _ := tfops.TensorAs([]float64{-1, 0.5}, dt, 2)
		z, err := st.InitValues()
		if err != nil {
			t.Fatal(err)
		}
		if err := tfops.InitVariables(sess, append([]*tfops.Variable{pa, pb}, st.Variables()...), append([]*tf.Tensor{a0, b0}, z...)); err != nil {
			t.Fatal(err)
		}
		lrT, _ := tfops.ScalarTensor(0.01, dt)
		for step := 1; step <= 3; step++ {
			sc, _ := tfops.ScalarTensor(float64(step), dt)
			if _, err := sess.Run(map[tf.Output]*tf.Tensor{lr: lrT, scale: sc}, nil, []*tf.Operation{upd}); err != nil {
				t.Fatal(err)
			}
		}
		out, err := sess.Run(nil, []tf.Output{readA, readB}, nil)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-14
		if dt == tf.Float {
			tol = 1e-6
		}
		for i, want := range [][]float64{
			adamRef([]float64{1, 2, 3}, []float64{0.5, -2, 1e-3}, 3, 0.01, 0.1),
			adamRef([]float64{-1, 0.5}, []float64{3, -0.25}, 3, 0.01, 2),
		} {
			got, _ := tfops.Values[float64](out[i])
			for j := range want {
				if math.Abs(got[j]-want[j]) > tol*math.Max(1, math.Abs(want[j])) {
					t.Errorf("%s param %d[%d] = %.17g, want %.17g", tfops.DTypeName(dt), i, j, got[j], want[j])
				}
			}
		}
	}
}

func TestAdamRejectsBadInput(t *testing.T) {
	for _, a := range []Adam{{Beta1: 1}, {Beta2: -0.1}, {Epsilon: -1}, {Epsilon: math.Inf(1)}} {
		if a.Validate() == nil {
			t.Errorf("%+v accepted", a)
		}
	}
	s := op.NewScope()
	p := tfops.NewVariable(s, "p", tf.Double, []int64{2})
	st := Adam{}.NewState(s, []*tfops.Variable{p})
	lr := op.Placeholder(s.SubScope("lr"), tf.Double)
	if _, err := (Adam{}).Update(s, st, []Param{{Var: p, Value: p.Read(s)}}, nil, lr); err == nil {
		t.Error("missing gradient accepted")
	}
	if _, err := (Adam{}).Update(s, st, []Param{{Var: p, Value: p.Read(s), Multiplier: -1}}, []tf.Output{p.Read(s.SubScope("g"))}, lr); err == nil {
		t.Error("negative multiplier accepted")
	}
}
