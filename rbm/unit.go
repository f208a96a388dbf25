package rbm

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// A Unit is a family of conditional distributions p(x | input) for the n units of one layer.
// Methods add ops to s; a Unit holds only hyperparameters. The energy of a joint state (v, h) of
// an RBM with weights W and biases b (visible) and c (hidden) is
//
//	E(v, h) = SelfEnergy_v(v; b) + SelfEnergy_h(h; c) − Stat_v(v)ᵀ · W · Stat_h(h)
//
// so that, given the other layer, each layer's units are independent (or independent per softmax
// group) with conditional p(x | input) ∝ exp(Stat(x)·input − SelfEnergy(x; bias)), where input
// is the interaction term W·Stat(other) of shape [batch, n].
type Unit interface {
	// Name is the unit's stable identifier, saved with the model ("bernoulli", ...).
	Name() string
	// Validate checks the hyperparameters for a layer of n units.
	Validate(n int) error
	// Stat adds the statistic of x that enters the interaction term, [batch, n].
	Stat(s *op.Scope, x tf.Output) tf.Output
	// Mean adds E[x | input] for bias b, [batch, n].
	Mean(s *op.Scope, input, b tf.Output) tf.Output
	// Sample adds a draw x ~ p(x | input) given its mean (from Mean) and the input; seed is a
	// stateless-op seed.
	Sample(s *op.Scope, input, b, mean, seed tf.Output) tf.Output
	// LogPartition adds log Σ_x exp(Stat(x)·input − SelfEnergy(x; b)) per row, [batch]: the
	// log-normalizer used to sum this layer out of the joint distribution.
	LogPartition(s *op.Scope, input, b tf.Output) tf.Output
	// SelfEnergy adds the energy terms of x that do not involve the other layer, per row, [batch].
	SelfEnergy(s *op.Scope, x, b tf.Output) tf.Output
	// BiasStat adds −∂SelfEnergy/∂b for each unit, [batch, n]: the statistic whose data and model
	// expectations give the bias gradient (x for Bernoulli and Multinomial, (x − b)/σ² for Gaussian).
	BiasStat(s *op.Scope, x, b tf.Output) tf.Output
	// States lists every state of a layer of n units, row-major [count·n], for exact enumeration.
	// It returns an error when the layer has no finite state space or too many states.
	States(n int) ([]float64, error)
}

// A Prober is a Unit whose natural features are probabilities rather than means (Multinomial:
// the mean is M·softmax, the probabilities softmax). Transform returns Probabilities when the
// hidden unit implements it.
type Prober interface {
	Probabilities(s *op.Scope, input, b tf.Output) tf.Output
}

var (
	_ Unit   = Bernoulli{}
	_ Unit   = Multinomial{}
	_ Unit   = Gaussian{}
	_ Prober = Multinomial{}
)

// maxStates bounds exact enumeration: 2^20 states of the smaller layer.
const maxStates = 1 << 20

// ParseUnit returns the unit named name with its hyperparameters: "bernoulli", "multinomial"
// (draws = M, groups = number of softmax groups) or "gaussian" (sigma, one value or one per unit).
func ParseUnit(name string, draws, groups int, sigma []float64) (Unit, error) {
	switch name {
	case "bernoulli", "":
		return Bernoulli{}, nil
	case "multinomial":
		return Multinomial{Draws: draws, Groups: groups}, nil
	case "gaussian":
		return Gaussian{Sigma: sigma}, nil
	}
	return nil, fmt.Errorf("rbm: unknown unit type %q (want bernoulli, multinomial or gaussian)", name)
}

// Canonical returns u with a pointer to one of this package's unit types replaced by the value
// it points to, so that type switches over unit types see it (their methods have value
// receivers, so *Gaussian is also a Unit). A nil pointer becomes nil.
func Canonical(u Unit) Unit {
	switch x := u.(type) {
	case *Bernoulli:
		if x == nil {
			return nil
		}
		return *x
	case *Multinomial:
		if x == nil {
			return nil
		}
		return *x
	case *Gaussian:
		if x == nil {
			return nil
		}
		return *x
	}
	return u
}

// SameUnit reports whether a and b are the same unit type with the same hyperparameters
// (after defaults: a Multinomial's zero Draws is 100, a Gaussian's empty Sigma is 1).
func SameUnit(a, b Unit) bool {
	a, b = Canonical(a), Canonical(b)
	if a == nil || b == nil || a.Name() != b.Name() {
		return false
	}
	switch x := a.(type) {
	case Multinomial:
		y := b.(Multinomial)
		return x.DrawCount() == y.DrawCount() && x.GroupCount() == y.GroupCount()
	case Gaussian:
		y := b.(Gaussian)
		sx, sy := x.Sigma, y.Sigma
		if len(sx) == 0 {
			sx = []float64{1}
		}
		if len(sy) == 0 {
			sy = []float64{1}
		}
		if len(sx) != len(sy) {
			return false
		}
		for i := range sx {
			if sx[i] != sy[i] {
				return false
			}
		}
	}
	return true
}

// A UnitSpec is the serializable description of a Unit: its name and hyperparameters, as
// saved in model.json files.
type UnitSpec struct {
	Type   string    `json:"type"`
	Draws  int       `json:"draws,omitempty"`
	Groups int       `json:"groups,omitempty"`
	Sigma  []float64 `json:"sigma,omitempty"`
}

// SpecOf returns the description of u, with defaults applied.
func SpecOf(u Unit) UnitSpec {
	switch x := Canonical(u).(type) {
	case Multinomial:
		return UnitSpec{Type: x.Name(), Draws: x.draws(), Groups: x.groups()}
	case Gaussian:
		return UnitSpec{Type: x.Name(), Sigma: x.Sigma}
	}
	return UnitSpec{Type: u.Name()}
}

// Unit returns the unit the spec describes (see ParseUnit).
func (s UnitSpec) Unit() (Unit, error) {
	return ParseUnit(s.Type, s.Draws, s.Groups, s.Sigma)
}
