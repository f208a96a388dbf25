package rbm

import (
	"context"
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Roles of the completion's random ops (see the roles in train.go).
const (
	roleCompleteH uint64 = 60000
	roleCompleteV uint64 = 60001
)

// completeUnroll is the number of sweeps (or mean-field iterations) Complete runs per
// Session.Run.
const completeUnroll = 10

// CompleteOptions configure Complete.
type CompleteOptions struct {
	// Mask marks the given visible units, whose values are kept from the data: either
	// NumVisible entries, the same for every row, or rows·NumVisible entries, row by row.
	// The other units are filled in.
	Mask []bool
	// MeanField selects the mean-field (variational) answer: the fixed point of
	// μ = E[v | h = E[h | v_given, μ]] over the missing units. Default false: Gibbs sampling
	// with the given units reset after every sweep.
	MeanField bool
	// Sweeps is the number of Gibbs sweeps (zero: 1000), or the most mean-field iterations
	// (zero: 200); rounded up to a multiple of 10.
	Sweeps int
	// BurnIn is the number of first Gibbs sweeps not averaged into Completion.Means, rounded
	// up to a multiple of 10. Zero means Sweeps/10; it must be less than Sweeps.
	BurnIn int
	// Tol stops the mean-field iterations once no mean moved by more than Tol in an
	// iteration. Zero means 1e-6.
	Tol float64
	// Seed seeds the chains' start and draws; the same seed gives the same completion.
	Seed int64
	// OnProgress, if set, is called after every run of sweeps with the sweeps done and their
	// total (for progress bars).
	OnProgress func(done, total int)
}

// A Completion is the result of Complete. In every row the given units hold the data's values.
type Completion struct {
	// Means holds the filled-in means: with Gibbs sampling, E[v_j | h] averaged over the
	// sweeps after the burn-in (an estimate of E[v_j | v_given], the conditional marginals
	// for binary units); with mean field, the fixed point μ.
	Means *dataset.Matrix[float64]
	// States holds the last Gibbs sweep's sampled states (nil for mean field): completions a
	// person can look at as samples of p(v_missing | v_given).
	States *dataset.Matrix[float64]
	// Sweeps is the number of sweeps or mean-field iterations run.
	Sweeps int
}

// completeOps are the graph of Complete, built once.
type completeOps struct {
	x, mask tf.Output // [n, nv] the data and the mask (1: given)
	v, step tf.Output // [n, nv] chain state; int64 seed counter
	vOut    tf.Output // the state after completeUnroll sweeps
	meanSum tf.Output // Σ over those sweeps of E[v | h], given units clamped
	mu      tf.Output // [n, nv] mean-field state
	muOut   tf.Output // after completeUnroll iterations
	muDelta tf.Output // max |Δμ| in the last iteration
}

// completeGraph adds the ops of Complete on first use.
func (m *RBM) completeGraph() *completeOps {
	m.completeOnce.Do(func() {
		c, l, dt := m.cfg, m.layers, m.cfg.DType
		s := m.scope.SubScope("complete")
		e := &m.complete
		p := params{W: m.vars.W.Read(s), vb: m.vars.vb.Read(s), hb: m.vars.hb.Read(s)}
		shape := op.PlaceholderShape(tf.MakeShape(-1, int64(c.NumVisible)))
		e.x = op.Placeholder(s.SubScope("x"), dt, shape)
		e.mask = op.Placeholder(s.SubScope("mask"), dt, shape)
		e.v = op.Placeholder(s.SubScope("v"), dt, shape)
		e.mu = op.Placeholder(s.SubScope("mu"), dt, shape)
		e.step = op.Placeholder(s.SubScope("step"), tf.Int64, op.PlaceholderShape(tf.ScalarShape()))
		gs := s.SubScope("gibbs")
		v := e.v
		for i := 0; i < completeUnroll; i++ {
			ss := gs.SubScope("sweep")
			// Sweep i of run r draws with counter r·completeUnroll + i.
			ctr := op.AddV2(ss, op.Mul(ss, e.step, op.Const(ss.SubScope("u"), int64(completeUnroll))), op.Const(ss.SubScope("i"), int64(i)))
			var mean tf.Output
			v, mean = l.completeSweep(ss, p, v, e.x, e.mask, m.seed(ss, roleCompleteH, ctr), m.seed(ss.SubScope("v"), roleCompleteV, ctr))
			if i == 0 {
				e.meanSum = mean
			} else {
				e.meanSum = op.AddV2(ss.SubScope("sum"), e.meanSum, mean)
			}
		}
		e.vOut = v
		ms := s.SubScope("mean_field")
		mu, prev := e.mu, e.mu
		for i := 0; i < completeUnroll; i++ {
			prev = mu
			mu = l.completeMeanField(ms.SubScope("iteration"), p, mu, e.x, e.mask)
		}
		e.muOut = mu
		e.muDelta = op.Max(ms, op.Abs(ms, op.Sub(ms, mu, prev)), op.Const(ms.SubScope("axes"), []int32{0, 1}))
	})
	return &m.complete
}

// completeSweep adds one Gibbs sweep v → h → v of a completion, the given units (mask 1) reset
// to x: it returns the new visible state and E[v | h] with the given units reset.
func (l layers) completeSweep(s *op.Scope, p params, v, x, mask, seedH, seedV tf.Output) (state, mean tf.Output) {
	_, h := l.sampleHidden(s, p, v, seedH)
	vMean, vSample := l.sampleVisible(s, p, h, seedV)
	return tfops.Clamp(s, mask, x, vSample), tfops.Clamp(s.SubScope("mean"), mask, x, vMean)
}

// completeMeanField adds one mean-field iteration of a completion: μ ← E[v | h = E[h | μ]] with
// the given units (mask 1) reset to x.
func (l layers) completeMeanField(s *op.Scope, p params, mu, x, mask tf.Output) tf.Output {
	return tfops.Clamp(s, mask, x, l.visibleMean(s, p, l.hiddenMean(s, p, mu)))
}

// Resolve returns o with its defaults filled in and Sweeps and BurnIn rounded up to multiples
// of 10, and the mask as rows·nv values (1: given), for rows rows of nv visible units. It
// returns an error wrapping ErrShape for a mask of the wrong length, and an error for negative
// options or a burn-in not less than the sweeps. dbm's Complete takes the same options.
func (o CompleteOptions) Resolve(rows, nv int) (CompleteOptions, []float64, error) {
	if len(o.Mask) != nv && len(o.Mask) != rows*nv {
		return o, nil, fmt.Errorf("rbm: complete: a mask of %d units, want %d (one row) or %d (%d rows): %w", len(o.Mask), nv, rows*nv, rows, ErrShape)
	}
	if o.Sweeps == 0 {
		o.Sweeps = 1000
		if o.MeanField {
			o.Sweeps = 200
		}
	}
	if o.BurnIn == 0 {
		o.BurnIn = o.Sweeps / 10
	}
	if o.Tol == 0 {
		o.Tol = 1e-6
	}
	if o.Sweeps < 0 || o.BurnIn < 0 || !(o.Tol >= 0) {
		return o, nil, fmt.Errorf("rbm: complete: sweeps %d, burn-in %d, tolerance %g: want ≥ 0", o.Sweeps, o.BurnIn, o.Tol)
	}
	round := func(k int) int { return (k + completeUnroll - 1) / completeUnroll * completeUnroll }
	o.Sweeps, o.BurnIn = round(o.Sweeps), round(o.BurnIn)
	if !o.MeanField && o.BurnIn >= o.Sweeps {
		return o, nil, fmt.Errorf("rbm: complete: a burn-in of %d sweeps leaves none of the %d to average", o.BurnIn, o.Sweeps)
	}
	mask := make([]float64, rows*nv)
	for i := range mask {
		if o.Mask[i%len(o.Mask)] {
			mask[i] = 1
		}
	}
	return o, mask, nil
}

// Complete fills in the visible units of each row of x that o.Mask does not mark as given,
// from p(v_missing | v_given): by Gibbs sampling v → h → v with the given units reset to x
// after every sweep (the chains start from random states of the missing units), or, with
// o.MeanField, by the mean-field fixed point of the missing units' means. Values of x at the
// missing units are ignored. It runs 10 sweeps per Session.Run; ctx is checked between runs.
//
// It returns an error wrapping ErrShape if x has the wrong number of columns or the mask the
// wrong length, and an error for negative options or a burn-in not less than the sweeps.
func (m *RBM) Complete(ctx context.Context, x Data, o CompleteOptions) (*Completion, error) {
	nv, dt := m.cfg.NumVisible, m.cfg.DType
	n, err := checkData("complete", x, nv)
	if err != nil {
		return nil, err
	}
	o, maskRows, err := o.Resolve(n, nv)
	if err != nil {
		return nil, err
	}
	runs, burnRuns := o.Sweeps/completeUnroll, o.BurnIn/completeUnroll
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
		return nil, nest.Within("rbm: build graph", err)
	}
	given, err := tfops.Values[float64](xt)
	if err != nil {
		return nil, err
	}
	// Chain starts: the data at the given units; noise (Gibbs) or zeros (mean field) elsewhere.
	start := make([]float64, n*nv)
	if !o.MeanField {
		start = m.noise(n, o.Seed)
	}
	for i, g := range maskRows {
		if g == 1 {
			start[i] = given[i]
		}
	}
	state, err := tfops.TensorAs(start, dt, int64(n), int64(nv))
	if err != nil {
		return nil, err
	}
	feeds := map[tf.Output]*tf.Tensor{e.x: xt, e.mask: maskT}
	res := &Completion{}
	var sum []float64
	for r := 0; r < runs; r++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if o.MeanField {
			feeds[e.mu] = state
			out, err := m.sess.Run(feeds, []tf.Output{e.muOut, e.muDelta}, nil)
			if err != nil {
				return nil, nest.Within("rbm: complete", err)
			}
			state = out[0]
			res.Sweeps = (r + 1) * completeUnroll
			delta, err := tfops.Values[float64](out[1])
			if err != nil {
				return nil, err
			}
			if o.OnProgress != nil {
				o.OnProgress(res.Sweeps, runs*completeUnroll)
			}
			if delta[0] < o.Tol {
				break
			}
			continue
		}
		ctr, err := tf.NewTensor(int64(r) + o.Seed<<24)
		if err != nil {
			return nil, err
		}
		feeds[e.v], feeds[e.step] = state, ctr
		out, err := m.sess.Run(feeds, []tf.Output{e.vOut, e.meanSum}, nil)
		if err != nil {
			return nil, nest.Within("rbm: complete", err)
		}
		state = out[0]
		res.Sweeps = (r + 1) * completeUnroll
		if r >= burnRuns {
			s, err := tfops.Values[float64](out[1])
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
			o.OnProgress(res.Sweeps, runs*completeUnroll)
		}
	}
	last, err := tfops.Values[float64](state)
	if err != nil {
		return nil, err
	}
	if o.MeanField {
		res.Means = &dataset.Matrix[float64]{Rows: n, Cols: nv, Data: last}
		return res, nil
	}
	averaged := float64((runs - burnRuns) * completeUnroll)
	for i := range sum {
		sum[i] /= averaged
	}
	res.Means = &dataset.Matrix[float64]{Rows: n, Cols: nv, Data: sum}
	res.States = &dataset.Matrix[float64]{Rows: n, Cols: nv, Data: last}
	return res, nil
}
