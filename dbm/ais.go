package dbm

import (
	"context"
	"errors"
	"fmt"
	"slices"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
	"gonum.org/v1/gonum/floats"

	"github.com/boltzmann-go/boltzmann/anneal"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// aisChunk is the number of intermediate distributions per Session.Run.
const aisChunk = anneal.Chunk

// aisOps are the ops of annealed importance sampling.
type aisOps struct {
	runs     tf.Output // int32 scalar: number of AIS runs, fed to init
	odd      []*tfops.Variable
	logw     *tfops.Variable
	init     *tf.Operation
	betas    tf.Output // [aisChunk+1] inverse temperatures, fed
	k0       tf.Output // int64 scalar: index of betas[0], the seed counter
	chunk    *tf.Operation
	logZ0    tf.Output   // log Z of the base model
	logwRead tf.Output   // the log-weights, read after the runs
	base     []tf.Output // the base model's biases, one placeholder per layer, fed with every run
	sweeps   int         // transitions per intermediate distribution
	// Reverse AIS: start holds fed states of the odd layers (one row per run); initFrom sets
	// the chains to them and the log-weights to zero.
	start    []tf.Output
	initFrom *tf.Operation
}

// aisGraph builds the AIS ops. The state is the odd layers (h₁, h₃, …); the even layers, the
// visible one included, are summed or integrated out analytically. The base model has no
// interactions and the biases fed to a.base (the DBM's own, zeros, or the data's base rates):
// independent units whose partition function is exact and which can be sampled exactly. The
// model at β has the interactions × β and the biases b_A + β·(b − b_A). A transition at β
// samples the even layers given the odd ones, then the odd layers given the even ones.
//
// The graph holds one block of the runs (k.Block, on device k.Device, see anneal.Blocks): the
// parameters are read on the model's device, the chains live on the block's.
func (m *DBM) aisGraph(k anneal.BlockKeyOf) *aisOps {
	if a, ok := m.ais[k]; ok {
		return a
	}
	a := &aisOps{sweeps: k.Sweeps}
	{
		c, n, dt := m.cfg, m.net, m.cfg.DType
		L := n.top()
		s := m.scope.SubScope(k.ScopeName("ais"))
		p := m.readParams(s)
		var caches []*tf.Operation
		if k.Device != "" { // the block's own copy of the parameters, made when its chains start
			s = s.WithDevice(k.Device)
			n.devices = nil // a block's products stay on its device
			var reads []tf.Output
			reads, caches = anneal.Cache(s, append(append([]tf.Output(nil), p.W...), p.b...))
			p.W, p.b = reads[:len(p.W)], reads[len(p.W):]
		}
		key := func(role uint64) int64 { return anneal.BlockKey(tfops.Key(c.Seed, role), k.Block) }
		a.runs = op.Placeholder(s.SubScope("runs"), tf.Int32, op.PlaceholderShape(tf.ScalarShape()))
		for l := 0; l <= L; l++ {
			a.base = append(a.base, op.Placeholder(s.SubScope("base_bias"), dt, op.PlaceholderShape(tf.MakeShape(int64(c.Sizes[l])))))
		}
		// bias is the layer's biases on the path at β: b_A + β·(b − b_A).
		bias := func(s *op.Scope, l int, beta tf.Output) tf.Output {
			return op.AddV2(s, a.base[l], op.Mul(s.SubScope("beta"), beta, op.Sub(s.SubScope("gap"), p.b[l], a.base[l])))
		}
		a.odd = make([]*tfops.Variable, L+1)
		inits := slices.Clone(caches)
		for l := 1; l <= L; l += 2 {
			a.odd[l] = tfops.NewVariable(s, fmt.Sprintf("ais/x%d", l), dt, []int64{-1, int64(c.Sizes[l])})
			is := s.SubScope("init")
			zeros := op.Fill(is, op.Pack(is, []tf.Output{a.runs, op.Const(is.SubScope("n"), int32(c.Sizes[l]))}), tfops.Scalar(is, 0, dt))
			mean := n.units[l].Mean(is, zeros, a.base[l])
			x0 := n.units[l].Sample(is, zeros, a.base[l], mean, tfops.Seed(is, key(roleAISInitial+uint64(l)), op.Const(is.SubScope("zero"), int64(0))))
			inits = append(inits, a.odd[l].Assign(is, x0))
		}
		// The log-weights sum thousands of small increments: accumulate them in float64 even for
		// a float32 model, so that rounding does not pile up over the run.
		a.logw = tfops.NewVariable(s, "ais/logw", tf.Double, []int64{-1})
		ws := s.SubScope("init_logw")
		inits = append(inits, a.logw.Assign(ws, op.Fill(ws, op.Pack(ws, []tf.Output{a.runs}), tfops.Scalar(ws, 0, tf.Double))))
		a.init = op.NoOp(s.WithControlDependencies(inits...).SubScope("init_done"))
		a.start = make([]tf.Output, L+1)
		froms := slices.Clone(caches)
		for l := 1; l <= L; l += 2 {
			fs := s.SubScope("init_from")
			a.start[l] = op.Placeholder(fs.SubScope("start"), dt, op.PlaceholderShape(tf.MakeShape(-1, int64(c.Sizes[l]))))
			froms = append(froms, a.odd[l].Assign(fs, a.start[l]))
		}
		fs := s.SubScope("init_from_logw")
		froms = append(froms, a.logw.Assign(fs, op.Fill(fs, op.Pack(fs, []tf.Output{op.Gather(fs, op.Shape(fs, a.start[1], op.ShapeOutType(tf.Int32)), op.Const(fs.SubScope("i"), int32(0)))}), tfops.Scalar(fs, 0, tf.Double))))
		a.initFrom = op.NoOp(s.WithControlDependencies(froms...).SubScope("init_from_done"))

		a.betas = op.Placeholder(s.SubScope("betas"), dt, op.PlaceholderShape(tf.MakeShape(aisChunk+1)))
		a.k0 = op.Placeholder(s.SubScope("k0"), tf.Int64, op.PlaceholderShape(tf.ScalarShape()))
		xs := make([]tf.Output, L+1)
		for l := 1; l <= L; l += 2 {
			xs[l] = a.odd[l].Read(s)
		}
		logw := a.logw.Read(s)
		beta := func(s *op.Scope, j int) tf.Output {
			return op.Gather(s.SubScope("beta"), a.betas, op.Const(s.SubScope("j"), int32(j)))
		}
		for j := 1; j <= aisChunk; j++ {
			js := s.SubScope("step")
			bPrev, bCur := beta(js, j-1), beta(js, j)
			// log w += log p*_k(x) − log p*_{k−1}(x)
			inc, evenIn := n.annealGap(js, p, xs, bPrev, bCur, bias)
			logw = op.AddV2(js.SubScope("logw"), logw, tfops.Cast(js, inc, tf.Double))
			ctr := op.AddV2(js.SubScope("ctr"), a.k0, op.Const(js.SubScope("j"), int64(j)))
			// Transitions at β_k (a.sweeps of them): even layers given odd, then odd given even.
			for sweep := 0; sweep < a.sweeps; sweep++ {
				sctr := ctr
				if sweep > 0 { // later sweeps of a β draw from counters past every β's first
					sctr = op.AddV2(js.SubScope("sweep_ctr"), ctr, op.Const(js.SubScope("sweep"), int64(sweep)<<40))
				}
				for parity := 0; parity < 2; parity++ {
					for l := parity; l <= L; l += 2 {
						ls := js.SubScope("layer")
						in := evenIn[l] // the first sweep's even layers see the odd states annealGap saw
						if sweep > 0 || parity == 1 {
							in = n.input(ls, p, xs, l)
						}
						in = op.Mul(ls.SubScope("beta"), in, bCur)
						b := bias(ls.SubScope("bias"), l, bCur)
						mean := n.units[l].Mean(ls, in, b)
						xs[l] = n.units[l].Sample(ls, in, b, mean, tfops.Seed(ls, key(roleAIS+uint64(l)), sctr))
					}
				}
			}
			for l := 0; l <= L; l += 2 {
				xs[l] = tf.Output{} // even layers are summed out again in the next F
			}
		}
		w := s.SubScope("write")
		assigns := []*tf.Operation{a.logw.Assign(w, logw)}
		for l := 1; l <= L; l += 2 {
			assigns = append(assigns, a.odd[l].Assign(w, xs[l]))
		}
		a.chunk = op.NoOp(s.WithControlDependencies(assigns...).SubScope("chunk_done"))
		a.logwRead = a.logw.Read(s.SubScope("result"))

		zs := s.SubScope("log_z0")
		for l := 0; l <= L; l++ {
			ls := zs.SubScope("layer")
			zeros := op.Fill(ls, op.Const(ls.SubScope("shape"), []int32{1, int32(c.Sizes[l])}), tfops.Scalar(ls, 0, dt))
			lp := op.Sum(ls, n.units[l].LogPartition(ls, zeros, a.base[l]), op.Const(ls.SubScope("ax"), []int32{0}))
			if a.logZ0.Op == nil {
				a.logZ0 = lp
			} else {
				a.logZ0 = op.AddV2(ls.SubScope("sum"), a.logZ0, lp)
			}
		}
	}
	m.ais[k] = a
	return a
}

// AISOptions configure AISLogZ (see anneal.Options).
type AISOptions = anneal.Options

// ReverseOptions configure ReverseAISLogZ (see anneal.ReverseOptions).
type ReverseOptions = anneal.ReverseOptions

// A LogZEstimate is the result of AISLogZ and ReverseAISLogZ (see anneal.Estimate).
type LogZEstimate = anneal.Estimate

// The AIS base distributions and schedules (see anneal).
const (
	BaseBiases       = anneal.BaseBiases
	BaseUniform      = anneal.BaseUniform
	BaseRate         = anneal.BaseRate
	ScheduleUniform  = anneal.ScheduleUniform
	ScheduleSegments = anneal.ScheduleSegments
)

// AISLogZ estimates log Z by annealed importance sampling (Neal 2001; Salakhutdinov & Murray
// 2008) from the biases-only base model, for DBMs of any depth and unit types. Each run's
// weight is a product of p*_k(x_k)/p*_{k−1}(x_k) over a chain whose state x_k was produced by a
// transition that leaves p_{k−1} invariant (the standard order; the original evaluates each
// ratio after the transition at β_k).
func (m *DBM) AISLogZ(ctx context.Context, o AISOptions) (*LogZEstimate, error) {
	c, err := m.chains(o, nil)
	if err != nil {
		return nil, err
	}
	est, err := anneal.Forward(ctx, c, o)
	if err != nil {
		return nil, nest.Within("dbm: AIS", err)
	}
	return est, nil
}

// chains returns the annealing chains of the DBM for o, starting at the rows of start for
// reverse annealing: the state is the odd layers. One Graph, or Blocks of them (o.Blocks,
// o.Devices).
func (m *DBM) chains(o AISOptions, start startFunc) (anneal.Chains, error) {
	base, err := m.aisBase(o)
	if err != nil {
		return nil, err
	}
	sweeps := o.SweepsPerBeta
	if sweeps == 0 {
		sweeps = 1
	}
	if sweeps < 1 || sweeps > 1000 {
		return nil, fmt.Errorf("dbm: AIS: %d sweeps per β, want 1…1000", sweeps)
	}
	ch, err := anneal.NewBlocks(o, sweeps, func(k anneal.BlockKeyOf) *anneal.Graph {
		a := m.aisGraph(k)
		return &anneal.Graph{Run: m.run, DType: m.cfg.DType, Runs: a.runs, Betas: a.betas, K0: a.k0, Base: a.base, BaseValues: base,
			Init: a.init, Chunk: a.chunk, LogW: a.logwRead, LogZ0: a.logZ0,
			Start: func(g *anneal.Graph, first, runs int) error {
				if start == nil {
					return errors.New("dbm: forward AIS has no start for reverse chains")
				}
				return start(g, a, first, runs)
			}}
	})
	if err != nil {
		return nil, nest.Within("dbm: AIS", err)
	}
	return ch, nil
}

// A startFunc starts runs reverse-annealing chains of the graph g, from chain first on.
type startFunc func(g *anneal.Graph, a *aisOps, first, runs int) error

// fromData returns the start at the mean-field posterior of start's rows.
func (m *DBM) fromData(start rbm.Data) startFunc {
	return func(g *anneal.Graph, a *aisOps, first, runs int) error { return m.startAt(g, a, start, first, runs) }
}

// fromParticles returns the start at the persistent particles' odd layers, chain i at particle
// i mod Particles.
func (m *DBM) fromParticles(parts []train.Tensor) startFunc {
	return func(g *anneal.Graph, a *aisOps, first, runs int) error {
		c := m.cfg
		feeds := map[tf.Output]*tf.Tensor{}
		for l := 1; l < len(c.Sizes); l += 2 {
			n := c.Sizes[l]
			rows := make([]float64, 0, runs*n)
			for i := first; i < first+runs; i++ {
				p := i % c.Particles
				rows = append(rows, parts[l].Values[p*n:(p+1)*n]...)
			}
			t, err := tfops.TensorAs(rows, c.DType, int64(runs), int64(n))
			if err != nil {
				return err
			}
			feeds[a.start[l]] = t
		}
		if _, err := m.run(g.Feeds(feeds), nil, []*tf.Operation{a.initFrom}); err != nil {
			return nest.Within("dbm: reverse AIS init", err)
		}
		return nil
	}
}

// startAt starts the odd layers at the mean-field posterior of the runs start rows from lo (the
// first transition samples states from it).
func (m *DBM) startAt(g *anneal.Graph, a *aisOps, start rbm.Data, lo, runs int) error {
	t, err := rowsTensor(start, lo, lo+runs, m.cfg.DType)
	if err != nil {
		return err
	}
	e := m.evalGraph()
	var oddOuts []tf.Output
	for l := 1; l < len(m.cfg.Sizes); l += 2 {
		oddOuts = append(oddOuts, e.mu[l])
	}
	mus, err := m.sess.Run(map[tf.Output]*tf.Tensor{e.x: t}, oddOuts, nil)
	if err != nil {
		return nest.Within("dbm: reverse AIS: mean field", err)
	}
	feeds := map[tf.Output]*tf.Tensor{}
	for i, l := 0, 1; l < len(m.cfg.Sizes); i, l = i+1, l+2 {
		feeds[a.start[l]] = mus[i]
	}
	if _, err := m.run(g.Feeds(feeds), nil, []*tf.Operation{a.initFrom}); err != nil {
		return nest.Within("dbm: reverse AIS init", err)
	}
	return nil
}

// aisBase returns the base model's biases for each layer, as tensors of the model's dtype.
func (m *DBM) aisBase(o AISOptions) ([]*tf.Tensor, error) {
	c := m.cfg
	p, err := m.Parameters()
	if err != nil {
		return nil, err
	}
	biases := make([][]float64, len(c.Sizes))
	switch o.Base {
	case "", BaseBiases:
		copy(biases, p.B)
	case BaseUniform:
		for l, n := range c.Sizes {
			biases[l] = make([]float64, n)
		}
	case BaseRate:
		if len(o.BaseRates) != c.Sizes[0] {
			return nil, fmt.Errorf("dbm: AIS: %d base rates for %d visible units", len(o.BaseRates), c.Sizes[0])
		}
		for l, n := range c.Sizes {
			biases[l] = make([]float64, n)
		}
		var err error
		if biases[0], err = rbm.RateBiases(c.Units[0], o.BaseRates); err != nil {
			return nil, nest.Within("dbm: AIS", err)
		}
	default:
		return nil, fmt.Errorf("dbm: AIS: base %q, want %s, %s or %s", o.Base, BaseBiases, BaseUniform, BaseRate)
	}
	out := make([]*tf.Tensor, len(biases))
	for l, b := range biases {
		if out[l], err = tfops.TensorAs(b, c.DType, int64(len(b))); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ExactLogZ returns log Z by enumerating the joint states of the odd layers (at most 2^20)
// with the even layers summed out: for tiny DBMs and tests.
func (m *DBM) ExactLogZ() (float64, error) {
	e := m.evalGraph()
	c := m.cfg
	L := len(c.Sizes) - 1
	var layers []int
	var states [][]float64
	total := 1
	for l := 1; l <= L; l += 2 {
		st, err := c.Units[l].States(c.Sizes[l])
		if err != nil {
			return 0, nest.Within("dbm: exact log Z", err)
		}
		layers, states = append(layers, l), append(states, st)
		total *= len(st) / c.Sizes[l]
		if total > 1<<20 {
			return 0, fmt.Errorf("dbm: exact log Z: more than 2^20 joint states of the odd layers")
		}
	}
	// Enumerate the product of the odd layers' states in chunks.
	idx := make([]int, len(layers))
	var fe []float64
	for done := 0; done < total; {
		chunk := min(1<<14, total-done)
		feeds := map[tf.Output]*tf.Tensor{}
		rows := make([][]float64, len(layers))
		for r := 0; r < chunk; r++ {
			for i, l := range layers {
				n := c.Sizes[l]
				rows[i] = append(rows[i], states[i][idx[i]*n:(idx[i]+1)*n]...)
			}
			for i := len(idx) - 1; i >= 0; i-- {
				idx[i]++
				if idx[i] < len(states[i])/c.Sizes[layers[i]] {
					break
				}
				idx[i] = 0
			}
		}
		for i, l := range layers {
			t, err := tfops.TensorAs(rows[i], c.DType, int64(chunk), int64(c.Sizes[l]))
			if err != nil {
				return 0, err
			}
			feeds[e.odd[l]] = t
		}
		out, err := m.run(feeds, []tf.Output{e.oddFE}, nil)
		if err != nil {
			return 0, err
		}
		fe = append(fe, out[0]...)
		done += chunk
	}
	neg := make([]float64, len(fe))
	for i, f := range fe {
		neg[i] = -f
	}
	return floats.LogSumExp(neg), nil
}

// ReverseAISLogZ estimates log Z by reverse annealed importance sampling (the reverse direction
// of bidirectional Monte Carlo, Grosse, Ghahramani & Adams 2015; RAISE, Burda, Grosse &
// Salakhutdinov 2015): one chain per row of start (or its first Runs rows) begins at the data's
// mean-field posterior, runs BurnIn transitions of the model, then anneals from β = 1 down to the
// base model, accumulating w = Π p*_{k−1}(x_k)/p*_k(x_k); 1/Z is estimated by mean(w)/Z₀.
//
// If the chains' start were exact samples of the model, E[1/Ẑ] = 1/Z and, by Jensen's
// inequality, log Ẑ would over-estimate log Z on average — a stochastic upper bound, the
// conservative side of a bracket whose other side is forward AIS (which under-estimates on
// average). Chains started at data and run BurnIn transitions stand in for model samples; the
// bracket is guaranteed only as far as they are. Runs default to every row of start.
func (m *DBM) ReverseAISLogZ(ctx context.Context, start rbm.Data, o ReverseOptions) (*LogZEstimate, error) {
	n, err := checkData("reverse AIS start", start, m.cfg.Sizes[0])
	if err != nil {
		return nil, err
	}
	if o.Runs == 0 {
		o.Runs = n
	}
	if o.Runs > n {
		return nil, fmt.Errorf("dbm: reverse AIS: %d runs but %d start rows", o.Runs, n)
	}
	c, err := m.chains(o.Options, m.fromData(start))
	if err != nil {
		return nil, err
	}
	est, err := anneal.Reverse(ctx, c, o)
	if err != nil {
		return nil, nest.Within("dbm: reverse AIS", err)
	}
	return est, nil
}

// ReverseAISFromParticles is ReverseAISLogZ with its chains started at the DBM's persistent
// particles (chain i at particle i mod Particles; Runs zero means Particles) instead of at
// data: the training's model samples, closer to the model's distribution than the data's
// posterior, so that after BurnIn more transitions the reverse estimate's upper side of the
// bracket rests on fewer assumptions (RAISE, Burda, Grosse & Salakhutdinov 2015).
func (m *DBM) ReverseAISFromParticles(ctx context.Context, o ReverseOptions) (*LogZEstimate, error) {
	if o.Runs == 0 {
		o.Runs = m.cfg.Particles
	}
	st, err := m.State()
	if err != nil {
		return nil, err
	}
	parts := make([]train.Tensor, len(m.cfg.Sizes))
	for _, t := range st {
		var l int
		if _, err := fmt.Sscanf(t.Name, "particles/x%d", &l); err == nil {
			parts[l] = t
		}
	}
	c, err := m.chains(o.Options, m.fromParticles(parts))
	if err != nil {
		return nil, err
	}
	est, err := anneal.Reverse(ctx, c, o)
	if err != nil {
		return nil, nest.Within("dbm: reverse AIS from the particles", err)
	}
	return est, nil
}
