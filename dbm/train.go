package dbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Roles of the random ops (see package tfops): each draws with (Key(Seed, role), step).
const (
	roleParticle   uint64 = 100000 // + 1000·sweep + layer
	roleSample     uint64 = 300000 // + 1000·sweep + layer (Sample)
	roleAIS        uint64 = 500000 // + layer
	roleAISInitial uint64 = 600000 // + layer
)

func (m *DBM) seeder(base uint64, step tf.Output) seeder {
	return func(s *op.Scope, sweep, layer int) tf.Output {
		return tfops.Seed(s, tfops.Key(m.cfg.Seed, base+uint64(1000*sweep+layer)), step)
	}
}

// trainState is everything one update reads and writes.
type trainState struct {
	p         params
	dW, db    []tf.Output
	q         []tf.Output
	particles []tf.Output
	step      tf.Output
	offsets   []tf.Output // centering offsets (with Config.Centering)
	qmu       []tf.Output // the original's second sparsity estimates (SparsityRule original)
	mu        []tf.Output // the previous minibatch's μ (MeanFieldPrevious), nil otherwise
}

// update adds one PCD-k update with a mean-field positive phase (Salakhutdinov & Hinton 2009):
// the data term uses the variational parameters μ of the minibatch, the model term the
// persistent particles after k Gibbs sweeps; then L2, sparsity, classical momentum and the
// max-norm constraint. It returns the new state and the number of mean-field sweeps used.
//
// A non-nil mu holds the minibatch's mean field already run (mu[0] = x; see mfOps): the update
// then starts from it and returns a zero count.
func (m *DBM) update(s *op.Scope, st trainState, x tf.Output, k int, mu []tf.Output) (trainState, tf.Output) {
	c, n, dt := m.cfg, m.net, m.cfg.DType
	L := n.top()
	var nmf tf.Output
	if mu == nil {
		mu, nmf = n.meanFieldFrom(s, st.p, x, st.mu, c.MeanFieldSteps, c.MeanFieldTol)
	}
	parts := m.advance(s.SubScope("particles"), st.p, st.particles, k, m.seeder(roleParticle, st.step))

	g := s.SubScope("gradient")
	nData := rowsF(g.SubScope("n"), x, dt)
	nPart := tfops.Scalar(g.SubScope("m"), float64(c.Particles), dt)
	out := st
	out.particles = parts
	if st.mu != nil {
		out.mu = mu
	}
	out.dW, out.db, out.q = make([]tf.Output, L), make([]tf.Output, L+1), make([]tf.Output, L+1)
	gW := make([]tf.Output, L)
	gb := make([]tf.Output, L+1)
	center := optim.Centering{Rate: c.Centering}
	for i := 0; i < L; i++ {
		ws := g.SubScope("W")
		if c.Centering > 0 {
			gW[i] = center.WeightGradient(ws, n.units[i].Stat(ws, mu[i]), n.units[i+1].Stat(ws, mu[i+1]),
				n.units[i].Stat(ws.SubScope("n"), parts[i]), n.units[i+1].Stat(ws.SubScope("n"), parts[i+1]), st.offsets[i], st.offsets[i+1], nData, nPart)
		} else {
			pos := op.Div(ws.SubScope("pos"), tfops.SplitGram(ws, n.units[i].Stat(ws, mu[i]), n.units[i+1].Stat(ws, mu[i+1]), n.devices), nData)
			neg := op.Div(ws.SubScope("neg"), tfops.SplitGram(ws.SubScope("n"), n.units[i].Stat(ws, parts[i]), n.units[i+1].Stat(ws, parts[i+1]), n.devices), nPart)
			gW[i] = op.Sub(ws, pos, neg)
		}
		if !m.foldsDecay() {
			gW[i] = optim.L2{Coef: *c.L2}.Apply(ws, gW[i], st.p.W[i])
		}
	}
	for l := 0; l <= L; l++ {
		bs := g.SubScope("b")
		gb[l] = op.Sub(bs, tfops.ColumnMean(bs, n.units[l].BiasStat(bs, mu[l], st.p.b[l])), tfops.ColumnMean(bs.SubScope("n"), n.units[l].BiasStat(bs, parts[l], st.p.b[l])))
	}
	if c.Centering > 0 {
		gb = center.BiasDirections(g, gW, gb, st.offsets)
		out.offsets = append([]tf.Output{st.offsets[0]}, make([]tf.Output, L)...)
		for l := 1; l <= L; l++ {
			out.offsets[l] = center.Offset(g.SubScope("centering"), st.offsets[l], mu[l])
		}
	}
	if c.SparsityRule == optim.Original {
		out.q, out.qmu = m.originalSparsity(g, st, mu, parts, gW, gb)
	}
	// Sparsity per hidden layer (Hinton 2010, §11), on the mean-field activities.
	for l := 1; l <= L && c.SparsityRule != optim.Original; l++ {
		sp := g.SubScope("sparsity")
		act := mu[l]
		if draws := drawsOf(n.units[l]); draws > 1 {
			act = op.Div(sp, act, tfops.Scalar(sp, float64(draws), dt))
		}
		sparsity := optim.Sparsity{Target: c.SparsityTarget[l-1], Cost: c.SparsityCost[l-1], Damping: c.SparsityDamping}
		out.q[l] = sparsity.Estimate(sp, st.q[l], act)
		if sparsity.Cost > 0 {
			gW[l-1], gb[l] = sparsity.Apply(sp, gW[l-1], gb[l], out.q[l], tfops.ColumnMean(sp.SubScope("below"), n.units[l-1].Stat(sp, mu[l-1])))
		}
	}
	u := s.SubScope("apply")
	out.p = params{W: make([]tf.Output, L), b: make([]tf.Output, L+1)}
	// step returns the new parameter and velocity: θ + Δ′ with Δ′ from the momentum rule; decay
	// is the weight decay still to apply to grad (only the kernel is given any: foldsDecay).
	step := func(name string, theta, old, grad tf.Output, _ float64) (tf.Output, tf.Output) {
		vel := optim.Momentum{Rule: c.MomentumRule}.Velocity(u.SubScope("d"+name), old, grad, m.lr, m.mom)
		return op.AddV2(u.SubScope(name), theta, vel), vel
	}
	decay := 0.0
	if m.kernelMomentum() {
		// Our kernel: L2 (when folded), velocity and step in one pass, bit-identical to the ops.
		negLR := op.Neg(u.SubScope("neg_lr"), m.lr)
		if m.foldsDecay() {
			decay = *c.L2
		}
		step = func(name string, theta, old, grad tf.Output, decay float64) (tf.Output, tf.Output) {
			return tfops.MomentumStep(u.SubScope(name), theta, old, grad, negLR, m.mom, decay)
		}
	}
	for i := 0; i < L; i++ {
		var w tf.Output
		w, out.dW[i] = step("W", st.p.W[i], st.dW[i], gW[i], decay)
		out.p.W[i] = optim.MaxNorm{C: c.MaxNorm}.Apply(u, w)
	}
	for l := 0; l <= L; l++ {
		out.p.b[l], out.db[l] = step("b", st.p.b[l], st.db[l], gb[l], 0) // biases have no weight decay
	}
	out.step = op.AddV2(u.SubScope("step"), st.step, op.Const(u.SubScope("one"), int64(1)))
	return out, nmf
}

