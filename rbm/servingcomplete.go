package rbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// servingComplete adds the "complete" signature to sg (see BuildServing): up to steps sweeps of
// Complete's Gibbs sampling and mean-field iterations, in one graph.
func (m *RBM) servingComplete(s *op.Scope, sg *serving.Graph, p params, steps int) error {
	c, l := m.cfg, m.layers
	s = s.SubScope("complete")
	feed, x, err := sg.Input(s.SubScope("images"), c.DType, c.NumVisible)
	if err != nil {
		return err
	}
	mask := op.Placeholder(s.SubScope("mask"), c.DType, op.PlaceholderShape(tf.MakeShape(-1, int64(c.NumVisible))))
	seed := op.Placeholder(s.SubScope("seed"), tf.Int64, op.PlaceholderShape(tf.MakeShape(2)))
	sw := serving.NewSweeps(s, steps)
	// Both start from the given units and zeros elsewhere, as Complete's mean field does.
	start := tfops.Clamp(s.SubScope("start"), mask, x, op.ZerosLike(s, x))
	v, mu := start, start
	var sum, count tf.Output
	for i := 0; i < steps; i++ {
		gs := s.SubScope("gibbs")
		// Sweep i draws h with seed (seed[0], seed[1]·2·steps + 2i) and v with … + 2i + 1.
		next, mean := l.completeSweep(gs, p, v, x, mask, serving.SeedOf(gs, seed, int64(2*steps), int64(2*i)),
			serving.SeedOf(gs.SubScope("v"), seed, int64(2*steps), int64(2*i+1)))
		v = sw.Keep(gs, i, next, v)
		w := sw.Averaged(gs, i, c.DType)
		if i == 0 {
			sum, count = op.Mul(gs, w, mean), w
		} else {
			sum, count = op.AddV2(gs.SubScope("sum"), sum, op.Mul(gs, w, mean)), op.AddV2(gs.SubScope("count"), count, w)
		}
		ms := s.SubScope("mean_field")
		mu = sw.Keep(ms, i, l.completeMeanField(ms, p, mu, x, mask), mu)
	}
	mean := start
	if steps > 0 {
		ms := s.SubScope("mean")
		one := tfops.Scalar(ms.SubScope("one"), 1, c.DType)
		mean = tfops.Clamp(ms, mask, x, op.Div(ms, sum, op.Maximum(ms, count, one)))
	}
	out := func(name string, y tf.Output) tf.Output { return sg.Output(s, name, y) }
	sg.Signatures["complete"] = serving.Signature{
		Inputs:  map[string]tf.Output{"images": feed, "mask": mask, "seed": seed, "sweeps": sw.Feed},
		Outputs: map[string]tf.Output{"sample": out("sample_out", v), "mean": out("mean_out", mean), "mean_field": out("mean_field_out", mu)},
	}
	return nil
}
