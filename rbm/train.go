package rbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Roles of the random ops: each gets the key tfops.Key(Seed, role) and draws with the seed pair
// (key, step), so that the stream depends only on the model seed, the role and the update count,
// never on how the updates were grouped into Session.Run calls.
const (
	roleDropout uint64 = 1 + iota
	roleH0
	roleChainH0
	roleEvalH
	roleEvalPLL
	roleSampleH
	roleSampleV
	roleFeatH0
	roleFeatV  = 3000 // + Gibbs step index (ChainFeatures' transform)
	roleFeatH  = 4000 // + Gibbs step index
	roleGibbsV = 1000 // + Gibbs step index
	roleGibbsH = 2000 // + Gibbs step index
)

// trainState is everything one update reads and writes.
type trainState struct {
	p             params
	dW, dvb, dhb  tf.Output   // velocities
	q             tf.Output   // running mean of hidden activity, [nh]
	chain         tf.Output   // persistent visible states, [BatchSize, nv]; unused by CD
	extra         []tf.Output // the training method's Variables
	offV, offH    tf.Output   // centering offsets (with Config.Centering)
	lr, mom, step tf.Output
	grad          params  // the update's directions for W, vb, hb (fused momentum: trainOp applies them)
	decay         float64 // weight decay left for the fused kernel to apply to grad.W (see foldsDecay)
}

func (m *RBM) seed(s *op.Scope, role uint64, step tf.Output) tf.Output {
	return tfops.Seed(s, tfops.Key(m.cfg.Seed, role), step)
}

// rows adds the number of rows of x as a scalar of dtype dt.
func rows(s *op.Scope, x tf.Output, dt tf.DataType) tf.Output {
	s = s.SubScope("rows")
	shape := op.Shape(s, x, op.ShapeOutType(tf.Int32))
	n := op.StridedSlice(s, shape, op.Const(s.SubScope("b"), []int32{0}), op.Const(s.SubScope("e"), []int32{1}), op.Const(s.SubScope("st"), []int32{1}), op.StridedSliceShrinkAxisMask(1))
	return op.Cast(s, n, dt)
}

