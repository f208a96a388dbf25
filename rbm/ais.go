package rbm

import (
	"context"
	"fmt"
	"slices"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/anneal"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Seed roles of annealing (see package tfops): the base samples, then per step and sweep the
// visible and the hidden draws.
const (
	roleAISBase = 50000
	roleAISV    = 50001
	roleAISH    = 50002
)

// AISLogZ estimates log Z by annealed importance sampling (package anneal): the state is the
// hidden layer, the visible one is summed (or integrated) out, and the path runs from the base
// distribution (no interactions; o.Base) to the RBM with the interactions × β and the biases
// b_A + β·(b − b_A). log Ẑ under-estimates log Z on average; ExactLogZ is exact for small
// models. The DBM-pretraining doubling factors are not part of the model's energy and are left
// out, as in ExactLogZ.
func (m *RBM) AISLogZ(ctx context.Context, o anneal.Options) (*anneal.Estimate, error) {
	c, err := m.chains(o, nil)
	if err != nil {
		return nil, err
	}
	est, err := anneal.Forward(ctx, c, o)
	if err != nil {
		return nil, nest.Within("rbm: AIS", err)
	}
	return est, nil
}

// ReverseAISLogZ estimates log Z by reverse annealing (package anneal) from chains started at
// the hidden means of the rows of start (the first o.Runs rows; all by default): log Ẑ
// over-estimates log Z on average when the chains have reached the model's distribution.
func (m *RBM) ReverseAISLogZ(ctx context.Context, start Data, o anneal.ReverseOptions) (*anneal.Estimate, error) {
	n, err := checkData("reverse AIS start", start, m.cfg.NumVisible)
	if err != nil {
		return nil, err
	}
	if o.Runs == 0 {
		o.Runs = n
	}
	if o.Runs > n {
		return nil, fmt.Errorf("rbm: reverse AIS: %d runs but %d start rows", o.Runs, n)
	}
	c, err := m.chains(o.Options, start)
	if err != nil {
		return nil, err
	}
	est, err := anneal.Reverse(ctx, c, o)
	if err != nil {
		return nil, nest.Within("rbm: reverse AIS", err)
	}
	return est, nil
}

// aisOps are the ops of the RBM's annealing chains.
type aisOps struct {
	runs, start     tf.Output
	base            [2]tf.Output // visible and hidden base biases, fed
	h, logw         *tfops.Variable
	init, initFrom  *tf.Operation
	betas, k0       tf.Output
	chunk           *tf.Operation
	logZ0, logwRead tf.Output
	startMean       tf.Output // E[h | v] of fed visible rows, without the DBM doubling
	startV          tf.Output
}

// aisGraph builds the annealing ops of one block of runs (k.Block, on device k.Device) for
// k.Sweeps transitions per intermediate distribution. The parameters are read on the model's
// device and the chains live on the block's.
func (m *RBM) aisGraph(k anneal.BlockKeyOf) *aisOps {
	if a, ok := m.ais[k]; ok {
		return a
	}
	c, l, dt, sweeps := m.cfg, m.layers, m.cfg.DType, k.Sweeps
	s := m.scope.SubScope(k.ScopeName("ais"))
	a := &aisOps{}
	W, vb, hb := m.vars.W.Read(s), m.vars.vb.Read(s), m.vars.hb.Read(s)
	startW, startHb := W, hb // read where the model is: the reverse start runs before the chains
	var caches []*tf.Operation
	if k.Device != "" { // the block's own copy of the parameters, made when its chains start
		s = s.WithDevice(k.Device)
		var p []tf.Output
		p, caches = anneal.Cache(s, []tf.Output{W, vb, hb})
		W, vb, hb = p[0], p[1], p[2]
	}
	key := func(role uint64) int64 { return anneal.BlockKey(tfops.Key(c.Seed, role), k.Block) }
	a.runs = op.Placeholder(s.SubScope("runs"), tf.Int32, op.PlaceholderShape(tf.ScalarShape()))
	a.base[0] = op.Placeholder(s.SubScope("base_vb"), dt, op.PlaceholderShape(tf.MakeShape(int64(c.NumVisible))))
	a.base[1] = op.Placeholder(s.SubScope("base_hb"), dt, op.PlaceholderShape(tf.MakeShape(int64(c.NumHidden))))
	bias := func(s *op.Scope, target, base, beta tf.Output) tf.Output {
		return op.AddV2(s, base, op.Mul(s.SubScope("beta"), beta, op.Sub(s.SubScope("gap"), target, base)))
	}
	a.h = tfops.NewVariable(s, "ais/h", dt, []int64{-1, int64(c.NumHidden)})
	a.logw = tfops.NewVariable(s, "ais/logw", tf.Double, []int64{-1})
	is := s.SubScope("init")
	zeros := op.Fill(is, op.Pack(is, []tf.Output{a.runs, op.Const(is.SubScope("n"), int32(c.NumHidden))}), tfops.Scalar(is, 0, dt))
	mean := l.h.Mean(is, zeros, a.base[1])
	h0 := l.h.Sample(is, zeros, a.base[1], mean, tfops.Seed(is, key(roleAISBase), op.Const(is.SubScope("zero"), int64(0))))
	zw := op.Fill(is.SubScope("w"), op.Pack(is.SubScope("w"), []tf.Output{a.runs}), tfops.Scalar(is.SubScope("w"), 0, tf.Double))
	a.init = op.NoOp(s.WithControlDependencies(append(caches, a.h.Assign(is, h0), a.logw.Assign(is.SubScope("w"), zw))...).SubScope("init_done"))
	fs := s.SubScope("init_from")
	a.start = op.Placeholder(fs.SubScope("start"), dt, op.PlaceholderShape(tf.MakeShape(-1, int64(c.NumHidden))))
	n := op.Gather(fs, op.Shape(fs, a.start, op.ShapeOutType(tf.Int32)), op.Const(fs.SubScope("i"), int32(0)))
	zw2 := op.Fill(fs.SubScope("w"), op.Pack(fs.SubScope("w"), []tf.Output{n}), tfops.Scalar(fs.SubScope("w"), 0, tf.Double))
	a.initFrom = op.NoOp(s.WithControlDependencies(append(caches, a.h.Assign(fs, a.start), a.logw.Assign(fs.SubScope("w"), zw2))...).SubScope("init_from_done"))
	ms := s.SubScope("start_mean")
	a.startV = op.Placeholder(ms.SubScope("v"), dt, op.PlaceholderShape(tf.MakeShape(-1, int64(c.NumVisible))))
	a.startMean = l.h.Mean(ms, tfops.MatMulT(ms, l.v.Stat(ms, a.startV), startW, false, false), startHb)

	a.betas = op.Placeholder(s.SubScope("betas"), dt, op.PlaceholderShape(tf.MakeShape(anneal.Chunk+1)))
	a.k0 = op.Placeholder(s.SubScope("k0"), tf.Int64, op.PlaceholderShape(tf.ScalarShape()))
	h, logw := a.h.Read(s), a.logw.Read(s)
	down := func(s *op.Scope, h tf.Output) tf.Output { return tfops.MatMulT(s, l.h.Stat(s, h), W, false, true) }
	for j := 1; j <= anneal.Chunk; j++ {
		js := s.SubScope("step")
		bp := op.Gather(js.SubScope("bp"), a.betas, op.Const(js.SubScope("jp"), int32(j-1)))
		bc := op.Gather(js.SubScope("bc"), a.betas, op.Const(js.SubScope("jc"), int32(j)))
		// log p*_β(h) = −SelfEnergy_h(h; hb(β)) + LogPartition_v(β·Stat(h)·Wᵀ, vb(β)).
		in := down(js, h)
		lp := func(s *op.Scope, beta tf.Output) tf.Output {
			return op.Sub(s, l.v.LogPartition(s.SubScope("v"), op.Mul(s.SubScope("in"), in, beta), bias(s.SubScope("vb"), vb, a.base[0], beta)),
				l.h.SelfEnergy(s.SubScope("h"), h, bias(s.SubScope("hb"), hb, a.base[1], beta)))
		}
		inc := op.Sub(js.SubScope("inc"), lp(js.SubScope("cur"), bc), lp(js.SubScope("prev"), bp))
		logw = op.AddV2(js.SubScope("logw"), logw, tfops.Cast(js, inc, tf.Double))
		ctr := op.AddV2(js.SubScope("ctr"), a.k0, op.Const(js.SubScope("j"), int64(j)))
		for sweep := 0; sweep < sweeps; sweep++ {
			ts := js.SubScope("transition")
			sctr := op.AddV2(ts.SubScope("sweep"), ctr, op.Const(ts.SubScope("off"), int64(sweep)<<40))
			hDown := in // the first sweep starts from the h whose input the increment used
			if sweep > 0 {
				hDown = down(ts, h)
			}
			vin := op.Mul(ts.SubScope("vin"), hDown, bc)
			vbc := bias(ts.SubScope("vb"), vb, a.base[0], bc)
			vm := l.v.Mean(ts, vin, vbc)
			v := l.v.Sample(ts, vin, vbc, vm, tfops.Seed(ts, key(roleAISV), sctr))
			hin := op.Mul(ts.SubScope("hin"), tfops.MatMulT(ts, l.v.Stat(ts, v), W, false, false), bc)
			hbc := bias(ts.SubScope("hb"), hb, a.base[1], bc)
			hm := l.h.Mean(ts.SubScope("h"), hin, hbc)
			h = l.h.Sample(ts.SubScope("h"), hin, hbc, hm, tfops.Seed(ts.SubScope("h"), key(roleAISH), sctr))
		}
	}
	w := s.SubScope("write")
	a.chunk = op.NoOp(s.WithControlDependencies(a.logw.Assign(w, logw), a.h.Assign(w, h)).SubScope("chunk_done"))
	a.logwRead = a.logw.Read(s.SubScope("result"))
	zs := s.SubScope("log_z0")
	zv := op.Fill(zs.SubScope("v"), op.Const(zs.SubScope("sv"), []int32{1, int32(c.NumVisible)}), tfops.Scalar(zs.SubScope("v"), 0, dt))
	zh := op.Fill(zs.SubScope("h"), op.Const(zs.SubScope("sh"), []int32{1, int32(c.NumHidden)}), tfops.Scalar(zs.SubScope("h"), 0, dt))
	a.logZ0 = op.AddV2(zs, op.Sum(zs.SubScope("pv"), l.v.LogPartition(zs.SubScope("v"), zv, a.base[0]), op.Const(zs.SubScope("a0"), []int32{0})),
		op.Sum(zs.SubScope("ph"), l.h.LogPartition(zs.SubScope("h"), zh, a.base[1]), op.Const(zs.SubScope("a1"), []int32{0})))
	m.ais[k] = a
	return a
}

// chains returns the RBM's annealing chains for o (the state is the hidden layer), starting
// at the hidden means of the rows of start for reverse annealing: one Graph, or Blocks of them
// (o.Blocks, o.Devices).
func (m *RBM) chains(o anneal.Options, start Data) (anneal.Chains, error) {
	sweeps := o.SweepsPerBeta
	if sweeps == 0 {
		sweeps = 1
	}
	if sweeps < 1 || sweeps > 1000 {
		return nil, fmt.Errorf("rbm: AIS: %d sweeps per β, want 1…1000", sweeps)
	}
	c := m.cfg
	vb, hb := make([]float64, c.NumVisible), make([]float64, c.NumHidden)
	switch o.Base {
	case "", anneal.BaseBiases:
		_, v, h, err := m.Weights()
		if err != nil {
			return nil, err
		}
		vb, hb = v, h
	case anneal.BaseUniform:
	case anneal.BaseRate:
		if len(o.BaseRates) != c.NumVisible {
			return nil, fmt.Errorf("rbm: AIS: %d base rates for %d visible units", len(o.BaseRates), c.NumVisible)
		}
		var err error
		if vb, err = RateBiases(c.Visible, o.BaseRates); err != nil {
			return nil, nest.Within("rbm: AIS", err)
		}
	default:
		return nil, fmt.Errorf("rbm: AIS: base %q, want %s, %s or %s", o.Base, anneal.BaseBiases, anneal.BaseUniform, anneal.BaseRate)
	}
	var base []*tf.Tensor
	for _, b := range [][]float64{vb, hb} {
		t, err := tfops.TensorAs(b, c.DType, int64(len(b)))
		if err != nil {
			return nil, err
		}
		base = append(base, t)
	}
	ch, err := anneal.NewBlocks(o, sweeps, func(k anneal.BlockKeyOf) *anneal.Graph {
		a := m.aisGraph(k)
		return &anneal.Graph{Run: m.run, DType: c.DType, Runs: a.runs, Betas: a.betas, K0: a.k0, Base: a.base[:], BaseValues: base,
			Init: a.init, Chunk: a.chunk, LogW: a.logwRead, LogZ0: a.logZ0,
			Start: func(g *anneal.Graph, first, runs int) error {
				t, err := rowsTensor(start, first, first+runs, c.DType)
				if err != nil {
					return err
				}
				out, err := m.sess.Run(map[tf.Output]*tf.Tensor{a.startV: t}, []tf.Output{a.startMean}, nil)
				if err != nil {
					return nest.Within("rbm: reverse AIS start", err)
				}
				_, err = m.run(g.Feeds(map[tf.Output]*tf.Tensor{a.start: out[0]}), nil, []*tf.Operation{a.initFrom})
				return err
			}}
	})
	if err != nil {
		return nil, nest.Within("rbm: AIS", err)
	}
	return ch, nil
}

// RateBiases returns the visible biases under which units of u, with no interactions, have the
// given mean activations: logit(rate) for binary units, the rate itself for Gaussian ones (a
// Gaussian's bias is its mean). It is the base-rate base of AIS, for RBMs and DBMs alike.
func RateBiases(u Unit, rates []float64) ([]float64, error) {
	switch u.Domain() {
	case Binary:
		return anneal.LogitRates(rates), nil
	case Real:
		return slices.Clone(rates), nil
	default:
		return nil, fmt.Errorf("a base-rate base for %s visible units is not implemented", u.Name())
	}
}
