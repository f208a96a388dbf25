package dbm

import (
	"context"
	"fmt"
	"math/rand/v2"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// roleComplete seeds the completion's Gibbs sweeps: + 1000·sweep + layer, above the roles of
// train.go and original.go.
const roleComplete uint64 = 900000

// completeUnroll is the number of sweeps (or mean-field iterations) Complete runs per
// Session.Run, as rbm's.
const completeUnroll = 10

// completeOps are the graph of Complete, built on first use.
type completeOps struct {
	x, mask tf.Output   // [n, Sizes[0]] the data and the mask (1: given)
	states  []tf.Output // fed chain states, one per layer
	step    tf.Output   // int64 seed counter of a run of sweeps
	chain   []tf.Output // the states after completeUnroll sweeps
	meanSum tf.Output   // Σ over those sweeps of E[v | h₁], given units reset
	mu      []tf.Output // fed mean-field state, one per layer (mu[0]: the visible means)
	muStart []tf.Output // the hidden layers' start from mu[0]: the bottom-up pass
	muOut   []tf.Output // mu after completeUnroll iterations
	muDelta tf.Output   // max |Δμ| over every layer in the last iteration
}

// completeSweep adds one sweep of a completion: a sequential sweep through the hidden layers
// h₁ → … → h_L and then the visible layer (as n.sweep), after which the given visible units
// (mask 1) are reset to x. With a nil seed it is a mean-field sweep, means throughout. It
// returns the new states and E[v | h₁] with the given units reset.
func (n net) completeSweep(s *op.Scope, p params, xs []tf.Output, x, mask tf.Output, seed seeder, i int) ([]tf.Output, tf.Output) {
	sample := seed != nil
	out, vMean := n.sweep(s, p, xs, sample, sample, true, seed, i)
	out[0] = tfops.Clamp(s, mask, x, out[0])
	if !sample {
		return out, out[0]
	}
	return out, tfops.Clamp(s.SubScope("mean"), mask, x, vMean)
}

// completeStart adds the mean-field start of the hidden layers from the visible means v (the
// given units, zeros elsewhere): the bottom-up pass of meanField. It returns every layer, v
// first.
func (n net) completeStart(s *op.Scope, p params, v tf.Output) []tf.Output {
	mu, _ := n.meanFieldFrom(s.SubScope("complete_start"), p, v, nil, 0, 0)
	return mu
}

// maxDelta adds max |a_l − b_l| over the elements of every layer l.
func maxDelta(s *op.Scope, a, b []tf.Output) tf.Output {
	s = s.SubScope("max_delta")
	var d tf.Output
	for l := range a {
		ls := s.SubScope("layer")
		m := op.Max(ls, op.Abs(ls, op.Sub(ls, a[l], b[l])), op.Const(ls.SubScope("axes"), []int32{0, 1}))
		if d.Op == nil {
			d = m
		} else {
			d = op.Maximum(ls, d, m)
		}
	}
	return d
}

// completeGraph adds the ops of Complete on first use.
func (m *DBM) completeGraph() *completeOps {
	m.completeOnce.Do(func() {
		c, n, dt := m.cfg, m.net, m.cfg.DType
		s := m.scope.SubScope("complete")
		e := &m.complete
		p := m.readParams(s)
		layer := func(s *op.Scope, l int) tf.Output {
			return op.Placeholder(s, dt, op.PlaceholderShape(tf.MakeShape(-1, int64(c.Sizes[l]))))
		}
		e.x, e.mask = layer(s.SubScope("x"), 0), layer(s.SubScope("mask"), 0)
		e.step = op.Placeholder(s.SubScope("step"), tf.Int64, op.PlaceholderShape(tf.ScalarShape()))
		for l := range c.Sizes {
			e.states = append(e.states, layer(s.SubScope("state"), l))
			e.mu = append(e.mu, layer(s.SubScope("mu"), l))
		}
		gs := s.SubScope("gibbs")
		xs := e.states
		seed := m.seeder(roleComplete, e.step)
		for i := 0; i < completeUnroll; i++ {
			var mean tf.Output
			xs, mean = n.completeSweep(gs, p, xs, e.x, e.mask, seed, i)
			if i == 0 {
				e.meanSum = mean
			} else {
				e.meanSum = op.AddV2(gs.SubScope("sum"), e.meanSum, mean)
			}
		}
		e.chain = xs
		ms := s.SubScope("mean_field")
		e.muStart = n.completeStart(ms, p, e.mu[0])
		mu, prev := e.mu, e.mu
		for i := 0; i < completeUnroll; i++ {
			prev = mu
			mu, _ = n.completeSweep(ms, p, mu, e.x, e.mask, nil, i)
		}
		e.muOut = mu
		e.muDelta = maxDelta(ms, mu, prev)
	})
	return &m.complete
}

// Complete fills in the visible units of each row of x that o.Mask does not mark as given,
// from p(v_missing | v_given) (Salakhutdinov & Hinton 2009's conditional sampling): by Gibbs
// sweeps through every layer, h₁ → … → h_L → v, with the given units reset to x after every
// sweep (the chains start from random states of the missing units and of the hidden layers,
// drawn with o.Seed), or, with o.MeanField, by the mean-field fixed point of the hidden layers
// and the missing units together (started from zeros at the missing units and the bottom-up
// pass). Completion.Means are then the missing units' means; with Gibbs sampling, E[v | h₁]
// averaged over the sweeps after the burn-in. Values of x at the missing units are ignored. It
// runs 10 sweeps per Session.Run; ctx is checked between runs. The options are rbm's (see
// rbm.CompleteOptions; Resolve says which are refused).
func (m *DBM) Complete(ctx context.Context, x rbm.Data, o rbm.CompleteOptions) (*rbm.Completion, error) {
	c := m.cfg
	nv, dt := c.Sizes[0], c.DType
	n, err := checkData("complete", x, nv)
	if err != nil {
		return nil, err
	}
	o, maskRows, err := o.Resolve(n, nv)
	if err != nil {
		return nil, fmt.Errorf("dbm: %w", err)
	}
	xt, err := rowsTensor(x, 0, n, dt)
	if err != nil {
		return nil, err
	}
	maskT, err := tfops.TensorAs(maskRows, dt, int64(n), int64(nv))
	if err != nil {
		return nil, err
	}
	e := m.completeGraph()
	if err := m.scope.Err(); err != nil {
		return nil, fmt.Errorf("dbm: build graph: %w", err)
	}
	given, err := tfops.Values[float64](xt)
	if err != nil {
		return nil, err
	}
	start, err := m.completeStates(n, maskRows, given, o)
	if err != nil {
		return nil, err
	}
	feeds := map[tf.Output]*tf.Tensor{e.x: xt, e.mask: maskT}
	if o.MeanField {
		return m.completeMeanField(ctx, feeds, start[0], o)
	}
	runs, burnRuns := o.Sweeps/completeUnroll, o.BurnIn/completeUnroll
	states := start
	var sum []float64
	for r := 0; r < runs; r++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ctr, err := tf.NewTensor(int64(r) + o.Seed<<24)
		if err != nil {
			return nil, err
		}
		feeds[e.step] = ctr
		for l, t := range states {
			feeds[e.states[l]] = t
		}
		out, err := m.sess.Run(feeds, append(append([]tf.Output(nil), e.chain...), e.meanSum), nil)
		if err != nil {
			return nil, fmt.Errorf("dbm: complete: %w", err)
		}
		copy(states, out)
		if r >= burnRuns {
			s, err := tfops.Values[float64](out[len(states)])
			if err != nil {
				return nil, err
			}
			if sum == nil {
				sum = s
			} else {
				for i, v := range s {
					sum[i] += v
				}
			}
		}
		if o.OnProgress != nil {
			o.OnProgress((r+1)*completeUnroll, o.Sweeps)
		}
	}
	last, err := tfops.Values[float64](states[0])
	if err != nil {
		return nil, err
	}
	for i := range sum {
		sum[i] /= float64(o.Sweeps - o.BurnIn)
	}
	return &rbm.Completion{
		Means:  &dataset.Matrix[float64]{Rows: n, Cols: nv, Data: sum},
		States: &dataset.Matrix[float64]{Rows: n, Cols: nv, Data: last},
		Sweeps: o.Sweeps,
	}, nil
}

