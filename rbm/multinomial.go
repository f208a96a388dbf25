package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// Multinomial units split a layer of n units into Groups softmax groups of K = n/Groups
// categories each, and draw each group Draws times: the state of a group is a count vector
// x ∈ {0..M}^K summing to M = Draws. This is M softmax units with tied weights (the replicated
// softmax of Salakhutdinov & Hinton 2009); the original has one group only.
//
// p(x | input) = Multinomial(M, softmax(input + b)) per group, Mean = M·softmax(input + b),
// SelfEnergy = −x·b − log(M! / Π_k x_k!), so that the log-partition is exactly
// M · Σ_groups logsumexp(input + b).
type Multinomial struct {
	// Draws is M, the number of draws per group. Zero means 100, the original's default.
	Draws int
	// Groups is the number of independent softmax groups. Zero means 1, as in the original.
	Groups int
}

func (m Multinomial) draws() int {
	if m.Draws == 0 {
		return 100
	}
	return m.Draws
}

func (m Multinomial) groups() int {
	if m.Groups == 0 {
		return 1
	}
	return m.Groups
}

// Name returns "multinomial".
func (Multinomial) Name() string { return "multinomial" }

// Validate checks that n splits into Groups groups of at least 2 categories and Draws ≥ 1.
func (m Multinomial) Validate(n int) error {
	switch {
	case m.Draws < 0:
		return fmt.Errorf("rbm: multinomial Draws = %d, want ≥ 1 (0 means 100)", m.Draws)
	case m.Groups < 0:
		return fmt.Errorf("rbm: multinomial Groups = %d, want ≥ 1 (0 means 1)", m.Groups)
	case n <= 0 || n%m.groups() != 0:
		return fmt.Errorf("rbm: %d multinomial units do not split into %d groups", n, m.groups())
	case n/m.groups() < 2:
		return fmt.Errorf("rbm: multinomial groups of %d category, want ≥ 2", n/m.groups())
	}
	return nil
}

// Stat returns x (the counts).
func (Multinomial) Stat(s *op.Scope, x tf.Output) tf.Output { return x }

// grouped reshapes [batch, n] to [batch, G, K] and returns the way back.
func (m Multinomial) grouped(s *op.Scope, x tf.Output) (tf.Output, func(*op.Scope, tf.Output) tf.Output) {
	shape := op.Shape(s.SubScope("shape"), x, op.ShapeOutType(tf.Int64))
	batch := op.Slice(s.SubScope("batch"), shape, op.Const(s.SubScope("b0"), []int64{0}), op.Const(s.SubScope("b1"), []int64{1}))
	gk := op.Const(s.SubScope("gk"), []int64{int64(m.groups()), -1})
	g := op.Reshape(s.SubScope("grouped"), x, op.Concat(s.SubScope("gshape"), op.Const(s.SubScope("ax"), int32(0)), []tf.Output{batch, gk}))
	back := func(s *op.Scope, y tf.Output) tf.Output { return op.Reshape(s.SubScope("ungrouped"), y, shape) }
	return g, back
}

// Probabilities adds softmax(input + b) per group.
func (m Multinomial) Probabilities(s *op.Scope, input, b tf.Output) tf.Output {
	s = s.SubScope("multinomial_probs")
	g, back := m.grouped(s, op.AddV2(s, input, b))
	return back(s, op.Softmax(s, g))
}

// Mean adds M·softmax(input + b) per group.
func (m Multinomial) Mean(s *op.Scope, input, b tf.Output) tf.Output {
	s = s.SubScope("multinomial_mean")
	p := m.Probabilities(s, input, b)
	return op.Mul(s, p, tfops.ScalarLike(s, float64(m.draws()), p))
}

// Sample adds count vectors of M draws per group from softmax(input + b).
func (m Multinomial) Sample(s *op.Scope, input, b, mean, seed tf.Output) tf.Output {
	s = s.SubScope("multinomial_sample")
	logits := op.AddV2(s, input, b)
	g, back := m.grouped(s, logits)
	flat := op.Reshape(s.SubScope("flat"), g, op.Concat(s.SubScope("fshape"), op.Const(s.SubScope("ax"), int32(0)),
		[]tf.Output{op.Const(s.SubScope("m1"), []int64{-1}), op.Slice(s.SubScope("k"), op.Shape(s.SubScope("gs"), g, op.ShapeOutType(tf.Int64)),
			op.Const(s.SubScope("k0"), []int64{2}), op.Const(s.SubScope("k1"), []int64{1}))}))
	counts := tfops.MultinomialCounts(s, flat, m.draws(), seed)
	return back(s, counts)
}

