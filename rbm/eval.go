package rbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// evalOps are the ops of evaluation and inference, all reading the current variables.
type evalOps struct {
	x    tf.Output // [n, nv] input
	step tf.Output // int64 scalar: the seed counter of the random ops below

	features tf.Output // p(h | x), [n, nh]
	recon    tf.Output // E[v | h = E[h | x]], [n, nv]
	fe       tf.Output // F(x) per row, [n]
	feMean   tf.Output // mean of F(x) over rows, scalar
	msre     tf.Output // mean squared error of a sampled up-down pass, scalar
	pll      tf.Output // stochastic pseudo-log-likelihood per sample, scalar (binary visible only)
	hidMean  tf.Output // mean of p(h | x) over rows, [nh]
	l2loss   tf.Output // λ·½‖W‖², scalar

	h     tf.Output // [n, nh] hidden states input
	hfe   tf.Output // F(h) per row, [n] (visible units summed out)
	vGivH tf.Output // E[v | h], [n, nv]

	chainV     tf.Output // [n, nv] Gibbs chain start
	chainSteps int       // Gibbs steps unrolled in chainOut
	chainOut   tf.Output // visible sample after chainSteps steps
	chainMean  tf.Output // visible mean at the last step
}

// chainUnroll is the number of Gibbs steps Sample runs per Session.Run.
const chainUnroll = 10

// evalGraph builds the evaluation ops once.
func (m *RBM) evalGraph() *evalOps {
	m.evalOnce.Do(func() {
		c, l, dt := m.cfg, m.layers, m.cfg.DType
		s := m.scope.SubScope("eval")
		e := &m.ev
		p := params{W: m.vars.W.Read(s), vb: m.vars.vb.Read(s), hb: m.vars.hb.Read(s)}
		e.x = op.Placeholder(s.SubScope("x"), dt, op.PlaceholderShape(tf.MakeShape(-1, int64(c.NumVisible))))
		e.step = op.Placeholder(s.SubScope("step"), tf.Int64, op.PlaceholderShape(tf.ScalarShape()))
		x := e.x

		e.features = l.hiddenFeatures(s.SubScope("features"), p, x)
		e.hidMean = tfops.ColumnMean(s.SubScope("hidden_mean"), e.features)
		hm := l.hiddenMean(s.SubScope("recon_h"), p, x)
		e.recon = l.visibleMean(s.SubScope("recon"), p, hm)
		e.fe = l.freeEnergy(s, p, x)
		e.feMean = tfops.Mean(s.SubScope("fe_mean"), e.fe)

		ms := s.SubScope("msre")
		hMean, hSample := l.sampleHidden(ms, p, x, m.seed(ms, roleEvalH, e.step))
		if c.HiddenMeans {
			hSample = hMean
		}
		d := op.Sub(ms, x, l.visibleMean(ms, p, hSample))
		e.msre = tfops.Mean(ms, op.Square(ms, d))

		if c.Visible.Domain() == Binary {
			e.pll = m.pseudoLogLikelihood(s.SubScope("pll"), p, x, e.fe, e.step)
		}
		ls := s.SubScope("l2_loss")
		e.l2loss = op.Mul(ls, tfops.Scalar(ls, *c.L2, dt), op.L2Loss(ls, p.W))

		e.h = op.Placeholder(s.SubScope("h"), dt, op.PlaceholderShape(tf.MakeShape(-1, int64(c.NumHidden))))
		e.hfe = l.hiddenFreeEnergy(s, p, e.h)
		e.vGivH = l.visibleMean(s.SubScope("v_given_h"), p, e.h)

		cs := s.SubScope("chain")
		e.chainV = op.Placeholder(cs.SubScope("v0"), dt, op.PlaceholderShape(tf.MakeShape(-1, int64(c.NumVisible))))
		e.chainSteps = chainUnroll
		v := e.chainV
		for i := 0; i < chainUnroll; i++ {
			gs := cs.SubScope("gibbs")
			// Each unrolled step i of run r draws with counter r·chainUnroll + i.
			ctr := op.AddV2(gs, op.Mul(gs, e.step, op.Const(gs.SubScope("u"), int64(chainUnroll))), op.Const(gs.SubScope("i"), int64(i)))
			_, h := l.sampleHidden(gs, p, v, m.seed(gs, roleSampleH, ctr))
			e.chainMean, v = l.sampleVisible(gs, p, h, m.seed(gs.SubScope("v"), roleSampleV, ctr))
		}
		e.chainOut = v
	})
	return &m.ev
}

// pseudoLogLikelihood adds the stochastic pseudo-log-likelihood per sample: for each row, one
// unit τ chosen uniformly is flipped, x̃_τ = 1 − x_τ, and the row scores
// n·log σ(F(x̃) − F(x)) = n·log p(x_τ | x_¬τ). The mean over rows is returned. (The original
// takes the batch mean of F inside the log-sigmoid.)
func (m *RBM) pseudoLogLikelihood(s *op.Scope, p params, x, fe, step tf.Output) tf.Output {
	dt, nv := m.cfg.DType, m.cfg.NumVisible
	n := op.Slice(s.SubScope("n"), op.Shape(s, x, op.ShapeOutType(tf.Int64)), op.Const(s.SubScope("b"), []int64{0}), op.Const(s.SubScope("e"), []int64{1}))
	tau := op.StatelessRandomUniformInt(s, n, m.seed(s, roleEvalPLL, step), op.Const(s.SubScope("lo"), int64(0)), op.Const(s.SubScope("hi"), int64(nv)))
	flip := op.OneHot(s, tau, op.Const(s.SubScope("depth"), int32(nv)), tfops.Scalar(s.SubScope("on"), 1, dt), tfops.Scalar(s.SubScope("off"), 0, dt))
	// x̃ = x + flip·(1 − 2x)
	one := tfops.Scalar(s.SubScope("one"), 1, dt)
	two := tfops.Scalar(s.SubScope("two"), 2, dt)
	xt := op.AddV2(s.SubScope("xt"), x, op.Mul(s.SubScope("fl"), flip, op.Sub(s.SubScope("1m2x"), one, op.Mul(s.SubScope("2x"), two, x))))
	fet := m.layers.freeEnergy(s.SubScope("flipped"), p, xt)
	ls := tfops.LogSigmoid(s, op.Sub(s.SubScope("gap"), fet, fe))
	return op.Mul(s.SubScope("scaled"), tfops.Scalar(s.SubScope("nv"), float64(nv), dt), tfops.Mean(s, ls))
}
