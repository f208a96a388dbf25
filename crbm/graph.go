package crbm

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// params are the model's parameters as graph values: W [nv, nh], U [classes, nh] (row y is
// the weights of label y), the visible bias b [nv], the hidden bias c [nh] and the label bias
// d [classes]. The same type holds gradients.
type params struct{ W, U, b, c, d tf.Output }

func (p params) list() []tf.Output { return []tf.Output{p.W, p.U, p.b, p.c, p.d} }

// Roles of the random ops (see tfops.Key): the hidden sample of the positive phase, and the
// visible, label and hidden samples of Gibbs step i of the negative phase (role + i).
const (
	roleH0 uint64 = 1
	roleV  uint64 = 1000
	roleY  uint64 = 2000
	roleH  uint64 = 3000
	// roleY0 is the label drawn from p(y | x) that starts an unlabeled row's chain.
	roleY0 uint64 = 4000
	// unlabeledRoles is added to the roles of the unlabeled rows' chains.
	unlabeledRoles uint64 = 10000
)

// preacts adds the hidden pre-activations for every label: [rows, classes, nh] with element
// (r, y, j) = c_j + U_yj + Σ_i x_ri W_ij.
func preacts(s *op.Scope, p params, x tf.Output) tf.Output {
	s = s.SubScope("preacts")
	xw := op.AddV2(s.SubScope("xw_c"), tfops.MatMulT(s, x, p.W, false, false), p.c)
	return op.AddV2(s.SubScope("plus_u"), op.ExpandDims(s, xw, op.Const(s.SubScope("axis"), int32(1))), p.U)
}

// logits adds the unnormalized log p(y | x) for every label, [rows, classes]: with the hidden
// units summed out analytically, log p(y | x) = d_y + Σ_j softplus(c_j + U_yj + W_·j·x) − log Z(x),
// where Z(x) sums the exponential over the labels (Larochelle & Bengio 2008, eq. 2). It also
// returns the pre-activations.
func logits(s *op.Scope, p params, x tf.Output) (lg, pre tf.Output) {
	s = s.SubScope("logits")
	pre = preacts(s, p, x)
	sp := op.Sum(s.SubScope("sum_softplus"), tfops.Softplus(s, pre), op.Const(s.SubScope("axis"), []int32{2}))
	return op.AddV2(s.SubScope("plus_d"), sp, p.d), pre
}

// nll adds the mean negative conditional log-likelihood −log p(y | x) of the rows given their
// logits and one-hot labels t.
func nll(s *op.Scope, lg, t tf.Output) tf.Output {
	s = s.SubScope("nll")
	picked := op.Sum(s.SubScope("picked"), op.Mul(s, lg, t), op.Const(s.SubScope("axis"), []int32{1}))
	return tfops.Mean(s, op.Sub(s, tfops.LogSumExp(s, lg, 1), picked))
}

// rowCount adds the number of rows of x as a scalar of dtype dt.
func rowCount(s *op.Scope, x tf.Output, dt tf.DataType) tf.Output {
	s = s.SubScope("rows")
	shape := op.Shape(s, x, op.ShapeOutType(tf.Int32))
	n := op.Gather(s, shape, op.Const(s.SubScope("i"), int32(0)))
	return op.Cast(s, n, dt)
}

// discriminative adds the exact gradient of the mean of log p(y | x) over the rows of x with
// one-hot labels t (an ascent direction) and the mean negative log-likelihood. With
// e = t − p(· | x) and σ(r, y, j) the sigmoid of the pre-activations:
//
//	∂/∂d_y = e_y,  ∂/∂U_yj = e_y σ(y, j),  ∂/∂c_j = Σ_y e_y σ(y, j),  ∂/∂W_ij = x_i Σ_y e_y σ(y, j)
//
// and b does not enter p(y | x) (Larochelle & Bengio 2008, eq. 4), each averaged over rows.
func discriminative(s *op.Scope, p params, x, t tf.Output) (params, tf.Output) {
	s = s.SubScope("discriminative")
	dt := x.DataType()
	lg, pre := logits(s, p, x)
	loss := nll(s, lg, t)
	e := op.Sub(s.SubScope("e"), t, op.Softmax(s, lg))
	sig := op.Sigmoid(s, pre)
	es := op.Mul(s.SubScope("e_sig"), op.ExpandDims(s, e, op.Const(s.SubScope("axis2"), int32(2))), sig) // [rows, classes, nh]
	n := rowCount(s, x, dt)
	ax0 := op.Const(s.SubScope("axis0"), []int32{0})
	gh := op.Sum(s.SubScope("gh"), es, op.Const(s.SubScope("axis1"), []int32{1})) // [rows, nh]
	g := params{
		W: op.Div(s.SubScope("gW"), tfops.MatMulT(s, x, gh, true, false), n),
		U: op.Div(s.SubScope("gU"), op.Sum(s.SubScope("sumU"), es, ax0), n),
		b: op.ZerosLike(s.SubScope("gb"), p.b),
		c: op.Div(s.SubScope("gc"), op.Sum(s.SubScope("sumc"), gh, ax0), n),
		d: op.Div(s.SubScope("gd"), op.Sum(s.SubScope("sumd"), e, ax0), n),
	}
	return g, loss
}

