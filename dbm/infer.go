package dbm

import (
	"context"
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// evalOps are the ops of evaluation and inference on fed rows.
type evalOps struct {
	x        tf.Output   // [n, Sizes[0]]
	mu       []tf.Output // mean-field parameters per layer (mu[0] = x)
	nmf      tf.Output   // mean-field sweeps used
	features tf.Output   // top-layer posterior (probabilities for multinomial units)
	recon    tf.Output   // E[v | μ₁]
	msre     tf.Output
	energy   tf.Output // E(x, μ) per row
	entropy  tf.Output // Σ_l H(q_l) per row (Bernoulli hidden layers only)

	odd    []tf.Output // fed odd-layer states (nil for even layers)
	oddFE  tf.Output   // F(x_odd) per row, even layers summed out (β = 1)
	states []tf.Output // fed states of every layer, for Gibbs chains
	step   tf.Output   // int64 seed counter of the chains
	chain  []tf.Output // states after chainUnroll sweeps
	vMean  tf.Output   // E[v | h₁] at the last sweep
}

const chainUnroll = 10

// boundSweeps is the most mean-field sweeps LowerBound runs (it stops at convergence).
const boundSweeps = 300

func (m *DBM) evalGraph() *evalOps {
	m.evalOnce.Do(func() {
		c, n, dt := m.cfg, m.net, m.cfg.DType
		L := n.top()
		s := m.scope.SubScope("eval")
		e := &m.ev
		p := m.readParams(s)
		e.x = op.Placeholder(s.SubScope("x"), dt, op.PlaceholderShape(tf.MakeShape(-1, int64(c.Sizes[0]))))
		e.mu, e.nmf = n.meanField(s, p, e.x, c.MeanFieldSteps, c.MeanFieldTol)
		top := e.mu[L]
		if pr, ok := n.units[L].(rbm.Prober); ok {
			// Probabilities of the top layer given its mean-field input.
			ts := s.SubScope("top_probs")
			top = pr.Probabilities(ts, n.input(ts, p, e.mu, L), p.b[L])
		}
		e.features = top
		rs := s.SubScope("recon")
		e.recon = n.units[0].Mean(rs, n.input(rs, p, e.mu, 0), p.b[0])
		e.msre = tfops.Mean(rs, op.Square(rs, op.Sub(rs, e.x, e.recon)))

		os := s.SubScope("odd")
		e.odd = make([]tf.Output, L+1)
		for l := 1; l <= L; l += 2 {
			e.odd[l] = op.Placeholder(os.SubScope("x"), dt, op.PlaceholderShape(tf.MakeShape(-1, int64(c.Sizes[l]))))
		}
		e.oddFE = n.oddFreeEnergy(os, p, e.odd, tf.Output{})

		cs := s.SubScope("chain")
		e.step = op.Placeholder(cs.SubScope("step"), tf.Int64, op.PlaceholderShape(tf.ScalarShape()))
		for l := 0; l <= L; l++ {
			e.states = append(e.states, op.Placeholder(cs.SubScope("x"), dt, op.PlaceholderShape(tf.MakeShape(-1, int64(c.Sizes[l])))))
		}
		xs := e.states
		for i := 0; i < chainUnroll; i++ {
			xs, e.vMean = n.sweep(cs, p, xs, !c.VisibleMeans, !c.HiddenMeans, true, m.seeder(roleSample, e.step), i)
		}
		e.chain = xs
	})
	return &m.ev
}

// entropy adds Σ_l H(q_l) per row for Bernoulli hidden layers: H(μ) = −μ log μ − (1−μ) log(1−μ)
// with 0·log 0 = 0 (Xlogy), of the very μ the energy term uses. No clipping: q with a saturated
// μ = 1 is a point mass of entropy 0, and the bound stays a bound (clipping μ here but not in the
// energy made it exceed log p(x) by ~1.7e-6 nats per saturated unit). Other unit types
// contribute nothing (LowerBound rejects them).
func (m *DBM) entropy(s *op.Scope, mu []tf.Output) tf.Output {
	dt := m.cfg.DType
	var h tf.Output
	for l := 1; l < len(mu); l++ {
		if m.net.units[l].Domain() != rbm.Binary {
			continue
		}
		ls := s.SubScope("layer")
		p := mu[l]
		q := op.Sub(ls.SubScope("q"), tfops.Scalar(ls.SubScope("one"), 1, dt), p)
		t := op.AddV2(ls, op.Xlogy(ls.SubScope("p"), p, p), op.Xlogy(ls.SubScope("qq"), q, q))
		r := op.Neg(ls, op.Sum(ls, t, op.Const(ls.SubScope("ax"), []int32{1})))
		if h.Op == nil {
			h = r
		} else {
			h = op.AddV2(ls.SubScope("sum"), h, r)
		}
	}
	if h.Op == nil {
		h = op.Fill(s, op.Pack(s, []tf.Output{rowsOf(s, mu[0])}), tfops.Scalar(s, 0, dt))
	}
	return h
}

// rowwise evaluates outs (whose rows follow the rows of the input) over the rows of x in chunks
// of 1000 and returns each output's values, row-major.
func (m *DBM) rowwise(x rbm.Data, what string, outs []tf.Output) ([][]float64, error) {
	e := m.evalGraph()
	if _, err := checkData(what, x, m.cfg.Sizes[0]); err != nil {
		return nil, err
	}
	if err := m.scope.Err(); err != nil {
		return nil, nest.Within("dbm: build graph", err)
	}
	return tfops.Rowwise(m.sess, x, e.x, m.cfg.DType, 1000, "dbm: "+what, outs...)
}

// Transform returns the top layer's variational posterior of each row of x after mean-field
// inference: the DBM's features (probabilities for multinomial units).
func (m *DBM) Transform(x rbm.Data) (*dataset.Matrix[float64], error) {
	e := m.evalGraph()
	r, err := m.rowwise(x, "transform", []tf.Output{e.features})
	if err != nil {
		return nil, err
	}
	k := m.cfg.Sizes[len(m.cfg.Sizes)-1]
	return &dataset.Matrix[float64]{Rows: len(r[0]) / k, Cols: k, Data: r[0]}, nil
}

// Reconstruct returns E[v | μ₁] for each row of x after mean-field inference.
func (m *DBM) Reconstruct(x rbm.Data) (*dataset.Matrix[float64], error) {
	e := m.evalGraph()
	r, err := m.rowwise(x, "reconstruct", []tf.Output{e.recon})
	if err != nil {
		return nil, err
	}
	k := m.cfg.Sizes[0]
	return &dataset.Matrix[float64]{Rows: len(r[0]) / k, Cols: k, Data: r[0]}, nil
}

// MeanField returns the variational parameters μ_l of every hidden layer for the rows of x
// (index l−1 holds layer l).
func (m *DBM) MeanField(x rbm.Data) ([]*dataset.Matrix[float64], error) {
	e := m.evalGraph()
	r, err := m.rowwise(x, "mean field", e.mu[1:])
	if err != nil {
		return nil, err
	}
	out := make([]*dataset.Matrix[float64], len(r))
	for i, v := range r {
		k := m.cfg.Sizes[i+1]
		out[i] = &dataset.Matrix[float64]{Rows: len(v) / k, Cols: k, Data: v}
	}
	return out, nil
}

// LowerBound returns, for each row x of data, the variational lower bound on log p(x):
//
//	log p(x) ≥ −E(x, μ) + Σ_l H(q_l) − log Z
//
// with μ from mean-field inference and logZ from LogZ (AIS) or ExactLogZ. Hidden layers must
// be Bernoulli (the bound of the original covers 2-layer binary DBMs; this one any depth and any
// visible units).
func (m *DBM) LowerBound(x rbm.Data, logZ float64) ([]float64, error) {
	for l := 1; l < len(m.net.units); l++ {
		if m.net.units[l].Domain() != rbm.Binary {
			return nil, fmt.Errorf("dbm: lower bound: hidden layer %d is %s, only bernoulli hidden layers are supported", l, m.net.units[l].Name())
		}
	}
	e := m.evalGraph()
	var r [][]float64
	var err error
	if chunkedOff {
		if e.energy.Op == nil {
			m.unrolledBound(e)
		}
		r, err = m.rowwise(x, "lower bound", []tf.Output{e.energy, e.entropy})
	} else {
		r, err = m.boundChunked(x)
	}
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(r[0]))
	for i := range out {
		out[i] = -r[0][i] + r[1][i] - logZ
	}
	return out, nil
}