// kernelsOff makes the update use TensorFlow's ops instead of boltzmann-go's momentum kernel
// (tests compare both).
var kernelsOff bool

// kernelMomentum reports whether the update's classical momentum runs boltzmann-go's
// BoltzmannMomentumStep kernel (tfops.MomentumStep): one pass per parameter instead of five ops;
// in a local session on the CPU only (the kernel has no GPU version, and a cluster's tasks may
// not have loaded it).
func (m *DBM) kernelMomentum() bool {
	c := m.cfg
	return c.MomentumRule != optim.Original && !kernelsOff && c.GPU == "" && c.Target == "" && len(c.Devices) == 0 && tfops.HasKernels()
}

// foldsDecay reports whether the weight decay is left to the momentum kernel: only when it is
// the last change to the weights' directions (no centering, no sparsity penalty after it), so
// that the kernel's g − L2·W is the L2 op's, rounding for rounding.
func (m *DBM) foldsDecay() bool {
	if !m.kernelMomentum() || m.cfg.Centering > 0 || m.cfg.SparsityRule == optim.Original {
		return false
	}
	for _, cost := range m.cfg.SparsityCost {
		if cost > 0 {
			return false
		}
	}
	return true
}

// advance adds k Gibbs sweeps of the persistent particles, sampled as configured.
func (m *DBM) advance(s *op.Scope, p params, parts []tf.Output, k int, seed seeder) []tf.Output {
	c := m.cfg
	for i := 0; i < k; i++ {
		parts, _ = m.net.sweep(s, p, parts, !c.VisibleMeans, !c.HiddenMeans, true, seed, i)
	}
	return parts
}

// originalSparsity applies the original's sparsity as coded (optim.OriginalSparsity) to the
// directions gW and gb in place, hidden layer l reading unit l−1 of the particles' and of μ's
// summed activities, and returns the two new estimates per layer.
func (m *DBM) originalSparsity(s *op.Scope, st trainState, mu, parts, gW, gb []tf.Output) (q, qmu []tf.Output) {
	c, L := m.cfg, m.net.top()
	q, qmu = make([]tf.Output, L+1), make([]tf.Output, L+1)
	for l := 1; l <= L; l++ {
		sp := s.SubScope("original_sparsity")
		r := optim.OriginalSparsity{Target: c.SparsityTarget[l-1], Cost: c.SparsityCost[l-1], Damping: c.SparsityDamping}
		unit := func(s *op.Scope, x tf.Output) tf.Output { // Σ_rows x[:, l−1]
			return op.Gather(s, optim.ColumnSum(s, x), op.Const(s.SubScope("unit"), int32(l-1)))
		}
		q[l] = r.Estimate(sp.SubScope("q"), st.q[l], unit(sp.SubScope("particles"), parts[l]))
		qmu[l] = r.Estimate(sp.SubScope("qmu"), st.qmu[l], unit(sp.SubScope("mu"), mu[l]))
		gW[l-1], gb[l] = r.Apply(sp, gW[l-1], gb[l], r.Penalty(sp, q[l], qmu[l]))
	}
	return q, qmu
}

