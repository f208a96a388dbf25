package optim

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// Names of the momentum rules.
const (
	// Classical is Polyak's heavy-ball momentum: Δ ← momentum·Δ + lr·g, then θ ← θ + Δ.
	Classical = "classical"
	// Original is the rule the original boltzmann-machines project codes:
	// Δ ← lr·(momentum·Δ + g), then θ ← θ + Δ. The old velocity decays by lr·momentum, so for
	// small learning rates momentum is almost inert (spec Appendix A 2).
	Original = "original"
)

// Momentum is the velocity update of an ascent step θ ← θ + Δ along a gradient g that the
// caller computed (e.g. the contrastive-divergence statistics of an RBM or a DBM). Rule is
// Classical (also the zero value "") or Original.
type Momentum struct {
	Rule string
}

// Validate reports an unknown rule.
func (m Momentum) Validate() error {
	switch m.Rule {
	case "", Classical, Original:
		return nil
	}
	return fmt.Errorf("optim: momentum rule %q, want %s or %s", m.Rule, Classical, Original)
}

// Velocity adds the new velocity Δ' given the old velocity, the gradient and the scalars lr and
// momentum (all of one dtype) to s.
func (m Momentum) Velocity(s *op.Scope, old, grad, lr, momentum tf.Output) tf.Output {
	if m.Rule == Original {
		return op.Mul(s.SubScope("lr"), lr, op.AddV2(s, op.Mul(s, momentum, old), grad))
	}
	return op.AddV2(s, op.Mul(s, momentum, old), op.Mul(s.SubScope("lr"), lr, grad))
}
