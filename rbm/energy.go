package rbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// params are the graph values of an RBM's parameters at one point of a computation: variable
// reads, or values carried through unrolled updates.
type params struct {
	W, vb, hb tf.Output
}

// layers knows the unit types and the DBM doubling factors, and builds the conditionals and
// energies of one RBM from params.
type layers struct {
	v, h       Unit
	up, down   float64 // input multipliers: 2 for DBMFirst (up) / DBMLast (down), else 1
	biasDouble bool    // the multipliers scale the biases too (Config.BiasDoubling)
	dtype      tf.DataType
	nv, nh     int
	probHidden bool     // the hidden unit implements Prober
	devices    []string // devices sharing the rows of the products (Config.Devices)
}

func newLayers(c Config) layers {
	l := layers{v: c.Visible, h: c.Hidden, up: 1, down: 1, dtype: c.DType, nv: c.NumVisible, nh: c.NumHidden, devices: c.Devices, biasDouble: c.BiasDoubling}
	if c.DBMFirst {
		l.up = 2
	}
	if c.DBMLast {
		l.down = 2
	}
	_, l.probHidden = c.Hidden.(Prober)
	return l
}

func (l layers) scale(s *op.Scope, x tf.Output, f float64) tf.Output {
	if f == 1 {
		return x
	}
	return op.Mul(s.SubScope("double"), x, tfops.Scalar(s, f, l.dtype))
}

// upInput adds the hidden units' input from visible states v: Stat_v(v)·W (×2 for DBMFirst).
func (l layers) upInput(s *op.Scope, p params, v tf.Output) tf.Output {
	s = s.SubScope("up")
	return l.scale(s, tfops.SplitMatMul(s, l.v.Stat(s, v), p.W, false, l.devices), l.up)
}

// downInput adds the visible units' input from hidden states h: Stat_h(h)·Wᵀ (×2 for DBMLast).
func (l layers) downInput(s *op.Scope, p params, h tf.Output) tf.Output {
	s = s.SubScope("down")
	return l.scale(s, tfops.SplitMatMul(s, l.h.Stat(s, h), p.W, true, l.devices), l.down)
}

// hiddenBias adds the hidden units' bias in their conditional: hb, or 2·hb for DBMFirst with
// bias doubling (the original's σ(2·(vW + hb))).
func (l layers) hiddenBias(s *op.Scope, p params) tf.Output {
	if !l.biasDouble {
		return p.hb
	}
	return l.scale(s.SubScope("hb"), p.hb, l.up)
}

// visibleBias adds the visible units' bias in their conditional: vb, or 2·vb for DBMLast with
// bias doubling.
func (l layers) visibleBias(s *op.Scope, p params) tf.Output {
	if !l.biasDouble {
		return p.vb
	}
	return l.scale(s.SubScope("vb"), p.vb, l.down)
}

// hiddenMean adds E[h | v].
func (l layers) hiddenMean(s *op.Scope, p params, v tf.Output) tf.Output {
	return l.h.Mean(s, l.upInput(s, p, v), l.hiddenBias(s, p))
}

// hiddenFeatures adds p(h | v): the mean, or the probabilities for a Prober hidden unit.
func (l layers) hiddenFeatures(s *op.Scope, p params, v tf.Output) tf.Output {
	in := l.upInput(s, p, v)
	if pr, ok := l.h.(Prober); ok {
		return pr.Probabilities(s, in, l.hiddenBias(s, p))
	}
	return l.h.Mean(s, in, l.hiddenBias(s, p))
}

// visibleMean adds E[v | h].
func (l layers) visibleMean(s *op.Scope, p params, h tf.Output) tf.Output {
	return l.v.Mean(s, l.downInput(s, p, h), l.visibleBias(s, p))
}

// sampleHidden adds E[h | v] and a sample of h given v.
func (l layers) sampleHidden(s *op.Scope, p params, v, seed tf.Output) (mean, sample tf.Output) {
	in, hb := l.upInput(s, p, v), l.hiddenBias(s, p)
	mean = l.h.Mean(s, in, hb)
	return mean, l.h.Sample(s, in, hb, mean, seed)
}

// sampleVisible adds E[v | h] and a sample of v given h.
func (l layers) sampleVisible(s *op.Scope, p params, h, seed tf.Output) (mean, sample tf.Output) {
	in, vb := l.downInput(s, p, h), l.visibleBias(s, p)
	mean = l.v.Mean(s, in, vb)
	return mean, l.v.Sample(s, in, vb, mean, seed)
}

// freeEnergy adds F(v) = SelfEnergy_v(v) − LogPartition_h(Stat_v(v)·W), per row: the energy
// with the hidden units summed out, so that p(v) = exp(−F(v))/Z. The DBM doubling factors are
// not part of the model's energy and are left out, as in the original.
func (l layers) freeEnergy(s *op.Scope, p params, v tf.Output) tf.Output {
	s = s.SubScope("free_energy")
	in := tfops.MatMulT(s, l.v.Stat(s, v), p.W, false, false)
	return op.Sub(s, l.v.SelfEnergy(s, v, p.vb), l.h.LogPartition(s, in, p.hb))
}

// hiddenFreeEnergy adds F(h) = SelfEnergy_h(h) − LogPartition_v(Stat_h(h)·Wᵀ), per row: the
// energy with the visible units summed (or integrated) out.
func (l layers) hiddenFreeEnergy(s *op.Scope, p params, h tf.Output) tf.Output {
	s = s.SubScope("hidden_free_energy")
	in := tfops.MatMulT(s, l.h.Stat(s, h), p.W, false, true)
	return op.Sub(s, l.h.SelfEnergy(s, h, p.hb), l.v.LogPartition(s, in, p.vb))
}