// update adds one CD-k (or PCD-k) update on the minibatch x and returns the new state.
// The gradient is the textbook one (Hinton 2010): positive statistics from p(h|x), negative
// statistics from the visible states and hidden probabilities at the end of the chain.
func (m *RBM) update(s *op.Scope, st trainState, x tf.Output, k int) trainState {
	c, l, dt := m.cfg, m.layers, m.cfg.DType
	p := st.p
	if c.Keep < 1 {
		s := s.SubScope("dropout")
		keep := op.Fill(s, op.Shape(s, x), tfops.Scalar(s, c.Keep, dt))
		mask := tfops.BernoulliSample(s, keep, m.seed(s, roleDropout, st.step))
		x = op.Div(s, op.Mul(s, x, mask), tfops.Scalar(s.SubScope("keep"), c.Keep, dt))
	}

	// Positive phase.
	pos := s.SubScope("positive")
	h0Mean, h0 := l.sampleHidden(pos, p, x, m.seed(pos, roleH0, st.step))
	// Negative phase: the training method's (CD: k Gibbs steps from the data; PCD: from the
	// persistent chains).
	sm := &Sampler{X: x, H0Mean: h0Mean, H0: h0, Chains: st.chain, State: st.extra, K: k, Config: c, m: m, p: p, t: st}
	v, hMean, chain, extra := c.Method.Negative(s.SubScope("negative"), sm)

	// Sparsity (Hinton 2010, §11): q tracks the mean hidden probability on the data; the
	// penalty cost·(q − target) is the derivative of the cross-entropy between target and q with
	// respect to the hidden units' total input, applied to hb and, times the mean visible
	// statistic, to W.
	sp := s.SubScope("sparsity")
	act := h0Mean
	if l.probHidden {
		act = op.Div(sp, h0Mean, tfops.Scalar(sp, float64(l.h.Spec().Draws), dt)) // M·p → p
	}
	sparsity := optim.Sparsity{Target: c.SparsityTarget, Cost: c.SparsityCost, Damping: c.SparsityDamping}
	original := c.SparsityRule == optim.Original
	var q tf.Output
	if !original {
		q = sparsity.Estimate(sp, st.q, act)
	}

	// Gradients.
	g := s.SubScope("gradient")
	n := rows(g.SubScope("n"), x, dt)
	nNeg := rows(g.SubScope("n_neg"), v, dt)
	var gW tf.Output
	var pen tf.Output // the sparsity penalty, once it is in gW
	if c.Centering > 0 {
		gW = optim.Centering{Rate: c.Centering}.WeightGradient(g, l.v.Stat(g.SubScope("x"), x), h0Mean, l.v.Stat(g.SubScope("v"), v), hMean, st.offV, st.offH, n, nNeg)
	} else {
		// Both statistics in one product: [x; v]ᵀ·[h0/n; −h/n_neg]. The sparsity penalty's
		// outer product mean(x)ᵀ·pen is xᵀ·(pen/n) row by row, so it joins the positive
		// operand, (h0 − pen)/n, instead of costing two passes over W-sized tensors.
		pos := h0Mean
		if c.SparsityCost > 0 && !original {
			pen = sparsity.Penalty(sp, q)
			pos = op.Sub(sp.SubScope("folded"), h0Mean, pen)
		}
		a := op.ConcatV2(g.SubScope("a"), []tf.Output{l.v.Stat(g, x), l.v.Stat(g.SubScope("v"), v)}, op.Const(g.SubScope("ax"), int32(0)))
		bs := op.ConcatV2(g.SubScope("b"), []tf.Output{op.Div(g.SubScope("pos"), pos, n), op.Neg(g.SubScope("neg"), op.Div(g.SubScope("negd"), hMean, nNeg))}, op.Const(g.SubScope("bx"), int32(0)))
		gW = tfops.SplitGram(g, a, bs, l.devices)
	}
	var decay float64
	if m.foldsDecay() {
		decay = *c.L2 // the momentum kernel subtracts it, in the same order (see foldsDecay)
	} else {
		gW = optim.L2{Coef: *c.L2}.Apply(g, gW, p.W)
	}
	if original {
		// As coded: the damped batch sum of the chain's final hidden means, its penalty taken
		// off every weight and hidden bias alike (after L2, before the bias gradients).
		os := optim.OriginalSparsity{Target: c.SparsityTarget, Cost: c.SparsityCost, Damping: c.SparsityDamping}
		q = os.Estimate(sp, st.q, optim.ColumnSum(sp, hMean))
		pen = os.Penalty(sp, q)
		if c.SparsityCost > 0 {
			gW = op.Sub(sp.SubScope("gW"), gW, pen)
		} else {
			pen = tf.Output{}
		}
	}
	gvb := op.Sub(g.SubScope("gvb"), tfops.ColumnMean(g, l.v.BiasStat(g, x, p.vb)), tfops.ColumnMean(g.SubScope("n"), l.v.BiasStat(g, v, p.vb)))
	ghb := op.Sub(g.SubScope("ghb"), tfops.ColumnMean(g, l.h.BiasStat(g, h0Mean, p.hb)), tfops.ColumnMean(g.SubScope("n"), l.h.BiasStat(g, hMean, p.hb)))
	if c.Centering > 0 {
		d := optim.Centering{Rate: c.Centering}.BiasDirections(g, []tf.Output{gW}, []tf.Output{gvb, ghb}, []tf.Output{st.offV, st.offH})
		gvb, ghb = d[0], d[1]
	}
	switch {
	case pen != tf.Output{}:
		ghb = op.Sub(sp.SubScope("ghb"), ghb, pen)
	case c.SparsityCost > 0 && !original:
		gW, ghb = sparsity.Apply(sp, gW, ghb, q, tfops.ColumnMean(sp.SubScope("v"), l.v.Stat(sp, x)))
	}

	out := st
	out.q, out.chain, out.extra = q, chain, extra
	u := s.SubScope("apply")
	if c.Centering > 0 {
		out.offH = optim.Centering{Rate: c.Centering}.Offset(u.SubScope("centering"), st.offH, h0Mean)
	}
	out.step = op.AddV2(u.SubScope("step"), st.step, op.Const(u.SubScope("one"), int64(1)))
	if m.fusedMomentum() {
		out.grad = params{W: gW, vb: gvb, hb: ghb} // trainOp applies them to the variables
		out.decay = decay
		return out
	}

	// Momentum as separate ops: the original's rule, Δ ← lr·(momentum·Δ + g), or classical
	// momentum when fusedMomentumOff; then θ ← θ + Δ.
	rule := optim.Momentum{Rule: c.MomentumRule}
	vel := func(name string, old, grad tf.Output) tf.Output {
		return rule.Velocity(u.SubScope(name), old, grad, st.lr, st.mom)
	}
	out.dW, out.dvb, out.dhb = vel("dW", st.dW, gW), vel("dvb", st.dvb, gvb), vel("dhb", st.dhb, ghb)
	out.p = params{
		W:  op.AddV2(u.SubScope("W"), p.W, out.dW),
		vb: op.AddV2(u.SubScope("vb"), p.vb, out.dvb),
		hb: op.AddV2(u.SubScope("hb"), p.hb, out.dhb),
	}
	return out
}