// LogPartition adds M · Σ_groups logsumexp(input + b).
func (m Multinomial) LogPartition(s *op.Scope, input, b tf.Output) tf.Output {
	s = s.SubScope("multinomial_log_partition")
	g, _ := m.grouped(s, op.AddV2(s, input, b))
	lse := tfops.LogSumExp(s, g, 2) // [batch, G]
	return op.Mul(s, sumRows(s, lse), tfops.ScalarLike(s, float64(m.draws()), lse))
}

// SelfEnergy adds −x·b − G·log M! + Σ_k log x_k!.
func (m Multinomial) SelfEnergy(s *op.Scope, x, b tf.Output) tf.Output {
	s = s.SubScope("multinomial_self_energy")
	xb := sumRows(s.SubScope("xb"), op.Mul(s, x, b))
	one := tfops.ScalarLike(s, 1, x)
	lfact := sumRows(s.SubScope("lfact"), op.Lgamma(s, op.AddV2(s, x, one)))
	lm, _ := math.Lgamma(float64(m.draws() + 1))
	c := tfops.ScalarLike(s.SubScope("logmfact"), float64(m.groups())*lm, x)
	return op.Sub(s, op.Sub(s.SubScope("a"), lfact, xb), c)
}

// States lists every combination of count vectors (one per group).
func (m Multinomial) States(n int) ([]float64, error) {
	if err := m.Validate(n); err != nil {
		return nil, err
	}
	k, g, draws := n/m.groups(), m.groups(), m.draws()
	var group [][]float64
	cur := make([]float64, k)
	var rec func(i, left int)
	rec = func(i, left int) {
		if i == k-1 {
			cur[i] = float64(left)
			group = append(group, append([]float64(nil), cur...))
			return
		}
		for c := 0; c <= left; c++ {
			cur[i] = float64(c)
			rec(i+1, left-c)
			if len(group) > maxStates {
				return
			}
		}
	}
	rec(0, draws)
	total := 1
	for i := 0; i < g; i++ {
		total *= len(group)
		if total > maxStates {
			return nil, fmt.Errorf("rbm: %d multinomial groups of %d categories with %d draws have more than 2^20 states, too many to enumerate", g, k, draws)
		}
	}
	out := make([]float64, 0, total*n)
	idx := make([]int, g)
	for s := 0; s < total; s++ {
		for j := 0; j < g; j++ {
			out = append(out, group[idx[j]]...)
		}
		for j := g - 1; j >= 0; j-- {
			idx[j]++
			if idx[j] < len(group) {
				break
			}
			idx[j] = 0
		}
	}
	return out, nil
}

// BiasStat returns x.
func (Multinomial) BiasStat(s *op.Scope, x, b tf.Output) tf.Output { return x }

// DrawCount returns M, the draws per group, with the zero value's default applied.
func (m Multinomial) DrawCount() int { return m.draws() }

// GroupCount returns the number of softmax groups, with the zero value's default applied.
func (m Multinomial) GroupCount() int { return m.groups() }

func init() {
	RegisterUnit(Multinomial{}.Name(), func(s UnitSpec) (Unit, error) { return Multinomial{Draws: s.Draws, Groups: s.Groups}, nil })
}

// Domain returns Discrete.
func (Multinomial) Domain() Domain { return Discrete }

// Spec returns the type, M and the number of groups (defaults applied).
func (m Multinomial) Spec() UnitSpec {
	return UnitSpec{Type: m.Name(), Draws: m.draws(), Groups: m.groups()}
}

// Random returns states with all M draws of each group in its first category: a valid state
// whatever M is (the biases are not used).
func (m Multinomial) Random(b []float64, n int, r *rand.Rand) []float64 {
	k := len(b)
	out := make([]float64, n*k)
	groups, draws := m.groups(), m.draws()
	per := k / groups
	for i := 0; i < n; i++ {
		for g := 0; g < groups; g++ {
			out[i*k+g*per] = float64(draws)
		}
	}
	return out
}
