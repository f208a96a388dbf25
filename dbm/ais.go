package dbm

import (
	"context"
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// aisChunk is the number of intermediate distributions per Session.Run.
const aisChunk = 50

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
func (m *DBM) aisGraph(sweeps int) *aisOps {
	if a, ok := m.ais[sweeps]; ok {
		return a
	}
	a := &aisOps{sweeps: sweeps}
	{
		c, n, dt := m.cfg, m.net, m.cfg.DType
		L := n.top()
		s := m.scope.SubScope(fmt.Sprintf("ais_%d", sweeps))
		p := m.readParams(s)
		a.runs = op.Placeholder(s.SubScope("runs"), tf.Int32, op.PlaceholderShape(tf.ScalarShape()))
		for l := 0; l <= L; l++ {
			a.base = append(a.base, op.Placeholder(s.SubScope("base_bias"), dt, op.PlaceholderShape(tf.MakeShape(int64(c.Sizes[l])))))
		}
		// bias is the layer's biases on the path at β: b_A + β·(b − b_A).
		bias := func(s *op.Scope, l int, beta tf.Output) tf.Output {
			return op.AddV2(s, a.base[l], op.Mul(s.SubScope("beta"), beta, op.Sub(s.SubScope("gap"), p.b[l], a.base[l])))
		}
		a.odd = make([]*tfops.Variable, L+1)
		var inits []*tf.Operation
		for l := 1; l <= L; l += 2 {
			a.odd[l] = tfops.NewVariable(s, fmt.Sprintf("ais/x%d", l), dt, []int64{-1, int64(c.Sizes[l])})
			is := s.SubScope("init")
			zeros := op.Fill(is, op.Pack(is, []tf.Output{a.runs, op.Const(is.SubScope("n"), int32(c.Sizes[l]))}), tfops.Scalar(is, 0, dt))
			mean := n.units[l].Mean(is, zeros, a.base[l])
			x0 := n.units[l].Sample(is, zeros, a.base[l], mean, tfops.Seed(is, tfops.Key(c.Seed, roleAISInitial+uint64(l)), op.Const(is.SubScope("zero"), int64(0))))
			inits = append(inits, a.odd[l].Assign(is, x0))
		}
		// The log-weights sum thousands of small increments: accumulate them in float64 even for
		// a float32 model, so that rounding does not pile up over the run.
		a.logw = tfops.NewVariable(s, "ais/logw", tf.Double, []int64{-1})
		ws := s.SubScope("init_logw")
		inits = append(inits, a.logw.Assign(ws, op.Fill(ws, op.Pack(ws, []tf.Output{a.runs}), tfops.Scalar(ws, 0, tf.Double))))
		a.init = op.NoOp(s.WithControlDependencies(inits...).SubScope("init_done"))
		a.start = make([]tf.Output, L+1)
		var froms []*tf.Operation
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
			inc := n.annealGap(js, p, xs, bPrev, bCur, bias)
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
						in := n.input(ls, p, xs, l)
						in = op.Mul(ls.SubScope("beta"), in, bCur)
						b := bias(ls.SubScope("bias"), l, bCur)
						mean := n.units[l].Mean(ls, in, b)
						xs[l] = n.units[l].Sample(ls, in, b, mean, tfops.Seed(ls, tfops.Key(c.Seed, roleAIS+uint64(l)), sctr))
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
	m.ais[sweeps] = a
	return a
}

// AISOptions configure LogZ.
type AISOptions struct {
	// Betas is the number of intermediate distributions, evenly spaced in β ∈ [0, 1]. Zero
	// means 10,000 (the original's docstring recommends at least that; its README reports
	// 20,000 and 200,000).
	Betas int
	// Runs is the number of independent AIS runs. Zero means 100.
	Runs int
	// Base is the base distribution the runs start from (no interactions): BaseBiases (the
	// default, the DBM's own biases), BaseUniform (all biases zero, the original's) or
	// BaseRate (the visible biases fitted to the data's marginals, BaseRates; hidden biases
	// zero; Salakhutdinov & Murray 2008).
	Base string
	// BaseRates holds the data's mean of each visible unit, for BaseRate.
	BaseRates []float64
	// Schedule spaces the intermediate distributions: ScheduleUniform (the default, evenly in
	// β) or ScheduleSegments (Salakhutdinov's: 500, 4000 and 10000 steps per unit of β on
	// [0, 0.5], [0.5, 0.9], [0.9, 1], scaled to Betas in all — denser where the model changes most).
	Schedule string
	// SweepsPerBeta is the number of transitions at each intermediate distribution. Zero means 1.
	SweepsPerBeta int
	// OnProgress, if set, is called after each Session.Run with the steps done and the total.
	OnProgress func(done, total int)
}

// The AIS base distributions and schedules.
const (
	BaseBiases       = "biases"
	BaseUniform      = "uniform"
	BaseRate         = "base-rate"
	ScheduleUniform  = "uniform"
	ScheduleSegments = "segments"
)

// A LogZEstimate is the result of LogZ.
type LogZEstimate struct {
	// LogZ is log Ẑ = log Z₀ + log mean exp(log w_r).
	LogZ float64
	// Low and High are log(Ẑ − σ) and log(Ẑ + σ), σ the standard deviation of the runs'
	// estimates of Z (the original's interval; Low is NaN when σ ≥ Ẑ).
	Low, High float64
	// SEMLow and SEMHigh are log(Ẑ − s) and log(Ẑ + s), s = σ/√runs the standard error of the
	// mean Ẑ (NaN when s ≥ Ẑ).
	SEMLow, SEMHigh float64
	// Runs holds each run's log Z estimate, log Z₀ + log w_r.
	Runs []float64
}

// AISLogZ estimates log Z by annealed importance sampling (Neal 2001; Salakhutdinov & Murray
// 2008) from the biases-only base model, for DBMs of any depth and unit types. Each run's
// weight is a product of p*_k(x_k)/p*_{k−1}(x_k) over a chain whose state x_k was produced by a
// transition that leaves p_{k−1} invariant (the standard order; the original evaluates each
// ratio after the transition at β_k).
func (m *DBM) AISLogZ(ctx context.Context, o AISOptions) (*LogZEstimate, error) {
	if o.Betas == 0 {
		o.Betas = 10000
	}
	if o.Runs == 0 {
		o.Runs = 100
	}
	if o.SweepsPerBeta == 0 {
		o.SweepsPerBeta = 1
	}
	if o.Betas < 1 || o.Runs < 2 || o.SweepsPerBeta < 1 || o.SweepsPerBeta > 1000 {
		return nil, fmt.Errorf("dbm: AIS: %d intermediate distributions, %d runs, %d sweeps per β: want ≥ 1, ≥ 2 and 1…1000", o.Betas, o.Runs, o.SweepsPerBeta)
	}
	schedule, a, feeds, err := m.aisSetup(o)
	if err != nil {
		return nil, err
	}
	runs, err := tf.NewTensor(int32(o.Runs))
	if err != nil {
		return nil, err
	}
	if _, err := m.run(feeds(map[tf.Output]*tf.Tensor{a.runs: runs}), nil, []*tf.Operation{a.init}); err != nil {
		return nil, fmt.Errorf("dbm: AIS init: %w", err)
	}
	for k := 0; k < o.Betas; k += aisChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		betas := make([]float64, aisChunk+1)
		for j := range betas {
			betas[j] = schedule[min(k+j, o.Betas)]
		}
		bt, err := tfops.TensorAs(betas, m.cfg.DType)
		if err != nil {
			return nil, err
		}
		k0, err := tf.NewTensor(int64(k))
		if err != nil {
			return nil, err
		}
		if _, err := m.run(feeds(map[tf.Output]*tf.Tensor{a.betas: bt, a.k0: k0}), nil, []*tf.Operation{a.chunk}); err != nil {
			return nil, fmt.Errorf("dbm: AIS: %w", err)
		}
		if o.OnProgress != nil {
			o.OnProgress(min(k+aisChunk, o.Betas), o.Betas)
		}
	}
	out, err := m.run(feeds(map[tf.Output]*tf.Tensor{}), []tf.Output{a.logwRead, a.logZ0}, nil)
	if err != nil {
		return nil, err
	}
	est := &LogZEstimate{Runs: make([]float64, len(out[0]))}
	for i, w := range out[0] {
		est.Runs[i] = out[1][0] + w
	}
	var lo, hi, semLo, semHi float64
	est.LogZ, lo, hi, semLo, semHi = logIntervals(est.Runs)
	est.Low, est.High, est.SEMLow, est.SEMHigh = lo, hi, semLo, semHi
	return est, nil
}

// logIntervals returns, for estimates exp(r_i), log of their mean m and the logs of m − σ, m + σ,
// m − s and m + s, σ their standard deviation and s = σ/√n the standard error of the mean (NaN
// where the difference is not positive).
func logIntervals(r []float64) (logMean, lo, hi, semLo, semHi float64) {
	logMean = logMeanExp(r)
	// σ of exp(r), in log space: ½·log(mean exp(2r) − exp(2·logMean)).
	twice := make([]float64, len(r))
	for i, v := range r {
		twice[i] = 2 * v
	}
	m2 := logMeanExp(twice)
	logStd := 0.5 * (m2 + math.Log1p(-math.Exp(math.Min(0, 2*logMean-m2))))
	logSEM := logStd - 0.5*math.Log(float64(len(r)))
	hi = logMean + math.Log1p(math.Exp(logStd-logMean))
	lo = logMean + math.Log1p(-math.Exp(logStd-logMean))
	semHi = logMean + math.Log1p(math.Exp(logSEM-logMean))
	semLo = logMean + math.Log1p(-math.Exp(logSEM-logMean))
	return
}

// aisSetup returns the schedule, the graph and a feeder of the base biases for AIS with o.
func (m *DBM) aisSetup(o AISOptions) ([]float64, *aisOps, func(map[tf.Output]*tf.Tensor) map[tf.Output]*tf.Tensor, error) {
	schedule, err := aisSchedule(o.Schedule, o.Betas)
	if err != nil {
		return nil, nil, nil, err
	}
	base, err := m.aisBase(o)
	if err != nil {
		return nil, nil, nil, err
	}
	a := m.aisGraph(o.SweepsPerBeta)
	feeds := func(extra map[tf.Output]*tf.Tensor) map[tf.Output]*tf.Tensor {
		for l, b := range base {
			extra[a.base[l]] = b
		}
		return extra
	}
	return schedule, a, feeds, nil
}

// aisSchedule returns the n+1 inverse temperatures 0 = β₀ < … < β_n = 1 of a schedule.
func aisSchedule(kind string, n int) ([]float64, error) {
	out := make([]float64, n+1)
	switch kind {
	case "", ScheduleUniform:
		for k := range out {
			out[k] = float64(k) / float64(n)
		}
	case ScheduleSegments:
		// Salakhutdinov's segments: steps of 1/1000 on [0, 0.5], 1/10000 on [0.5, 0.9] and
		// 1/100000 on [0.9, 1], i.e. 500 : 4000 : 10000 of the steps, with n steps in all.
		ends := []float64{0, 0.5, 0.9, 1}
		bounds := []int{0, int(math.Round(float64(n) * 500 / 14500)), int(math.Round(float64(n) * 4500 / 14500)), n}
		for seg := 0; seg < 3; seg++ {
			lo, hi := bounds[seg], bounds[seg+1]
			for k := lo; k <= hi && hi > lo; k++ {
				out[k] = ends[seg] + float64(k-lo)/float64(hi-lo)*(ends[seg+1]-ends[seg])
			}
		}
	default:
		return nil, fmt.Errorf("dbm: AIS: schedule %q, want %s or %s", kind, ScheduleUniform, ScheduleSegments)
	}
	out[0], out[n] = 0, 1 // the base and the model, whatever the rounding of tiny n
	return out, nil
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
		switch c.Units[0].Domain() {
		case rbm.Binary:
			for i, r := range o.BaseRates {
				r = math.Min(math.Max(r, 1e-6), 1-1e-6) // a pixel that is always 0 or 1
				biases[0][i] = math.Log(r / (1 - r))
			}
		case rbm.Real:
			copy(biases[0], o.BaseRates) // a Gaussian's bias is its mean
		default:
			return nil, fmt.Errorf("dbm: AIS: a base-rate base for %s visible units is not implemented", c.Units[0].Name())
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
			return 0, fmt.Errorf("dbm: exact log Z: %w", err)
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
	return logMeanExp(neg) + math.Log(float64(len(neg))), nil
}

// ReverseOptions configure ReverseAISLogZ.
type ReverseOptions struct {
	AISOptions
	// BurnIn is the number of Gibbs transitions of the model (β = 1) that the chains make from
	// the data before annealing down. Zero means 1000.
	BurnIn int
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
	if o.BurnIn == 0 {
		o.BurnIn = 1000
	}
	if o.Betas == 0 {
		o.Betas = 10000
	}
	if o.SweepsPerBeta == 0 {
		o.SweepsPerBeta = 1
	}
	if o.Betas < 1 || o.Runs < 2 || o.Runs > n || o.BurnIn < 0 || o.SweepsPerBeta < 1 || o.SweepsPerBeta > 1000 {
		return nil, fmt.Errorf("dbm: reverse AIS: %d intermediate distributions, %d runs (of %d rows), %d burn-in, %d sweeps per β: want ≥ 1, 2…rows, ≥ 0, 1…1000",
			o.Betas, o.Runs, n, o.BurnIn, o.SweepsPerBeta)
	}
	schedule, a, feeds, err := m.aisSetup(o.AISOptions)
	if err != nil {
		return nil, err
	}
	// Start the odd layers at the data's mean-field posterior (the first transition samples
	// states from it).
	t, err := rowsTensor(start, 0, o.Runs, m.cfg.DType)
	if err != nil {
		return nil, err
	}
	e := m.evalGraph()
	var oddOuts []tf.Output
	for l := 1; l < len(m.cfg.Sizes); l += 2 {
		oddOuts = append(oddOuts, e.mu[l])
	}
	mus, err := m.sess.Run(map[tf.Output]*tf.Tensor{e.x: t}, oddOuts, nil)
	if err != nil {
		return nil, fmt.Errorf("dbm: reverse AIS: mean field: %w", err)
	}
	startFeeds := map[tf.Output]*tf.Tensor{}
	for i, l := 0, 1; l < len(m.cfg.Sizes); i, l = i+1, l+2 {
		startFeeds[a.start[l]] = mus[i]
	}
	if _, err := m.run(feeds(startFeeds), nil, []*tf.Operation{a.initFrom}); err != nil {
		return nil, fmt.Errorf("dbm: reverse AIS init: %w", err)
	}
	// Counters past forward AIS's, so the two directions draw different numbers.
	const offset = int64(1) << 50
	steps := o.BurnIn + o.Betas
	for k := 0; k < steps; k += aisChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		betas := make([]float64, aisChunk+1)
		for j := range betas {
			// Burn-in at β = 1 (each increment log p*_1 − log p*_1 is 0), then down the schedule.
			step := k + j - o.BurnIn
			switch {
			case step <= 0:
				betas[j] = 1
			case step >= o.Betas:
				betas[j] = 0
			default:
				betas[j] = schedule[o.Betas-step]
			}
		}
		bt, err := tfops.TensorAs(betas, m.cfg.DType)
		if err != nil {
			return nil, err
		}
		k0, err := tf.NewTensor(offset + int64(k))
		if err != nil {
			return nil, err
		}
		if _, err := m.run(feeds(map[tf.Output]*tf.Tensor{a.betas: bt, a.k0: k0}), nil, []*tf.Operation{a.chunk}); err != nil {
			return nil, fmt.Errorf("dbm: reverse AIS: %w", err)
		}
		if o.OnProgress != nil {
			o.OnProgress(min(k+aisChunk, steps), steps)
		}
	}
	out, err := m.run(feeds(map[tf.Output]*tf.Tensor{}), []tf.Output{a.logwRead, a.logZ0}, nil)
	if err != nil {
		return nil, err
	}
	// r_i = log w_i − log Z₀ estimates −log Z; the estimate is −log mean exp(r).
	r := make([]float64, len(out[0]))
	est := &LogZEstimate{Runs: make([]float64, len(out[0]))}
	for i, w := range out[0] {
		r[i] = w - out[1][0]
		est.Runs[i] = -r[i]
	}
	// The estimate of 1/Z and its intervals, mapped to log Z (reversed).
	inv, lo, hi, semLo, semHi := logIntervals(r)
	est.LogZ, est.Low, est.High, est.SEMLow, est.SEMHigh = -inv, -hi, -lo, -semHi, -semLo
	return est, nil
}