// generative adds the CD-k estimate of the gradient of the mean of log p(x, y) (an ascent
// direction): positive statistics from p(h | x, y), negative ones from the visible and label
// states at the end of k steps of block Gibbs sampling started at the data, with the hidden
// probabilities there. Sampling draws with seeds (key of role, step).
func generative(s *op.Scope, p params, x, t tf.Output, k int, seed func(s *op.Scope, role uint64) tf.Output) params {
	s = s.SubScope("generative")
	h0 := hiddenMean(s.SubScope("positive"), p, x, t)
	pos := positive{h: h0, y: t, uh: tfops.MatMulT(s.SubScope("pos_uh"), t, h0, true, false)}
	return contrastive(s, p, x, pos, h0, k, seed)
}

// unlabeled adds the CD-k estimate of the gradient of the mean of log p(x) = log Σ_y p(x, y)
// over unlabeled rows x (the unsupervised term of semi-supervised training, Larochelle &
// Bengio 2008, §4): positive statistics E_{y,h | x}[·], exact (p(y | x) is exact and
// E[h | x, y] = σ(c + U_y + W·x)), negative ones from k steps of block Gibbs sampling started
// at x with a label drawn from p(y | x). It draws with seed(role + unlabeledRoles).
func unlabeled(s *op.Scope, p params, x tf.Output, k int, seed func(s *op.Scope, role uint64) tf.Output) params {
	s = s.SubScope("unlabeled")
	dt := x.DataType()
	seedU := func(s *op.Scope, role uint64) tf.Output { return seed(s, role+unlabeledRoles) }
	lg, pre := logits(s, p, x)
	py := op.Softmax(s.SubScope("p_y"), lg)                                                                              // [rows, classes]
	ps := op.Mul(s.SubScope("p_sig"), op.ExpandDims(s, py, op.Const(s.SubScope("axis2"), int32(2))), op.Sigmoid(s, pre)) // [rows, classes, nh]
	pos := positive{
		h:  op.Sum(s.SubScope("pos_h"), ps, op.Const(s.SubScope("axis1"), []int32{1})),
		y:  py,
		uh: op.Sum(s.SubScope("pos_uh"), ps, op.Const(s.SubScope("axis0"), []int32{0})),
	}
	yi := tfops.CategoricalSample(s.SubScope("y0"), lg, seedU(s.SubScope("seed_y0"), roleY0))
	y0 := onehotOf(s.SubScope("y0_onehot"), op.Cast(s.SubScope("y0_int"), yi, tf.Int32), p.d, dt)
	return contrastive(s, p, x, pos, hiddenMean(s.SubScope("start"), p, x, y0), k, seedU)
}

// positive are the positive statistics of a contrastive update: the hidden means h [rows, nh],
// the label means y [rows, classes] and the label-hidden statistic uh = Σ_rows E[y hᵀ]
// [classes, nh].
type positive struct{ h, y, uh tf.Output }

// hiddenMean adds E[h | v, y] = σ(c + v·W + y·U) for rows v and one-hot (or soft) labels y.
func hiddenMean(s *op.Scope, p params, v, y tf.Output) tf.Output {
	a := op.AddV2(s.SubScope("xw_c"), tfops.MatMulT(s, v, p.W, false, false), p.c)
	return op.Sigmoid(s, op.AddV2(s.SubScope("plus_yu"), a, tfops.MatMulT(s.SubScope("yu"), y, p.U, false, false)))
}

// onehotOf adds one-hot rows of dtype dt for int32 labels y, as many columns as d has values.
func onehotOf(s *op.Scope, y, d tf.Output, dt tf.DataType) tf.Output {
	classes := op.Shape(s.SubScope("classes"), d, op.ShapeOutType(tf.Int32))
	return op.OneHot(s, y, op.Gather(s.SubScope("depth"), classes, op.Const(s.SubScope("zero"), int32(0))),
		tfops.Scalar(s.SubScope("on"), 1, dt), tfops.Scalar(s.SubScope("off"), 0, dt))
}

