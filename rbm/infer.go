package rbm

import (
	"context"
	"fmt"
	"math/rand/v2"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// rowwise evaluates out (whose rows follow the rows of input) over the rows of x in chunks and
// returns the rows×cols result.
func (m *RBM) rowwise(x Data, cols int, input, out tf.Output, what string) (*dataset.Matrix[float64], error) {
	n, err := checkData(what, x, int(input.Shape().Size(1)))
	if err != nil {
		return nil, err
	}
	if err := m.scope.Err(); err != nil {
		return nil, nest.Within("rbm: build graph", err)
	}
	r, err := tfops.Rowwise(m.sess, x, input, m.cfg.DType, evalBatch, "rbm: "+what, out)
	if err != nil {
		return nil, err
	}
	return &dataset.Matrix[float64]{Rows: n, Cols: cols, Data: r[0]}, nil
}

// Transform returns the features p(h | x) of each row of x: the hidden probabilities
// (for multinomial hidden units, softmax probabilities rather than expected counts).
// Unlike the original, these are the probabilities given the data itself, not given the
// reconstruction after k Gibbs steps, and no dropout is applied — unless
// Config.ChainFeatures asks for the original's (see there).
func (m *RBM) Transform(x Data) (*dataset.Matrix[float64], error) {
	if m.cfg.ChainFeatures {
		return m.chainFeatures(x)
	}
	e := m.evalGraph()
	return m.rowwise(x, m.cfg.NumHidden, e.x, e.features, "transform")
}

// chainFeatures returns the original's features (Config.ChainFeatures): E[h | v_k] at the end
// of a k-step Gibbs chain from each row, k the last trained epoch's CDSteps, the draws of the
// rows' chunk i seeded with counter i, so the same rows give the same features.
func (m *RBM) chainFeatures(x Data) (*dataset.Matrix[float64], error) {
	c := m.cfg
	n, err := checkData("transform", x, c.NumVisible)
	if err != nil {
		return nil, err
	}
	e := m.evalGraph()
	k := train.At(c.CDSteps, max(m.epoch, 1))
	out, ok := m.chainFeat[k]
	if !ok {
		out = m.chainFeatureOp(e.x, e.step, k)
		if m.chainFeat == nil {
			m.chainFeat = map[int]tf.Output{}
		}
		m.chainFeat[k] = out
	}
	if err := m.scope.Err(); err != nil {
		return nil, nest.Within("rbm: build graph", err)
	}
	r, err := tfops.RowwiseWith(m.sess, x, e.x, c.DType, evalBatch, "rbm: transform", func(i int, feeds map[tf.Output]*tf.Tensor) error {
		step, err := tf.NewTensor(int64(i))
		feeds[e.step] = step
		return err
	}, out)
	if err != nil {
		return nil, err
	}
	return &dataset.Matrix[float64]{Rows: n, Cols: c.NumHidden, Data: r[0]}, nil
}

// chainFeatureOp adds the original's transform_op for rows x: h₀ drawn from E[h | x] (its mean
// with HiddenMeans), then k Gibbs steps sampled as in training, and E[h | v_k] at the end
// (probabilities for multinomial hidden units, as the original's MultinomialRBM.transform).
func (m *RBM) chainFeatureOp(x, step tf.Output, k int) tf.Output {
	c, l := m.cfg, m.layers
	s := m.scope.SubScope("chain_features")
	p := params{W: m.vars.W.Read(s), vb: m.vars.vb.Read(s), hb: m.vars.hb.Read(s)}
	hMean, h := l.sampleHidden(s, p, x, m.seed(s, roleFeatH0, step))
	if c.HiddenMeans {
		h = hMean
	}
	for i := 0; i < k; i++ {
		gs := s.SubScope("gibbs")
		vMean, v := l.sampleVisible(gs, p, h, m.seed(gs.SubScope("v"), roleFeatV+uint64(i), step))
		if !c.SampleVisible {
			v = vMean
		}
		hMean, h = l.sampleHidden(gs, p, v, m.seed(gs, roleFeatH+uint64(i), step))
		if c.HiddenMeans {
			h = hMean
		}
	}
	if l.probHidden {
		hMean = op.Div(s.SubScope("probs"), hMean, tfops.Scalar(s, float64(l.h.Spec().Draws), c.DType))
	}
	return hMean
}

// Reconstruct returns E[v | h = E[h | x]] for each row of x: one deterministic up-down pass.
func (m *RBM) Reconstruct(x Data) (*dataset.Matrix[float64], error) {
	e := m.evalGraph()
	return m.rowwise(x, m.cfg.NumVisible, e.x, e.recon, "reconstruct")
}

// FreeEnergy returns F(v) for each row v of x, where p(v) = exp(−F(v))/Z.
func (m *RBM) FreeEnergy(x Data) ([]float64, error) {
	e := m.evalGraph()
	r, err := m.rowwise(x, 1, e.x, e.fe, "free energy")
	if err != nil {
		return nil, err
	}
	return r.Data, nil
}

// VisibleGivenHidden returns E[v | h] for each row of h (NumHidden columns).
func (m *RBM) VisibleGivenHidden(h Data) (*dataset.Matrix[float64], error) {
	e := m.evalGraph()
	return m.rowwise(h, m.cfg.NumVisible, e.h, e.vGivH, "visible given hidden")
}

// SampleOptions configure Sample.
type SampleOptions struct {
	// Chains is the number of independent Gibbs chains. Zero means 100.
	Chains int
	// Steps is the number of Gibbs steps, rounded up to a multiple of 10. Zero means 1000.
	Steps int
	// Start, if set, holds the chains' initial visible states (Chains rows); otherwise they
	// start from uniform noise (Bernoulli: coin flips; Gaussian: N(0, 1); Multinomial visible:
	// its first state).
	Start Data
	// Seed seeds the chains. Different seeds give independent samples.
	Seed int64
	// Every, if positive, records the chains' visible means every Every steps (for animations).
	Every int
	// OnProgress, if set, is called after every run of steps with the steps done and their
	// number (for progress bars).
	OnProgress func(done, total int)
}

// A Sample is the result of Sample.
type Sample struct {
	// Means holds E[v | h] at the last step, one chain per row: what a person looks at.
	Means *dataset.Matrix[float64]
	// States holds the sampled visible states at the last step.
	States *dataset.Matrix[float64]
	// Trace holds the recorded means when SampleOptions.Every > 0.
	Trace []*dataset.Matrix[float64]
}

// Sample runs Gibbs chains v → h → v and returns the fantasy particles. It runs 10 steps per
// Session.Run; ctx is checked between runs.
func (m *RBM) Sample(ctx context.Context, o SampleOptions) (*Sample, error) {
	if o.Chains == 0 {
		o.Chains = 100
	}
	if o.Steps == 0 {
		o.Steps = 1000
	}
	if o.Chains < 0 || o.Steps < 0 || o.Every < 0 {
		return nil, fmt.Errorf("rbm: sample: chains %d, steps %d, every %d: want ≥ 0", o.Chains, o.Steps, o.Every)
	}
	nv := m.cfg.NumVisible
	var v *tf.Tensor
	var err error
	if o.Start != nil {
		n, err := checkData("sample start", o.Start, nv)
		if err != nil {
			return nil, err
		}
		if n != o.Chains {
			return nil, fmt.Errorf("rbm: sample start has %d rows for %d chains: %w", n, o.Chains, ErrShape)
		}
		v, err = rowsTensor(o.Start, 0, n, m.cfg.DType)
		if err != nil {
			return nil, err
		}
	} else {
		v, err = tfops.TensorAs(m.noise(o.Chains, o.Seed), m.cfg.DType, int64(o.Chains), int64(nv))
		if err != nil {
			return nil, err
		}
	}
	e := m.evalGraph()
	res := &Sample{}
	var mean []float64
	runs := (o.Steps + e.chainSteps - 1) / e.chainSteps
	for r := 0; r < runs; r++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ctr, err := tf.NewTensor(int64(r) + o.Seed<<24)
		if err != nil {
			return nil, err
		}
		out, err := m.sess.Run(map[tf.Output]*tf.Tensor{e.chainV: v, e.step: ctr}, []tf.Output{e.chainOut, e.chainMean}, nil)
		if err != nil {
			return nil, nest.Within("rbm: sample", err)
		}
		v = out[0]
		if mean, err = tfops.Values[float64](out[1]); err != nil {
			return nil, err
		}
		if o.Every > 0 && ((r+1)*e.chainSteps)%o.Every < e.chainSteps {
			res.Trace = append(res.Trace, &dataset.Matrix[float64]{Rows: o.Chains, Cols: nv, Data: mean})
		}
		if o.OnProgress != nil {
			o.OnProgress((r+1)*e.chainSteps, runs*e.chainSteps)
		}
	}
	states, err := tfops.Values[float64](v)
	if err != nil {
		return nil, err
	}
	res.Means = &dataset.Matrix[float64]{Rows: o.Chains, Cols: nv, Data: mean}
	res.States = &dataset.Matrix[float64]{Rows: o.Chains, Cols: nv, Data: states}
	if mean == nil {
		res.Means = res.States
	}
	return res, nil
}

// noise returns n rows of random visible states for chain starts: the visible units' states
// with zero biases (Bernoulli: fair coins; Gaussian: N(0, σ²)).
func (m *RBM) noise(n int, seed int64) []float64 {
	r := rand.New(rand.NewPCG(uint64(seed), 0x6e6f697365))
	return m.cfg.Visible.Random(make([]float64, m.cfg.NumVisible), n, r)
}