// fusedMomentumOff makes every rule take the unfused path (tests compare both).
var fusedMomentumOff bool

// kernelsOff makes fused momentum use TensorFlow's ops instead of boltzmann-go's kernel (tests
// compare both).
var kernelsOff bool

// fusedMomentum reports whether updates apply classical momentum in one op per variable — our
// kernel (kernelMomentum) or TensorFlow's ResourceApplyKerasMomentum — instead of as separate
// ops.
func (m *RBM) fusedMomentum() bool {
	return m.cfg.MomentumRule != optim.Original && !fusedMomentumOff
}

// kernelMomentum reports whether fused momentum runs boltzmann-go's BoltzmannMomentumStep
// kernel (tfops.MomentumStep), which also takes the weight decay: in a local session on the CPU
// only (the kernel has no GPU version, and a cluster's tasks may not have loaded it).
func (m *RBM) kernelMomentum() bool {
	c := m.cfg
	return m.fusedMomentum() && !kernelsOff && c.GPU == "" && c.Target == "" && len(c.Devices) == 0 && tfops.HasKernels()
}

// foldsDecay reports whether the weight decay is left to the momentum kernel: only when it is the
// last change to the weights' direction (no centering, no sparsity penalty after it), so that
// the kernel's g − decay·W is the L2 op's, rounding for rounding.
func (m *RBM) foldsDecay() bool {
	return m.kernelMomentum() && m.cfg.Centering == 0 && m.cfg.SparsityCost == 0
}

// applyMomentum adds the classical momentum step Δ ← momentum·Δ + lr·g, θ ← θ + Δ for the
// weights and biases as one fused op each, which reads and writes each variable once, and
// returns the ops that leave the new values in the variables. With our kernel (kernelMomentum)
// each step is a BoltzmannMomentumStep whose results are assigned to the variables, and the
// weights' step also subtracts decay·W from g (folded weight decay); otherwise
// ResourceApplyKerasMomentum computes Δ ← Δ·momentum − g·lr', θ ← θ + Δ in place. With lr' = −lr
// either is, bit for bit, the unfused Δ·momentum + lr·g (negation is exact), so every path gives
// the same weights. read orders the reads of the velocities after the previous update's steps.
func (m *RBM) applyMomentum(s *op.Scope, read *op.Scope, p, g params, decay float64, negLR, mom tf.Output) []*tf.Operation {
	v := m.vars
	if !m.kernelMomentum() {
		return []*tf.Operation{
			op.ResourceApplyKerasMomentum(s.SubScope("W"), v.W.Handle, v.dW.Handle, negLR, g.W, mom),
			op.ResourceApplyKerasMomentum(s.SubScope("vb"), v.vb.Handle, v.dvb.Handle, negLR, g.vb, mom),
			op.ResourceApplyKerasMomentum(s.SubScope("hb"), v.hb.Handle, v.dhb.Handle, negLR, g.hb, mom),
		}
	}
	var ops []*tf.Operation
	step := func(name string, param, vel *tfops.Variable, cur, grad tf.Output, decay float64) {
		ks := s.SubScope(name)
		nv, na := tfops.MomentumStep(ks, cur, vel.Read(read), grad, negLR, mom, decay)
		ops = append(ops, param.Assign(ks, nv), vel.Assign(ks, na))
	}
	step("W", v.W, v.dW, p.W, g.W, decay)
	step("vb", v.vb, v.dvb, p.vb, g.vb, 0)
	step("hb", v.hb, v.dhb, p.hb, g.hb, 0)
	return ops
}