// unrolledBound adds e.energy and e.entropy, the bound's terms from a mean field unrolled into
// one run of all its sweeps: what boundChunked computes chunk by chunk (tests compare the two).
func (m *DBM) unrolledBound(e *evalOps) {
	s := m.scope.SubScope("eval_bound")
	p := m.readParams(s)
	steps, tol := boundMeanField(m.cfg)
	mu, _ := m.net.meanField(s, p, e.x, steps, tol)
	e.energy = m.net.energy(s, p, mu)
	e.entropy = m.entropy(s.SubScope("entropy"), mu)
}

// boundOps are the lower bound's energy and entropy from the chunked mean field's μ.
type boundOps struct {
	x               tf.Output
	energy, entropy tf.Output
	mf              *chunkedMF
}

// boundChunked returns the energy and the entropy of the bound for each row of x, its mean field
// run in chunks until converged (the same values as the unrolled e.energy and e.entropy).
func (m *DBM) boundChunked(x rbm.Data) ([][]float64, error) {
	c := m.cfg
	n, err := checkData("lower bound", x, c.Sizes[0])
	if err != nil {
		return nil, err
	}
	if m.bound == nil {
		s := m.scope.SubScope("bound_chunked")
		b := &boundOps{x: op.Placeholder(s.SubScope("x"), c.DType, op.PlaceholderShape(tf.MakeShape(-1, int64(c.Sizes[0]))))}
		steps, tol := boundMeanField(c)
		b.mf = &chunkedMF{name: "bound_mf", x: func(*op.Scope) tf.Output { return b.x }, state: m.vars.boundMF, below: m.vars.boundBelow, steps: steps, per: boundChunkSweeps, tol: tol,
			start: func(s *op.Scope, x, below tf.Output) []tf.Output {
				mu, _, _ := m.net.meanFieldDone(s, m.readParams(s), x, below, nil, 0, tol)
				return mu
			}}
		mu := append([]tf.Output{b.x}, readLayers(s, m.vars.boundMF)[1:]...)
		b.energy = m.net.energy(s, m.readParams(s), mu)
		b.entropy = m.entropy(s.SubScope("entropy"), mu)
		if err := m.scope.Err(); err != nil {
			return nil, nest.Within("dbm: build graph", err)
		}
		m.bound = b
	}
	b := m.bound
	out := make([][]float64, 2)
	for i := 0; i < n; i += 1000 {
		t, err := rowsTensor(x, i, min(i+1000, n), c.DType)
		if err != nil {
			return nil, err
		}
		feeds := map[tf.Output]*tf.Tensor{b.x: t}
		if _, err := m.runChunked(b.mf, feeds); err != nil {
			return nil, nest.Within("dbm: lower bound", err)
		}
		r, err := m.run(feeds, []tf.Output{b.energy, b.entropy}, nil)
		if err != nil {
			return nil, nest.Within("dbm: lower bound", err)
		}
		out[0], out[1] = append(out[0], r[0]...), append(out[1], r[1]...)
	}
	return out, nil
}

