package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// Gaussian units are real-valued with a fixed standard deviation σ (one value for all units or
// one per unit): SelfEnergy = Σ (x − b)²/2σ², Stat = x/σ, so that
// p(x | input) = N(b + σ·input, σ²) and the other layer sees the input (x/σ)·W.
// This is the textbook Gaussian-Bernoulli energy (Hinton 2010, §13.2), consistent for any σ.
type Gaussian struct {
	// Sigma is σ: one value, or one per unit. Empty means 1.
	Sigma []float64
}

// Name returns "gaussian".
func (Gaussian) Name() string { return "gaussian" }

// Validate checks that Sigma has 1 or n values, all positive and finite.
func (g Gaussian) Validate(n int) error {
	if n <= 0 {
		return fmt.Errorf("rbm: gaussian layer of %d units", n)
	}
	if len(g.Sigma) != 0 && len(g.Sigma) != 1 && len(g.Sigma) != n {
		return fmt.Errorf("rbm: gaussian Sigma has %d values, want 1 or %d", len(g.Sigma), n)
	}
	for i, s := range g.Sigma {
		if !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("rbm: gaussian Sigma[%d] = %g, want > 0", i, s)
		}
	}
	return nil
}

// sigma adds σ as a scalar or an [n] vector of the dtype of x.
func (g Gaussian) sigma(s *op.Scope, x tf.Output) tf.Output {
	if len(g.Sigma) <= 1 {
		v := 1.0
		if len(g.Sigma) == 1 {
			v = g.Sigma[0]
		}
		return tfops.ScalarLike(s.SubScope("sigma"), v, x)
	}
	if s.Err() != nil || x.Op == nil {
		return x // the sticky scope error reports the problem
	}
	t, err := tfops.TensorAs(g.Sigma, x.DataType())
	if err != nil {
		s.UpdateErr("GaussianSigma", err)
		return x
	}
	return op.Const(s.SubScope("sigma"), t)
}

// Stat adds x/σ.
func (g Gaussian) Stat(s *op.Scope, x tf.Output) tf.Output {
	s = s.SubScope("gaussian_stat")
	return op.Div(s, x, g.sigma(s, x))
}

// Mean adds b + σ·input.
func (g Gaussian) Mean(s *op.Scope, input, b tf.Output) tf.Output {
	s = s.SubScope("gaussian_mean")
	return op.AddV2(s, b, op.Mul(s, g.sigma(s, input), input))
}

// Sample adds mean + σ·ε, ε ~ N(0, 1).
func (g Gaussian) Sample(s *op.Scope, input, b, mean, seed tf.Output) tf.Output {
	s = s.SubScope("gaussian_sample")
	return tfops.NormalSample(s, mean, g.sigma(s, mean), seed)
}

// LogPartition adds Σ_i [((b_i + σ_i·input_i)² − b_i²)/2σ_i² + log(σ_i·√(2π))], the log of
// ∫ exp(input·x/σ − (x − b)²/2σ²) dx.
func (g Gaussian) LogPartition(s *op.Scope, input, b tf.Output) tf.Output {
	s = s.SubScope("gaussian_log_partition")
	sig := g.sigma(s, input)
	mu := op.AddV2(s, b, op.Mul(s, sig, input))
	two := tfops.ScalarLike(s.SubScope("two"), 2, input)
	quad := op.Div(s, op.Sub(s, op.Square(s, mu), op.Square(s.SubScope("b2"), b)), op.Mul(s.SubScope("den"), two, op.Square(s.SubScope("s2"), sig)))
	logNorm := op.AddV2(s.SubScope("lognorm"), op.Log(s, sig), tfops.ScalarLike(s.SubScope("half_log_2pi"), 0.5*math.Log(2*math.Pi), input))
	return sumRows(s, op.AddV2(s.SubScope("total"), quad, op.Mul(s.SubScope("ones"), logNorm, op.OnesLike(s, input))))
}

// SelfEnergy adds Σ (x − b)²/2σ².
func (g Gaussian) SelfEnergy(s *op.Scope, x, b tf.Output) tf.Output {
	s = s.SubScope("gaussian_self_energy")
	sig := g.sigma(s, x)
	d := op.Div(s, op.Sub(s, x, b), sig)
	return op.Mul(s, sumRows(s, op.Square(s, d)), tfops.ScalarLike(s.SubScope("half"), 0.5, x))
}

// States returns an error: a Gaussian layer has no finite state space.
func (Gaussian) States(n int) ([]float64, error) {
	return nil, fmt.Errorf("rbm: a gaussian layer cannot be enumerated; enumerate the other layer")
}

// BiasStat adds (x − b)/σ².
func (g Gaussian) BiasStat(s *op.Scope, x, b tf.Output) tf.Output {
	s = s.SubScope("gaussian_bias_stat")
	return op.Div(s, op.Sub(s, x, b), op.Square(s, g.sigma(s, x)))
}

func init() {
	RegisterUnit(Gaussian{}.Name(), func(s UnitSpec) (Unit, error) { return Gaussian{Sigma: s.Sigma}, nil })
}

// Domain returns Real.
func (Gaussian) Domain() Domain { return Real }

// Spec returns the type and σ (empty: [1]).
func (g Gaussian) Spec() UnitSpec {
	sigma := g.Sigma
	if len(sigma) == 0 {
		sigma = []float64{1}
	}
	return UnitSpec{Type: g.Name(), Sigma: sigma}
}

// Random draws each unit from N(b, σ²).
func (g Gaussian) Random(b []float64, n int, r *rand.Rand) []float64 {
	k := len(b)
	out := make([]float64, n*k)
	for i := range out {
		sig := 1.0
		if len(g.Sigma) == 1 {
			sig = g.Sigma[0]
		} else if len(g.Sigma) == k {
			sig = g.Sigma[i%k]
		}
		out[i] = b[i%k] + sig*r.NormFloat64()
	}
	return out
}