// trainOp adds an op that performs updates minibatch updates with k Gibbs steps, reading the
// minibatch indices from rows 0..updates−1 of m.idx, and writes the final state back.
func (m *RBM) trainOp(k, updates int) *tf.Operation {
	s := m.scope.SubScope("train")
	v := m.vars
	st := trainState{
		p:     params{W: v.W.Read(s), vb: v.vb.Read(s), hb: v.hb.Read(s)},
		dW:    v.dW.Read(s),
		dvb:   v.dvb.Read(s),
		dhb:   v.dhb.Read(s),
		q:     v.q.Read(s),
		chain: v.chain.Read(s),
		extra: readAll(s, v.extra),
		offV:  readIf(s, v.offV),
		offH:  readIf(s, v.offH),
		lr:    m.lr,
		mom:   m.mom,
		step:  v.step.Read(s),
	}
	data := m.rows
	fused := m.fusedMomentum()
	var negLR tf.Output
	if fused {
		negLR = op.Neg(s.SubScope("neg_lr"), m.lr)
	}
	var applied []*tf.Operation
	for i := 0; i < updates; i++ {
		us := s.SubScope("update")
		read := us // reads of the variables, after the previous update's fused steps
		if fused && i > 0 {
			// The weights as the previous update left them.
			read = us.WithControlDependencies(applied...)
			st.p = params{W: v.W.Read(read), vb: v.vb.Read(read), hb: v.hb.Read(read)}
		}
		idx := op.Gather(us.SubScope("idx"), m.idx, op.Const(us.SubScope("i"), int32(i)))
		x := op.GatherV2(us.SubScope("batch"), data, idx, op.Const(us.SubScope("axis"), int32(0)))
		st = m.update(us, st, x, k)
		if fused {
			applied = m.applyMomentum(us.SubScope("momentum"), read.SubScope("velocity"), st.p, st.grad, st.decay, negLR, st.mom)
		}
	}
	w := s.SubScope("write")
	assigns := []*tf.Operation{v.q.Assign(w, st.q), v.step.Assign(w, st.step)}
	if fused {
		assigns = append(assigns, applied...)
	} else {
		assigns = append(assigns, v.W.Assign(w, st.p.W), v.vb.Assign(w, st.p.vb), v.hb.Assign(w, st.p.hb),
			v.dW.Assign(w, st.dW), v.dvb.Assign(w, st.dvb), v.dhb.Assign(w, st.dhb))
	}
	if m.cfg.Method.Persistent() {
		assigns = append(assigns, v.chain.Assign(w, st.chain))
	}
	for i, e := range v.extra {
		assigns = append(assigns, e.Assign(w, st.extra[i]))
	}
	if v.offH != nil {
		assigns = append(assigns, v.offH.Assign(w, st.offH))
	}
	return op.NoOp(s.WithControlDependencies(assigns...).SubScope("done"))
}

// readAll adds a read of every variable of vs.
func readAll(s *op.Scope, vs []*tfops.Variable) []tf.Output {
	out := make([]tf.Output, len(vs))
	for i, v := range vs {
		out[i] = v.Read(s)
	}
	return out
}

// readIf adds a read of v, or returns a zero Output for a nil v.
func readIf(s *op.Scope, v *tfops.Variable) tf.Output {
	if v == nil {
		return tf.Output{}
	}
	return v.Read(s)
}
