package rbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// ServingSteps is the number of Gibbs steps the "sample" signature unrolls when
// BuildServing is given none.
const ServingSteps = 10

// BuildServing adds a serving graph of the model to s, with these signatures (all inputs have
// a free batch dimension):
//
//	serving_default  visible [n, NumVisible] → features [n, NumHidden]: p(h | v)
//	reconstruct      visible → reconstruction [n, NumVisible]: E[v | E[h | v]]
//	free_energy      visible → free_energy [n]
//	sample           visible, seed (int64 [2]) → sample [n, NumVisible] (the visible states
//	                 after `steps` Gibbs steps v → h → v) and mean (E[v | h] at the last step),
//	                 drawn with stateless ops: the same seed gives the same sample
//	complete         images [n, NumVisible], mask [n or 1, NumVisible] (1: given), seed (int64
//	                 [2]), sweeps (int64, 0 ≤ sweeps ≤ steps) → Complete's answers after
//	                 `sweeps` sweeps, the given units holding the images' values: sample (the
//	                 Gibbs chains' states), mean (E[v | h] averaged over the last
//	                 sweeps − ⌊sweeps/10⌋ sweeps) and mean_field (the mean-field iteration);
//	                 the chains and the mean field start from zeros at the missing units. Up to
//	                 `steps` sweeps are unrolled, and all of them run whatever sweeps is (the
//	                 Go bindings have no While loop): export with the steps you need
//
// o.Steps ≤ 0 means ServingSteps. With o.Standardizer, every visible input takes raw data and
// reconstruction, sample and mean come back in the raw data's units (see serving.Options).
func (m *RBM) BuildServing(s *op.Scope, o serving.Options) (*serving.Graph, error) {
	c, l := m.cfg, m.layers
	w, vb, hb, err := m.Weights()
	if err != nil {
		return nil, err
	}
	sg := serving.NewGraph(o)
	steps := sg.Steps(ServingSteps)
	var p params
	nv, nh := int64(c.NumVisible), int64(c.NumHidden)
	if p.W, err = sg.Variable(s, "weights/W", c.DType, []int64{nv, nh}, w); err != nil {
		return nil, err
	}
	if p.vb, err = sg.Variable(s, "weights/vb", c.DType, []int64{nv}, vb); err != nil {
		return nil, err
	}
	if p.hb, err = sg.Variable(s, "weights/hb", c.DType, []int64{nh}, hb); err != nil {
		return nil, err
	}
	var feeds [4]tf.Output
	var xs [4]tf.Output
	for i, name := range []string{"features_visible", "reconstruct_visible", "free_energy_visible", "sample_visible"} {
		if feeds[i], xs[i], err = sg.Input(s.SubScope(name), c.DType, c.NumVisible); err != nil {
			return nil, nest.Within("rbm: ", err)
		}
	}
	out := func(name string, y tf.Output) tf.Output { return sg.Output(s, name, y) }

	x := xs[0]
	sg.Signatures["serving_default"] = serving.Signature{
		Inputs:  map[string]tf.Output{"visible": feeds[0]},
		Outputs: map[string]tf.Output{"features": op.Identity(s.SubScope("features"), l.hiddenFeatures(s.SubScope("transform"), p, x))},
	}
	x = xs[1]
	rec := l.visibleMean(s.SubScope("reconstruct"), p, l.hiddenMean(s.SubScope("reconstruct_h"), p, x))
	sg.Signatures["reconstruct"] = serving.Signature{
		Inputs:  map[string]tf.Output{"visible": feeds[1]},
		Outputs: map[string]tf.Output{"reconstruction": out("reconstruction", rec)},
	}
	x = xs[2]
	sg.Signatures["free_energy"] = serving.Signature{
		Inputs:  map[string]tf.Output{"visible": feeds[2]},
		Outputs: map[string]tf.Output{"free_energy": op.Identity(s.SubScope("free_energy_out"), l.freeEnergy(s, p, x))},
	}

	x = xs[3]
	ss := s.SubScope("sample")
	seed := op.Placeholder(ss.SubScope("seed"), tf.Int64, op.PlaceholderShape(tf.MakeShape(2)))
	v, mean := x, x
	for i := 0; i < steps; i++ {
		gs := ss.SubScope("gibbs")
		// Step i draws h with seed (seed[0], seed[1]·2·steps + 2i) and v with … + 2i + 1.
		base := op.Mul(gs, op.Slice(gs, seed, op.Const(gs.SubScope("b1"), []int32{1}), op.Const(gs.SubScope("s1"), []int32{1})),
			op.Const(gs.SubScope("stride"), []int64{int64(2 * steps)}))
		key := op.Slice(gs.SubScope("key"), seed, op.Const(gs.SubScope("b0"), []int32{0}), op.Const(gs.SubScope("s0"), []int32{1}))
		sd := func(off int64) tf.Output {
			ctr := op.AddV2(gs.SubScope("ctr"), base, op.Const(gs.SubScope("off"), []int64{off}))
			return op.Concat(gs.SubScope("seed"), op.Const(gs.SubScope("ax"), int32(0)), []tf.Output{key, ctr})
		}
		_, h := l.sampleHidden(gs, p, v, sd(int64(2*i)))
		mean, v = l.sampleVisible(gs, p, h, sd(int64(2*i+1)))
	}
	sg.Signatures["sample"] = serving.Signature{
		Inputs:  map[string]tf.Output{"visible": feeds[3], "seed": seed},
		Outputs: map[string]tf.Output{"sample": out("sample_out", v), "mean": out("mean_out", mean)},
	}
	if err := m.servingComplete(s, sg, p, steps); err != nil {
		return nil, nest.Within("rbm: ", err)
	}
	if err := sg.Err(); err != nil {
		return nil, nest.Within("rbm: ", err)
	}
	if err := s.Err(); err != nil {
		return nil, nest.Within("rbm: build serving graph", err)
	}
	return sg, nil
}