// drawsOf returns M for multinomial units and 1 otherwise.
func drawsOf(u rbm.Unit) int {
	return max(1, u.Spec().Draws)
}

func rowsF(s *op.Scope, x tf.Output, dt tf.DataType) tf.Output {
	return op.Cast(s, rowsOf(s, x), dt)
}

// trainOp adds updates minibatch updates with k Gibbs sweeps reading minibatch rows from m.idx;
// it writes the state back and returns the op and the mean number of mean-field sweeps.
func (m *DBM) trainOp(k, updates int) (*tf.Operation, tf.Output) {
	s := m.scope.SubScope("train")
	v := m.vars
	st := trainState{p: m.readParams(s), step: v.step.Read(s)}
	for i := range v.W {
		st.dW = append(st.dW, v.dW[i].Read(s))
	}
	st.q = make([]tf.Output, len(v.b))
	for l := range v.b {
		st.db = append(st.db, v.db[l].Read(s))
		st.particles = append(st.particles, v.particles[l].Read(s))
		if l > 0 {
			st.q[l] = v.q[l].Read(s)
		}
	}
	for _, o := range v.offsets {
		st.offsets = append(st.offsets, o.Read(s))
	}
	st.qmu, st.mu = readLayers(s, v.qmu), readLayers(s, v.mu)
	data := m.rows
	var nmfSum tf.Output
	for i := 0; i < updates; i++ {
		us := s.SubScope("update")
		idx := op.Gather(us.SubScope("idx"), m.idx, op.Const(us.SubScope("i"), int32(i)))
		x := op.GatherV2(us.SubScope("batch"), data, idx, op.Const(us.SubScope("axis"), int32(0)))
		var nmf tf.Output
		var mu []tf.Output
		if m.chunked(updates) {
			mu = append([]tf.Output{x}, readLayers(us.SubScope("mf_state"), v.mf)[1:]...)
		}
		st, nmf = m.update(us, st, x, k, mu)
		switch {
		case nmf.Op == nil:
		case nmfSum.Op == nil:
			nmfSum = nmf
		default:
			nmfSum = op.AddV2(us.SubScope("nmf"), nmfSum, nmf)
		}
	}
	w := s.SubScope("write")
	var assigns []*tf.Operation
	for i := range v.W {
		assigns = append(assigns, v.W[i].Assign(w, st.p.W[i]), v.dW[i].Assign(w, st.dW[i]))
	}
	for l := range v.b {
		assigns = append(assigns, v.b[l].Assign(w, st.p.b[l]), v.db[l].Assign(w, st.db[l]), v.particles[l].Assign(w, st.particles[l]))
		if l > 0 {
			assigns = append(assigns, v.q[l].Assign(w, st.q[l]))
		}
	}
	assigns = append(assigns, v.step.Assign(w, st.step))
	for l, o := range v.offsets {
		assigns = append(assigns, o.Assign(w, st.offsets[l]))
	}
	assigns = append(assigns, assignLayers(w, v.qmu, st.qmu)...)
	assigns = append(assigns, assignLayers(w, v.mu, st.mu)...)
	if m.chunked(updates) {
		assigns = append(assigns, m.storeRows(w, readLayers(w.SubScope("mf_final"), v.mf))...)
	}
	done := op.NoOp(s.WithControlDependencies(assigns...).SubScope("done"))
	if nmfSum.Op == nil { // the mean field ran in chunks: Fit counts its sweeps
		return done, tf.Output{}
	}
	mean := op.Div(s.SubScope("nmf_mean"), nmfSum, tfops.Scalar(s, float64(updates), m.cfg.DType))
	return done, mean
}

// readLayers adds reads of the per-layer variables vs ([0] unused), or returns nil for none.
func readLayers(s *op.Scope, vs []*tfops.Variable) []tf.Output {
	if vs == nil {
		return nil
	}
	out := make([]tf.Output, len(vs))
	for l, v := range vs {
		if v != nil {
			out[l] = v.Read(s)
		}
	}
	return out
}

// assignLayers adds the assignments of vals to the per-layer variables vs ([0] unused).
func assignLayers(s *op.Scope, vs []*tfops.Variable, vals []tf.Output) []*tf.Operation {
	var out []*tf.Operation
	for l, v := range vs {
		if v != nil {
			out = append(out, v.Assign(s, vals[l]))
		}
	}
	return out
}
