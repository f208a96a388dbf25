package mlp

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Batch normalization (Ioffe & Szegedy 2015) as Keras' BatchNormalization layer placed after a
// Dense layer, before its activation: in training, a = γ·(a − mean_B)/√(var_B + ε) + β with the
// minibatch's mean and (biased) variance per unit, and running estimates updated as
// moving ← momentum·moving + (1 − momentum)·batch; in inference, the running estimates stand
// for the batch's. γ and β train with Adam at the learning rate (multiplier 1, as the original's
// MultiAdam gives layers it has no multiplier for).
const (
	bnEpsilon  = 1e-3 // Keras' default epsilon
	bnMomentum = 0.99 // Keras' default momentum
)

// bnVars are one batch-normalized layer's variables.
type bnVars struct {
	gamma, beta, mean, variance *tfops.Variable
}

// bnRead are reads of a layer's batch-normalization variables; a zero bnRead means none.
type bnRead struct {
	gamma, beta, mean, variance tf.Output
}

// bnStat is the minibatch mean and variance a training forward pass normalized with.
type bnStat struct {
	mean, variance tf.Output
}

// bnName is the Keras name of the k-th batch-normalization layer (0-based k).
func bnName(k int) string { return fmt.Sprintf("batch_normalization_%d", k+1) }

// newBN adds the batch-normalization variables of the layers that have it; the others get nil.
func newBN(s *op.Scope, c Config) []*bnVars {
	out := make([]*bnVars, len(c.Layers))
	k := 0
	for i, l := range c.Layers {
		if !l.BatchNorm {
			continue
		}
		shape := []int64{int64(l.Units)}
		n := bnName(k)
		out[i] = &bnVars{
			gamma:    tfops.NewVariable(s, n+"/gamma", c.DType, shape),
			beta:     tfops.NewVariable(s, n+"/beta", c.DType, shape),
			mean:     tfops.NewVariable(s, n+"/moving_mean", c.DType, shape),
			variance: tfops.NewVariable(s, n+"/moving_variance", c.DType, shape),
		}
		k++
	}
	return out
}

// all returns the variables in checkpoint order (γ, β, moving mean, moving variance).
func (b *bnVars) all() []*tfops.Variable {
	return []*tfops.Variable{b.gamma, b.beta, b.mean, b.variance}
}

func readBN(s *op.Scope, bn []*bnVars) []bnRead {
	out := make([]bnRead, len(bn))
	for i, b := range bn {
		if b != nil {
			out[i] = bnRead{b.gamma.Read(s), b.beta.Read(s), b.mean.Read(s), b.variance.Read(s)}
		}
	}
	return out
}

// normalize adds the batch normalization of the pre-activation a: with the minibatch's statistics
// (returned) when training, with the running ones otherwise.
func normalize(s *op.Scope, a tf.Output, b bnRead, training bool) (tf.Output, bnStat) {
	s = s.SubScope("batch_normalization")
	ax := op.Const(s.SubScope("axis0"), []int32{0})
	mean, variance := b.mean, b.variance
	var st bnStat
	if training {
		mean = op.Mean(s.SubScope("batch_mean"), a, ax)
		d := op.Sub(s.SubScope("centered"), a, mean)
		variance = op.Mean(s.SubScope("batch_variance"), op.Square(s, d), ax)
		st = bnStat{mean, variance}
	}
	inv := op.Rsqrt(s, op.AddV2(s.SubScope("eps"), variance, tfops.ScalarLike(s.SubScope("epsilon"), bnEpsilon, a)))
	norm := op.Mul(s.SubScope("scaled"), op.Sub(s.SubScope("shift"), a, mean), inv)
	return op.AddV2(s.SubScope("beta"), op.Mul(s.SubScope("gamma"), norm, b.gamma), b.beta), st
}

// movingUpdates adds the assignments of the running estimates from a training pass's statistics.
func movingUpdates(s *op.Scope, bn []*bnVars, reads []bnRead, stats []bnStat) []*tf.Operation {
	var out []*tf.Operation
	for i, b := range bn {
		if b == nil {
			continue
		}
		ls := s.SubScope("moving_" + bnName(i))
		avg := func(name string, old, batch tf.Output) tf.Output {
			ns := ls.SubScope(name)
			return op.AddV2(ns, op.Mul(ns.SubScope("old"), old, tfops.ScalarLike(ns.SubScope("m"), bnMomentum, old)),
				op.Mul(ns.SubScope("new"), batch, tfops.ScalarLike(ns.SubScope("1m"), 1-bnMomentum, old)))
		}
		out = append(out, b.mean.Assign(ls, avg("mean", reads[i].mean, stats[i].mean)),
			b.variance.Assign(ls, avg("variance", reads[i].variance, stats[i].variance)))
	}
	return out
}

// bnValues returns, per layer, the values of its batch-normalization variables (γ, β, moving
// mean, moving variance), or nil for a layer without.
func (m *MLP) bnValues() ([][][]float64, error) {
	out := make([][][]float64, len(m.bn))
	for i, r := range m.bnReads {
		if r.gamma.Op == nil {
			continue
		}
		res, err := m.sess.Run(nil, []tf.Output{r.gamma, r.beta, r.mean, r.variance}, nil)
		if err != nil {
			return nil, nest.Within("mlp: batch normalization", err)
		}
		for _, t := range res {
			v, err := tfops.Values[float64](t)
			if err != nil {
				return nil, nest.Within("mlp: batch normalization", err)
			}
			out[i] = append(out[i], v)
		}
	}
	return out, nil
}

// setBN sets the batch-normalization variables of every layer that has them (vals as bnValues).
func (m *MLP) setBN(vals [][][]float64) error {
	var vars []*tfops.Variable
	var vs [][]float64
	for i, b := range m.bn {
		if b == nil {
			continue
		}
		if len(vals[i]) != 4 {
			return fmt.Errorf("mlp: batch normalization of layer %d: %d tensors, want 4: %w", i+1, len(vals[i]), tfops.ErrShape)
		}
		vars = append(vars, b.all()...)
		vs = append(vs, vals[i]...)
	}
	if len(vars) == 0 {
		return nil
	}
	return m.setParams(vars, vs, false)
}
