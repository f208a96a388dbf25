package dbm

import (
	"context"
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

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
	logZ0    tf.Output // log Z of the base model
	logwRead tf.Output // the log-weights, read after the runs
}

// aisGraph builds the AIS ops. The state is the odd layers (h₁, h₃, …); the even layers, the
// visible one included, are summed or integrated out analytically. The base model is the DBM
// with its interactions scaled by β = 0: independent units with their biases, whose partition
// function is exact and which can be sampled exactly. A transition at β samples the even layers
// given the odd ones, then the odd layers given the even ones, all with interactions × β.
func (m *DBM) aisGraph() *aisOps {
	m.aisOnce.Do(func() {
		c, n, dt := m.cfg, m.net, m.cfg.DType
		L := n.top()
		s := m.scope.SubScope("ais")
		a := &m.ais
		p := m.readParams(s)
		a.runs = op.Placeholder(s.SubScope("runs"), tf.Int32, op.PlaceholderShape(tf.ScalarShape()))
		a.odd = make([]*tfops.Variable, L+1)
		var inits []*tf.Operation
		for l := 1; l <= L; l += 2 {
			a.odd[l] = tfops.NewVariable(s, fmt.Sprintf("ais/x%d", l), dt, []int64{-1, int64(c.Sizes[l])})
			is := s.SubScope("init")
			zeros := op.Fill(is, op.Pack(is, []tf.Output{a.runs, op.Const(is.SubScope("n"), int32(c.Sizes[l]))}), tfops.Scalar(is, 0, dt))
			mean := n.units[l].Mean(is, zeros, p.b[l])
			x0 := n.units[l].Sample(is, zeros, p.b[l], mean, tfops.Seed(is, tfops.Key(c.Seed, roleAISInitial+uint64(l)), op.Const(is.SubScope("zero"), int64(0))))
			inits = append(inits, a.odd[l].Assign(is, x0))
		}
		// The log-weights sum thousands of small increments: accumulate them in float64 even for
		// a float32 model, so that rounding does not pile up over the run.
		a.logw = tfops.NewVariable(s, "ais/logw", tf.Double, []int64{-1})
		ws := s.SubScope("init_logw")
		inits = append(inits, a.logw.Assign(ws, op.Fill(ws, op.Pack(ws, []tf.Output{a.runs}), tfops.Scalar(ws, 0, tf.Double))))
		a.init = op.NoOp(s.WithControlDependencies(inits...).SubScope("init_done"))

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
			inc := n.annealGap(js, p, xs, bPrev, bCur)
			logw = op.AddV2(js.SubScope("logw"), logw, tfops.Cast(js, inc, tf.Double))
			ctr := op.AddV2(js.SubScope("ctr"), a.k0, op.Const(js.SubScope("j"), int64(j)))
			// Transition at β_k: even layers given odd, then odd given even.
			for parity := 0; parity < 2; parity++ {
				for l := parity; l <= L; l += 2 {
					ls := js.SubScope("layer")
					in := n.input(ls, p, xs, l)
					in = op.Mul(ls.SubScope("beta"), in, bCur)
					mean := n.units[l].Mean(ls, in, p.b[l])
					xs[l] = n.units[l].Sample(ls, in, p.b[l], mean, tfops.Seed(ls, tfops.Key(c.Seed, roleAIS+uint64(l)), ctr))
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
			lp := op.Sum(ls, n.units[l].LogPartition(ls, zeros, p.b[l]), op.Const(ls.SubScope("ax"), []int32{0}))
			if a.logZ0.Op == nil {
				a.logZ0 = lp
			} else {
				a.logZ0 = op.AddV2(ls.SubScope("sum"), a.logZ0, lp)
			}
		}
	})
	return &m.ais
}

// AISOptions configure LogZ.
type AISOptions struct {
	// Betas is the number of intermediate distributions, evenly spaced in β ∈ [0, 1]. Zero
	// means 10,000 (the original's docstring recommends at least that; its README reports
	// 20,000 and 200,000).
	Betas int
	// Runs is the number of independent AIS runs. Zero means 100.
	Runs int
	// OnProgress, if set, is called after each Session.Run with the steps done and the total.
	OnProgress func(done, total int)
}

// A LogZEstimate is the result of LogZ.
type LogZEstimate struct {
	// LogZ is log Ẑ = log Z₀ + log mean exp(log w_r).
	LogZ float64
	// Low and High are log(Ẑ − σ) and log(Ẑ + σ), σ the standard deviation of the runs'
	// estimates of Z (as the original; Low is NaN when σ ≥ Ẑ).
	Low, High float64
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
	if o.Betas < 1 || o.Runs < 2 {
		return nil, fmt.Errorf("dbm: AIS: %d intermediate distributions and %d runs, want ≥ 1 and ≥ 2", o.Betas, o.Runs)
	}
	a := m.aisGraph()
	runs, err := tf.NewTensor(int32(o.Runs))
	if err != nil {
		return nil, err
	}
	if _, err := m.run(map[tf.Output]*tf.Tensor{a.runs: runs}, nil, []*tf.Operation{a.init}); err != nil {
		return nil, fmt.Errorf("dbm: AIS init: %w", err)
	}
	for k := 0; k < o.Betas; k += aisChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		betas := make([]float64, aisChunk+1)
		for j := range betas {
			betas[j] = math.Min(1, float64(k+j)/float64(o.Betas))
		}
		bt, err := tfops.TensorAs(betas, m.cfg.DType)
		if err != nil {
			return nil, err
		}
		k0, err := tf.NewTensor(int64(k))
		if err != nil {
			return nil, err
		}
		if _, err := m.run(map[tf.Output]*tf.Tensor{a.betas: bt, a.k0: k0}, nil, []*tf.Operation{a.chunk}); err != nil {
			return nil, fmt.Errorf("dbm: AIS: %w", err)
		}
		if o.OnProgress != nil {
			o.OnProgress(min(k+aisChunk, o.Betas), o.Betas)
		}
	}
	out, err := m.run(nil, []tf.Output{a.logwRead, a.logZ0}, nil)
	if err != nil {
		return nil, err
	}
	est := &LogZEstimate{Runs: make([]float64, len(out[0]))}
	for i, w := range out[0] {
		est.Runs[i] = out[1][0] + w
	}
	est.LogZ = logMeanExp(est.Runs)
	// σ of exp(runs), in log space: ½·log(mean exp(2r) − exp(2·logZ)).
	twice := make([]float64, len(est.Runs))
	for i, r := range est.Runs {
		twice[i] = 2 * r
	}
	m2 := logMeanExp(twice)
	logStd := 0.5 * (m2 + math.Log1p(-math.Exp(math.Min(0, 2*est.LogZ-m2))))
	est.High = est.LogZ + math.Log1p(math.Exp(logStd-est.LogZ))
	est.Low = est.LogZ + math.Log1p(-math.Exp(logStd-est.LogZ))
	return est, nil
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
