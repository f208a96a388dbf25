package dbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// servingComplete adds the "complete" signature to sg (see BuildServing): up to steps sweeps of
// Complete's Gibbs sampling and mean-field iterations, in one graph.
func (m *DBM) servingComplete(s *op.Scope, sg *serving.Graph, p params, steps int) error {
	c, n := m.cfg, m.net
	s = s.SubScope("complete")
	feed, x, err := sg.Input(s.SubScope("images"), c.DType, c.Sizes[0])
	if err != nil {
		return err
	}
	mask := op.Placeholder(s.SubScope("mask"), c.DType, op.PlaceholderShape(tf.MakeShape(-1, int64(c.Sizes[0]))))
	seed := op.Placeholder(s.SubScope("seed"), tf.Int64, op.PlaceholderShape(tf.MakeShape(2)))
	sw := serving.NewSweeps(s, steps)
	// Both start from the given units, zeros elsewhere and the bottom-up pass, as Complete's
	// mean field does.
	v0 := tfops.Clamp(s.SubScope("start"), mask, x, op.ZerosLike(s, x))
	start := n.completeStart(s, p, v0)
	xs := append([]tf.Output(nil), start...)
	mu := append([]tf.Output(nil), start...)
	// Sweep i, layer l draws with seed (seed[0], seed[1]·1000·steps + 1000i + l).
	seedOf := func(s *op.Scope, sweep, layer int) tf.Output {
		return serving.SeedOf(s, seed, int64(1000*steps), int64(1000*sweep+layer))
	}
	keep := func(s *op.Scope, i int, next, prev []tf.Output) []tf.Output {
		out := make([]tf.Output, len(next))
		for l := range next {
			out[l] = sw.Keep(s, i, next[l], prev[l])
		}
		return out
	}
	var sum, count tf.Output
	for i := 0; i < steps; i++ {
		gs := s.SubScope("gibbs")
		next, mean := n.completeSweep(gs, p, xs, x, mask, seedOf, i)
		xs = keep(gs, i, next, xs)
		w := sw.Averaged(gs, i, c.DType)
		if i == 0 {
			sum, count = op.Mul(gs, w, mean), w
		} else {
			sum, count = op.AddV2(gs.SubScope("sum"), sum, op.Mul(gs, w, mean)), op.AddV2(gs.SubScope("count"), count, w)
		}
		ms := s.SubScope("mean_field")
		next, _ = n.completeSweep(ms, p, mu, x, mask, nil, i)
		mu = keep(ms, i, next, mu)
	}
	mean := v0
	if steps > 0 {
		ms := s.SubScope("mean")
		one := tfops.Scalar(ms.SubScope("one"), 1, c.DType)
		mean = tfops.Clamp(ms, mask, x, op.Div(ms, sum, op.Maximum(ms, count, one)))
	}
	out := func(name string, y tf.Output) tf.Output { return sg.Output(s, name, y) }
	sg.Signatures["complete"] = serving.Signature{
		Inputs:  map[string]tf.Output{"images": feed, "mask": mask, "seed": seed, "sweeps": sw.Feed},
		Outputs: map[string]tf.Output{"sample": out("sample_out", xs[0]), "mean": out("mean_out", mean), "mean_field": out("mean_field_out", mu[0])},
	}
	return nil
}