// boundMeanField returns the most sweeps and the tolerance of the bound's mean field: run to
// convergence, whatever the training's sweeps (a bound from an unconverged μ can be nats short).
func boundMeanField(c Config) (int, float64) {
	tol := 1e-12
	if c.DType == tf.Float {
		tol = 1e-6 // about float32's resolution near 1
	}
	return max(c.MeanFieldSteps, boundSweeps), min(c.MeanFieldTol, tol)
}

// SampleOptions configure Sample.
type SampleOptions struct {
	// Chains is the number of chains. Zero means 100.
	Chains int
	// Steps is the number of Gibbs sweeps, rounded up to a multiple of 10. Zero means 1000.
	Steps int
	// Start, if set, holds visible rows to start from (hidden layers start at their
	// mean-field posterior); otherwise chains start from the biases-only model.
	Start rbm.Data
	// Seed seeds the chains.
	Seed int64
	// OnProgress, if set, is called after every run of sweeps with the sweeps done and their
	// number (for progress bars).
	OnProgress func(done, total int)
}

// Sample runs Gibbs chains through all layers and returns the visible means at the last sweep,
// one chain per row.
func (m *DBM) Sample(ctx context.Context, o SampleOptions) (*dataset.Matrix[float64], error) {
	if o.Chains == 0 {
		o.Chains = 100
	}
	if o.Steps == 0 {
		o.Steps = 1000
	}
	if o.Chains < 0 || o.Steps < 0 {
		return nil, fmt.Errorf("dbm: sample: chains %d, steps %d: want ≥ 0", o.Chains, o.Steps)
	}
	e := m.evalGraph()
	c := m.cfg
	states := make([]*tf.Tensor, len(c.Sizes))
	if o.Start != nil {
		n, err := checkData("sample start", o.Start, c.Sizes[0])
		if err != nil {
			return nil, err
		}
		if n != o.Chains {
			return nil, fmt.Errorf("dbm: sample start has %d rows for %d chains: %w", n, o.Chains, ErrShape)
		}
		mus, err := m.MeanField(o.Start)
		if err != nil {
			return nil, err
		}
		if states[0], err = rowsTensor(o.Start, 0, n, c.DType); err != nil {
			return nil, err
		}
		for l, mu := range mus {
			if states[l+1], err = tfops.TensorAs(mu.Data, c.DType, int64(mu.Rows), int64(mu.Cols)); err != nil {
				return nil, err
			}
		}
	} else {
		r := newRand(o.Seed)
		p, err := m.Parameters()
		if err != nil {
			return nil, err
		}
		for l := range states {
			v := c.Units[l].Random(p.B[l], o.Chains, r)
			if states[l], err = tfops.TensorAs(v, c.DType, int64(o.Chains), int64(c.Sizes[l])); err != nil {
				return nil, err
			}
		}
	}
	var mean []float64
	for r := 0; r*chainUnroll < o.Steps; r++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		step, err := tf.NewTensor(int64(r) + o.Seed<<24)
		if err != nil {
			return nil, err
		}
		feeds := map[tf.Output]*tf.Tensor{e.step: step}
		for l, t := range states {
			feeds[e.states[l]] = t
		}
		out, err := m.sess.Run(feeds, append(append([]tf.Output(nil), e.chain...), e.vMean), nil)
		if err != nil {
			return nil, nest.Within("dbm: sample", err)
		}
		copy(states, out[:len(states)])
		if mean, err = tfops.Values[float64](out[len(states)]); err != nil {
			return nil, err
		}
		if o.OnProgress != nil {
			total := (o.Steps + chainUnroll - 1) / chainUnroll * chainUnroll
			o.OnProgress((r+1)*chainUnroll, total)
		}
	}
	return &dataset.Matrix[float64]{Rows: o.Chains, Cols: c.Sizes[0], Data: mean}, nil
}
