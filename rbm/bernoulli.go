package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// Bernoulli units are binary: x ∈ {0, 1}, p(x=1 | input) = σ(input + b), SelfEnergy = −x·b.
type Bernoulli struct{}

// Name returns "bernoulli".
func (Bernoulli) Name() string { return "bernoulli" }

// Validate accepts any positive number of units.
func (Bernoulli) Validate(n int) error {
	if n <= 0 {
		return fmt.Errorf("rbm: bernoulli layer of %d units", n)
	}
	return nil
}

// Stat returns x.
func (Bernoulli) Stat(s *op.Scope, x tf.Output) tf.Output { return x }

// Mean adds σ(input + b).
func (Bernoulli) Mean(s *op.Scope, input, b tf.Output) tf.Output {
	s = s.SubScope("bernoulli_mean")
	return op.Sigmoid(s, op.AddV2(s, input, b))
}

// Sample adds a Bernoulli draw with P(1) = mean.
func (Bernoulli) Sample(s *op.Scope, input, b, mean, seed tf.Output) tf.Output {
	return tfops.BernoulliSample(s, mean, seed)
}

// LogPartition adds Σ_j softplus(input_j + b_j).
func (Bernoulli) LogPartition(s *op.Scope, input, b tf.Output) tf.Output {
	s = s.SubScope("bernoulli_log_partition")
	return sumRows(s, tfops.Softplus(s, op.AddV2(s, input, b)))
}

// SelfEnergy adds −x·b.
func (Bernoulli) SelfEnergy(s *op.Scope, x, b tf.Output) tf.Output {
	s = s.SubScope("bernoulli_self_energy")
	return op.Neg(s, sumRows(s, op.Mul(s, x, b)))
}

// States lists the 2^n binary vectors.
func (Bernoulli) States(n int) ([]float64, error) {
	if n > 20 {
		return nil, fmt.Errorf("rbm: %d bernoulli units have 2^%d states, too many to enumerate (at most 2^20)", n, n)
	}
	out := make([]float64, 0, (1<<n)*n)
	for code := 0; code < 1<<n; code++ {
		for i := 0; i < n; i++ {
			out = append(out, float64(code>>i&1))
		}
	}
	return out, nil
}

// sumRows adds the sum over axis 1 of a [batch, n] tensor.
func sumRows(s *op.Scope, x tf.Output) tf.Output {
	return op.Sum(s.SubScope("sum_rows"), x, op.Const(s.SubScope("axis1"), []int32{1}))
}

// BiasStat returns x.
func (Bernoulli) BiasStat(s *op.Scope, x, b tf.Output) tf.Output { return x }

func init() {
	RegisterUnit(Bernoulli{}.Name(), func(UnitSpec) (Unit, error) { return Bernoulli{}, nil })
}

// Domain returns Binary.
func (Bernoulli) Domain() Domain { return Binary }

// Spec returns {Type: "bernoulli"}.
func (b Bernoulli) Spec() UnitSpec { return UnitSpec{Type: b.Name()} }

// Random draws each unit on with probability σ(b).
func (Bernoulli) Random(b []float64, n int, r *rand.Rand) []float64 {
	k := len(b)
	out := make([]float64, n*k)
	for i := range out {
		if r.Float64() < 1/(1+math.Exp(-b[i%k])) {
			out[i] = 1
		}
	}
	return out
}
