package dbm

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// ServingSteps is the number of Gibbs sweeps the "sample" signature unrolls by default.
const ServingSteps = 10

// BuildServing adds an inference-only copy of the DBM to s (see package export), with the
// signatures
//
//	serving_default  visible [n, Sizes[0]] → features: the top layer's mean-field posterior
//	reconstruct      visible → reconstruction: E[v | μ₁]
//	sample           visible, seed (int64 [2]) → sample: the visible states after `steps` Gibbs
//	                 sweeps started from the mean-field posterior of the input (sampled unless
//	                 VisibleMeans), and mean: E[v | h₁] at the last sweep, as an RBM's sample
//	                 signature; drawn with stateless ops (same seed, same sample)
//	complete         images [n, Sizes[0]], mask [n or 1, Sizes[0]] (1: given), seed (int64
//	                 [2]), sweeps (int64, 0 ≤ sweeps ≤ steps) → Complete's answers after
//	                 `sweeps` sweeps, the given units holding the images' values: sample (the
//	                 Gibbs chains' visible states), mean (E[v | h₁] averaged over the last
//	                 sweeps − ⌊sweeps/10⌋ sweeps) and mean_field; the chains and the mean field
//	                 start from zeros at the missing units and the bottom-up pass. Up to
//	                 `steps` sweeps are unrolled, and all of them run whatever sweeps is (the
//	                 Go bindings have no While loop): export with the steps you need
//
// There is no free_energy signature: beyond one hidden layer the free energy has no closed form.
//
// Mean-field runs the model's MeanFieldSteps sweeps with its tolerance. o.Steps ≤ 0 means
// ServingSteps; with o.Standardizer, visible inputs take raw data and reconstruction, sample
// and mean come back in its units (see serving.Options).
func (m *DBM) BuildServing(s *op.Scope, o serving.Options) (*serving.Graph, error) {
	c, n := m.cfg, m.net
	sg := serving.NewGraph(o)
	steps := sg.Steps(ServingSteps)
	p, err := m.servingParams(s, sg)
	if err != nil {
		return nil, err
	}
	var feeds, xs [3]tf.Output
	for i, name := range []string{"features_visible", "reconstruct_visible", "sample_visible"} {
		if feeds[i], xs[i], err = sg.Input(s.SubScope(name), c.DType, c.Sizes[0]); err != nil {
			return nil, nest.Within("dbm: ", err)
		}
	}
	out := func(name string, y tf.Output) tf.Output { return sg.Output(s, name, y) }

	top := m.servingFeatures(s.SubScope("features_mf"), p, xs[0])
	sg.Signatures["serving_default"] = serving.Signature{
		Inputs:  map[string]tf.Output{"visible": feeds[0]},
		Outputs: map[string]tf.Output{"features": op.Identity(s.SubScope("features"), top)},
	}

	x := xs[1]
	mu, _ := n.meanField(s.SubScope("reconstruct_mf"), p, x, c.MeanFieldSteps, c.MeanFieldTol)
	rs := s.SubScope("reconstruct")
	rec := n.units[0].Mean(rs, n.input(rs, p, mu, 0), p.b[0])
	sg.Signatures["reconstruct"] = serving.Signature{
		Inputs:  map[string]tf.Output{"visible": feeds[1]},
		Outputs: map[string]tf.Output{"reconstruction": out("reconstruction", rec)},
	}

	x = xs[2]
	ss := s.SubScope("sample")
	seed := op.Placeholder(ss.SubScope("seed"), tf.Int64, op.PlaceholderShape(tf.MakeShape(2)))
	hs, _ := n.meanField(ss.SubScope("mf"), p, x, c.MeanFieldSteps, c.MeanFieldTol)
	key := op.Slice(ss.SubScope("key"), seed, op.Const(ss.SubScope("b0"), []int32{0}), op.Const(ss.SubScope("s0"), []int32{1}))
	base := op.Mul(ss.SubScope("base"), op.Slice(ss, seed, op.Const(ss.SubScope("b1"), []int32{1}), op.Const(ss.SubScope("s1"), []int32{1})),
		op.Const(ss.SubScope("stride"), []int64{int64(1000 * steps)}))
	seedOf := func(s *op.Scope, sweep, layer int) tf.Output {
		ctr := op.AddV2(s.SubScope("ctr"), base, op.Const(s.SubScope("off"), []int64{int64(1000*sweep + layer)}))
		return op.Concat(s.SubScope("seed"), op.Const(s.SubScope("ax"), int32(0)), []tf.Output{key, ctr})
	}
	var vMean tf.Output
	for i := 0; i < steps; i++ {
		hs, vMean = n.sweep(ss, p, hs, !c.VisibleMeans, !c.HiddenMeans, true, seedOf, i)
	}
	sg.Signatures["sample"] = serving.Signature{
		Inputs:  map[string]tf.Output{"visible": feeds[2], "seed": seed},
		Outputs: map[string]tf.Output{"sample": out("sample_out", hs[0]), "mean": out("mean_out", vMean)},
	}
	if err := m.servingComplete(s, sg, p, steps); err != nil {
		return nil, fmt.Errorf("dbm: %w", err)
	}
	if err := sg.Err(); err != nil {
		return nil, nest.Within("dbm: ", err)
	}
	if err := s.Err(); err != nil {
		return nil, nest.Within("dbm: build serving graph", err)
	}
	return sg, nil
}

// ServingFeatures adds the DBM's parameters to sg as variables under s and returns a builder of
// the DBM's features in that graph: the top layer's mean-field posterior of rows x, as Transform
// computes it (probabilities for multinomial units). It serves models that take the DBM's
// features as part of their input (mlp.Augmented); the builder may be called once per signature.
func (m *DBM) ServingFeatures(s *op.Scope, sg *serving.Graph) (func(s *op.Scope, x tf.Output) tf.Output, error) {
	p, err := m.servingParams(s, sg)
	if err != nil {
		return nil, err
	}
	return func(s *op.Scope, x tf.Output) tf.Output { return m.servingFeatures(s, p, x) }, nil
}

// servingParams adds the trained weights and biases to sg as variables.
func (m *DBM) servingParams(s *op.Scope, sg *serving.Graph) (params, error) {
	c := m.cfg
	pv, err := m.Parameters()
	if err != nil {
		return params{}, err
	}
	p := params{W: make([]tf.Output, len(pv.W)), b: make([]tf.Output, len(pv.B))}
	for i, w := range pv.W {
		if p.W[i], err = sg.Variable(s, fmt.Sprintf("weights/W%d", i), c.DType, []int64{int64(c.Sizes[i]), int64(c.Sizes[i+1])}, w); err != nil {
			return params{}, err
		}
	}
	for l, b := range pv.B {
		if p.b[l], err = sg.Variable(s, fmt.Sprintf("weights/b%d", l), c.DType, []int64{int64(c.Sizes[l])}, b); err != nil {
			return params{}, err
		}
	}
	return p, nil
}

// servingFeatures is the top layer's mean-field posterior of x (evalGraph's features).
func (m *DBM) servingFeatures(s *op.Scope, p params, x tf.Output) tf.Output {
	c, n := m.cfg, m.net
	L := n.top()
	mu, _ := n.meanField(s, p, x, c.MeanFieldSteps, c.MeanFieldTol)
	if pr, ok := n.units[L].(rbm.Prober); ok {
		ts := s.SubScope("top_probs")
		return pr.Probabilities(ts, n.input(ts, p, mu, L), p.b[L])
	}
	return mu[L]
}