// completeStates returns the start of the completion's chains: the visible layer holds the
// given values and, at the missing units, random states (Gibbs) or zeros (mean field); for
// Gibbs the hidden layers hold random states of their biases alone (mean field computes their
// start in the graph).
func (m *DBM) completeStates(n int, mask, given []float64, o rbm.CompleteOptions) ([]*tf.Tensor, error) {
	c := m.cfg
	var p Parameters
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x636f6d706c657465)) // "complete"
	v := make([]float64, n*c.Sizes[0])
	if !o.MeanField {
		var err error
		if p, err = m.Parameters(); err != nil {
			return nil, err
		}
		v = c.Units[0].Random(make([]float64, c.Sizes[0]), n, r)
	}
	for i, g := range mask {
		if g == 1 {
			v[i] = given[i]
		}
	}
	out := make([]*tf.Tensor, 1, len(c.Sizes))
	var err error
	if out[0], err = tfops.TensorAs(v, c.DType, int64(n), int64(c.Sizes[0])); err != nil || o.MeanField {
		return out, err
	}
	for l := 1; l < len(c.Sizes); l++ {
		t, err := tfops.TensorAs(c.Units[l].Random(p.B[l], n, r), c.DType, int64(n), int64(c.Sizes[l]))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// completeMeanField runs Complete's mean-field iterations from the visible start v0 until no
// mean moves by more than o.Tol in an iteration (checked every 10) or o.Sweeps have run.
func (m *DBM) completeMeanField(ctx context.Context, feeds map[tf.Output]*tf.Tensor, v0 *tf.Tensor, o rbm.CompleteOptions) (*rbm.Completion, error) {
	e := &m.complete
	feeds[e.mu[0]] = v0
	hs, err := m.sess.Run(feeds, e.muStart[1:], nil)
	if err != nil {
		return nil, fmt.Errorf("dbm: complete: %w", err)
	}
	mu := append([]*tf.Tensor{v0}, hs...)
	res := &rbm.Completion{}
	for r := 0; r < o.Sweeps/completeUnroll; r++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for l, t := range mu {
			feeds[e.mu[l]] = t
		}
		out, err := m.sess.Run(feeds, append(append([]tf.Output(nil), e.muOut...), e.muDelta), nil)
		if err != nil {
			return nil, fmt.Errorf("dbm: complete: %w", err)
		}
		copy(mu, out)
		res.Sweeps = (r + 1) * completeUnroll
		delta, err := tfops.Values[float64](out[len(mu)])
		if err != nil {
			return nil, err
		}
		if o.OnProgress != nil {
			o.OnProgress(res.Sweeps, o.Sweeps)
		}
		if delta[0] < o.Tol {
			break
		}
	}
	v, err := tfops.Values[float64](mu[0])
	if err != nil {
		return nil, err
	}
	nv := m.cfg.Sizes[0]
	res.Means = &dataset.Matrix[float64]{Rows: len(v) / nv, Cols: nv, Data: v}
	return res, nil
}