// contrastive adds positive minus negative statistics over the rows of x, the negative ones
// from k steps of block Gibbs sampling (h → (x, y) → h) started with the hidden means hStart,
// ending with the visible and label states and the hidden means there.
func contrastive(s *op.Scope, p params, x tf.Output, pos positive, hStart tf.Output, k int, seed func(s *op.Scope, role uint64) tf.Output) params {
	dt := x.DataType()
	hMean := hStart
	var v, y tf.Output
	for i := 0; i < k; i++ {
		gs := s.SubScope(fmt.Sprintf("gibbs%d", i))
		h := tfops.BernoulliSample(gs.SubScope("h"), hMean, seed(gs.SubScope("seed_h"), roleH+uint64(i)))
		vMean := op.Sigmoid(gs.SubScope("v"), op.AddV2(gs.SubScope("v"), tfops.MatMulT(gs.SubScope("hw"), h, p.W, false, true), p.b))
		v = tfops.BernoulliSample(gs.SubScope("v_sample"), vMean, seed(gs.SubScope("seed_v"), roleV+uint64(i)))
		yl := op.AddV2(gs.SubScope("y"), tfops.MatMulT(gs.SubScope("hu"), h, p.U, false, true), p.d)
		yi := tfops.CategoricalSample(gs.SubScope("y_sample"), yl, seed(gs.SubScope("seed_y"), roleY+uint64(i)))
		y = onehotOf(gs.SubScope("onehot"), op.Cast(gs.SubScope("y_int"), yi, tf.Int32), p.d, dt)
		hMean = hiddenMean(gs.SubScope("h_mean"), p, v, y)
	}
	n := rowCount(s, x, dt)
	ax0 := op.Const(s.SubScope("axis0"), []int32{0})
	mean := func(name string, a, b tf.Output) tf.Output {
		ms := s.SubScope(name)
		return op.Div(ms, op.Sum(ms, op.Sub(ms, a, b), ax0), n)
	}
	ws := s.SubScope("gW")
	us := s.SubScope("gU")
	return params{
		W: op.Div(ws, op.Sub(ws, tfops.MatMulT(ws.SubScope("pos"), x, pos.h, true, false), tfops.MatMulT(ws.SubScope("neg"), v, hMean, true, false)), n),
		U: op.Div(us, op.Sub(us, pos.uh, tfops.MatMulT(us.SubScope("neg"), y, hMean, true, false)), n),
		b: mean("gb", x, v),
		c: mean("gc", pos.h, hMean),
		d: mean("gd", pos.y, y),
	}
}

// direction adds the update direction of the mode: the discriminative gradient, the
// generative one, or their hybrid sum gd + alpha·gg; then the L2 decay of W and U. It returns
// the direction and the minibatch's mean −log p(y | x).
func direction(s *op.Scope, c Config, p params, x, t tf.Output, seed func(s *op.Scope, role uint64) tf.Output) (params, tf.Output) {
	var g params
	var loss tf.Output
	switch c.Mode {
	case Discriminative:
		g, loss = discriminative(s, p, x, t)
	case Generative:
		g = generative(s, p, x, t, c.CDSteps, seed)
		lg, _ := logits(s.SubScope("monitor"), p, x)
		loss = nll(s.SubScope("monitor"), lg, t)
	default: // Hybrid
		gd, l := discriminative(s, p, x, t)
		gg := generative(s, p, x, t, c.CDSteps, seed)
		hs := s.SubScope("hybrid")
		a := tfops.Scalar(hs.SubScope("alpha"), c.Alpha, x.DataType())
		add := func(name string, u, v tf.Output) tf.Output {
			return op.AddV2(hs.SubScope(name), u, op.Mul(hs.SubScope(name+"_alpha"), a, v))
		}
		g = params{W: add("W", gd.W, gg.W), U: add("U", gd.U, gg.U), b: add("b", gd.b, gg.b), c: add("c", gd.c, gg.c), d: add("d", gd.d, gg.d)}
		loss = l
	}
	l2 := optim.L2{Coef: c.L2}
	g.W = l2.Apply(s.SubScope("l2_W"), g.W, p.W)
	g.U = l2.Apply(s.SubScope("l2_U"), g.U, p.U)
	return g, loss
}
