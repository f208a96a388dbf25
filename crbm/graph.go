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
	dt := x.DataType()
	classes := op.Shape(s.SubScope("classes"), p.d, op.ShapeOutType(tf.Int32))
	hidden := func(s *op.Scope, v, y tf.Output) tf.Output {
		a := op.AddV2(s.SubScope("xw_c"), tfops.MatMulT(s, v, p.W, false, false), p.c)
		return op.Sigmoid(s, op.AddV2(s.SubScope("plus_yu"), a, tfops.MatMulT(s.SubScope("yu"), y, p.U, false, false)))
	}
	h0 := hidden(s.SubScope("positive"), x, t)
	hMean := h0
	var v, y tf.Output
	for i := 0; i < k; i++ {
		gs := s.SubScope(fmt.Sprintf("gibbs%d", i))
		h := tfops.BernoulliSample(gs.SubScope("h"), hMean, seed(gs.SubScope("seed_h"), roleH+uint64(i)))
		vMean := op.Sigmoid(gs.SubScope("v"), op.AddV2(gs.SubScope("v"), tfops.MatMulT(gs.SubScope("hw"), h, p.W, false, true), p.b))
		v = tfops.BernoulliSample(gs.SubScope("v_sample"), vMean, seed(gs.SubScope("seed_v"), roleV+uint64(i)))
		yl := op.AddV2(gs.SubScope("y"), tfops.MatMulT(gs.SubScope("hu"), h, p.U, false, true), p.d)
		yi := tfops.CategoricalSample(gs.SubScope("y_sample"), yl, seed(gs.SubScope("seed_y"), roleY+uint64(i)))
		y = op.OneHot(gs.SubScope("onehot"), op.Cast(gs.SubScope("y_int"), yi, tf.Int32), op.Gather(gs.SubScope("depth"), classes, op.Const(gs.SubScope("zero"), int32(0))),
			tfops.Scalar(gs.SubScope("on"), 1, dt), tfops.Scalar(gs.SubScope("off"), 0, dt))
		hMean = hidden(gs.SubScope("h_mean"), v, y)
	}
	n := rowCount(s, x, dt)
	ax0 := op.Const(s.SubScope("axis0"), []int32{0})
	outer := func(name string, a, b, a2, b2 tf.Output) tf.Output {
		os := s.SubScope(name)
		diff := op.Sub(os, tfops.MatMulT(os.SubScope("pos"), a, b, true, false), tfops.MatMulT(os.SubScope("neg"), a2, b2, true, false))
		return op.Div(os, diff, n)
	}
	mean := func(name string, a, b tf.Output) tf.Output {
		ms := s.SubScope(name)
		return op.Div(ms, op.Sum(ms, op.Sub(ms, a, b), ax0), n)
	}
	return params{
		W: outer("gW", x, h0, v, hMean),
		U: outer("gU", t, h0, y, hMean),
		b: mean("gb", x, v),
		c: mean("gc", h0, hMean),
		d: mean("gd", t, y),
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
