package optim

import (
	"errors"
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// A Param is one trainable parameter: its variable, the value of that variable read once in
// the step graph (the tensor the gradient was taken against), and a learning-rate multiplier.
type Param struct {
	Var   *tfops.Variable
	Value tf.Output
	// Multiplier scales the learning rate of this parameter; 0 means 1. The original's
	// MultiAdam gives each Keras layer (its kernel and bias) one multiplier.
	Multiplier float64
}

// Adam is the Adam rule of Kingma & Ba (2015) in the form Keras uses (and the original's
// MultiAdam), with per-parameter learning-rate multipliers:
//
//	t ← t + 1
//	m ← β1·m + (1−β1)·g
//	v ← β2·v + (1−β2)·g²
//	lr_t = lr·√(1−β2^t)/(1−β1^t)
//	p ← p − lr_t·mult·m/(√v + ε)
//
// The zero value uses β1 = 0.9, β2 = 0.999, ε = 1e-8 (Keras' and the original's defaults).
// The learning rate is an input of the step graph, so a schedule or a plateau reduction can
// change it between steps without rebuilding the graph.
type Adam struct {
	// Beta1 and Beta2 are the decay rates of the first and second moment estimates;
	// 0 means 0.9 and 0.999.
	Beta1, Beta2 float64
	// Epsilon is added to √v; 0 means 1e-8.
	Epsilon float64
}

// ErrParam reports parameters and gradients that do not fit together.
var ErrParam = errors.New("optim: bad parameters")

func (a Adam) defaults() Adam {
	if a.Beta1 == 0 {
		a.Beta1 = 0.9
	}
	if a.Beta2 == 0 {
		a.Beta2 = 0.999
	}
	if a.Epsilon == 0 {
		a.Epsilon = 1e-8
	}
	return a
}

// Validate reports hyperparameters outside their domain.
func (a Adam) Validate() error {
	d := a.defaults()
	if !(d.Beta1 > 0 && d.Beta1 < 1) || !(d.Beta2 > 0 && d.Beta2 < 1) {
		return fmt.Errorf("optim: adam: beta1 %g and beta2 %g must lie in (0, 1)", a.Beta1, a.Beta2)
	}
	if !(d.Epsilon > 0) || math.IsInf(d.Epsilon, 0) {
		return fmt.Errorf("optim: adam: epsilon %g must be positive and finite", a.Epsilon)
	}
	return nil
}

// AdamState is the state of Adam for a list of parameters: the first and second moment
// estimates (one pair of variables per parameter, named "<param>/adam_m" and "<param>/adam_v")
// and the step counter t ("optimizer/adam_t", float64 whatever the parameters' dtype, so that
// β^t stays exact for millions of steps).
type AdamState struct {
	M, V []*tfops.Variable
	T    *tfops.Variable
}

// Variables lists the state variables in a fixed order (moments in parameter order, then t),
// for checkpoints.
func (st *AdamState) Variables() []*tfops.Variable {
	out := append(append([]*tfops.Variable(nil), st.M...), st.V...)
	return append(out, st.T)
}

// InitValues returns the initial values of Variables(): zeros.
func (st *AdamState) InitValues() ([]*tf.Tensor, error) {
	var out []*tf.Tensor
	for _, v := range st.Variables() {
		t, err := tfops.TensorAs(make([]float64, v.Size()), v.DType, v.Shape...)
		if err != nil {
			return nil, nest.Within(fmt.Sprintf("optim: init %s", v.Name), err)
		}
		out = append(out, t)
	}
	return out, nil
}

// NewState adds the state variables for params to the graph of s.
func (a Adam) NewState(s *op.Scope, params []*tfops.Variable) *AdamState {
	st := &AdamState{}
	for _, p := range params {
		st.M = append(st.M, tfops.NewVariable(s, p.Name+"/adam_m", p.DType, p.Shape))
		st.V = append(st.V, tfops.NewVariable(s, p.Name+"/adam_v", p.DType, p.Shape))
	}
	st.T = tfops.NewVariable(s, "optimizer/adam_t", tf.Double, []int64{})
	return st
}

// Update adds the ops of one Adam step to s: given the gradients of the loss with respect to
// each params[i].Value and the learning rate lr (a scalar of the parameters' dtype), it assigns
// the new parameters and state. The returned op runs the whole step.
func (a Adam) Update(s *op.Scope, st *AdamState, params []Param, grads []tf.Output, lr tf.Output) (*tf.Operation, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if len(params) != len(grads) || len(params) != len(st.M) || len(params) == 0 {
		return nil, fmt.Errorf("%w: %d parameters, %d gradients, state for %d", ErrParam, len(params), len(grads), len(st.M))
	}
	a = a.defaults()
	s = s.SubScope("adam")
	dt := params[0].Var.DType
	// t and the bias correction in float64, then cast: lr_t = lr·√(1−β2^t)/(1−β1^t).
	t := op.AddV2(s.SubScope("t"), st.T.Read(s), op.Const(s.SubScope("one"), 1.0))
	pow := func(name string, b float64) tf.Output {
		ss := s.SubScope(name)
		return op.Pow(ss, op.Const(ss.SubScope("base"), b), t)
	}
	one := op.Const(s.SubScope("one64"), 1.0)
	corr := op.Div(s.SubScope("correction"),
		op.Sqrt(s.SubScope("sqrt"), op.Sub(s.SubScope("c2"), one, pow("beta2_t", a.Beta2))),
		op.Sub(s.SubScope("c1"), one, pow("beta1_t", a.Beta1)))
	lrT := op.Mul(s.SubScope("lr_t"), lr, tfops.Cast(s, corr, dt))
	assigns := []*tf.Operation{st.T.Assign(s, t)}
	for i, p := range params {
		ps := s.SubScope(fmt.Sprintf("param%d", i))
		g := grads[i]
		if g.Op == nil {
			return nil, fmt.Errorf("%w: no gradient for %s", ErrParam, p.Var.Name)
		}
		mult := p.Multiplier
		if mult == 0 {
			mult = 1
		}
		if !(mult > 0) || math.IsInf(mult, 0) {
			return nil, fmt.Errorf("%w: learning-rate multiplier %g of %s must be positive and finite", ErrParam, mult, p.Var.Name)
		}
		c := func(name string, v float64) tf.Output { return tfops.Scalar(ps.SubScope(name), v, dt) }
		m := op.AddV2(ps.SubScope("m"), op.Mul(ps.SubScope("m_decay"), c("b1", a.Beta1), st.M[i].Read(ps)),
			op.Mul(ps.SubScope("m_new"), c("1mb1", 1-a.Beta1), g))
		v := op.AddV2(ps.SubScope("v"), op.Mul(ps.SubScope("v_decay"), c("b2", a.Beta2), st.V[i].Read(ps)),
			op.Mul(ps.SubScope("v_new"), c("1mb2", 1-a.Beta2), op.Square(ps.SubScope("g2"), g)))
		step := op.Div(ps.SubScope("ratio"), m, op.AddV2(ps.SubScope("denom"), op.Sqrt(ps.SubScope("sqrt_v"), v), c("eps", a.Epsilon)))
		rate := op.Mul(ps.SubScope("rate"), lrT, c("mult", mult))
		p1 := op.Sub(ps.SubScope("p"), p.Value, op.Mul(ps.SubScope("delta"), rate, step))
		assigns = append(assigns, st.M[i].Assign(ps, m), st.V[i].Assign(ps, v), p.Var.Assign(ps, p1))
	}
	if err := s.Err(); err != nil {
		return nil, nest.Within("optim: adam", err)
	}
	return op.NoOp(s.SubScope("step").WithControlDependencies(assigns...)), nil
}
