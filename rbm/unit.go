package rbm

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"sync"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// A Unit is a family of conditional distributions p(x | input) for the n units of one layer.
// Methods add ops under a sub-scope of s named for the unit and the method (s is shared with
// the caller's ops); a Unit holds only hyperparameters. A new unit type is one file: the type,
// these methods and a RegisterUnit call in its init. The energy of a joint state (v, h) of
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
	// Domain is the kind of values the units take.
	Domain() Domain
	// Random returns n states of a layer with biases b (one per unit), row-major [n·len(b)],
	// drawn from r: the starts of chains and persistent particles.
	Random(b []float64, n int, r *rand.Rand) []float64
	// Spec returns the unit's serializable description, with defaults applied.
	Spec() UnitSpec
}

// A Domain is the kind of values a unit type takes. Code that needs a property of units (the
// pseudo-likelihood needs binary visible units, a hidden layer must not be real-valued) asks
// for the domain rather than for a concrete type, so a new unit type needs no change there.
type Domain int

const (
	// Binary units take the values 0 and 1 (Bernoulli).
	Binary Domain = iota
	// Discrete units take values from another finite set (Multinomial: counts of draws).
	Discrete
	// Real units take real values (Gaussian): no finite state space.
	Real
)

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

var units = struct {
	sync.Mutex
	fromSpec map[string]func(UnitSpec) (Unit, error)
}{fromSpec: map[string]func(UnitSpec) (Unit, error){}}

// RegisterUnit makes a unit type known by name to ParseUnit and to model.json: fromSpec builds
// the unit from its description. A new unit type is one file: the type, its methods and this
// call in the file's init. It panics on a duplicate name, as a programming error of an init.
func RegisterUnit(name string, fromSpec func(UnitSpec) (Unit, error)) {
	units.Lock()
	defer units.Unlock()
	if _, dup := units.fromSpec[name]; dup {
		panic("rbm: RegisterUnit: duplicate unit type " + name)
	}
	units.fromSpec[name] = fromSpec
}

// UnitTypes returns the names of the registered unit types, sorted.
func UnitTypes() []string {
	units.Lock()
	defer units.Unlock()
	var names []string
	for k := range units.fromSpec {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// ParseUnit returns the unit named name with its hyperparameters: "bernoulli" (also ""),
// "multinomial" (draws = M, groups = number of softmax groups), "gaussian" (sigma, one value
// or one per unit), or another registered type.
func ParseUnit(name string, draws, groups int, sigma []float64) (Unit, error) {
	if name == "" {
		name = Bernoulli{}.Name()
	}
	return UnitSpec{Type: name, Draws: draws, Groups: groups, Sigma: sigma}.Unit()
}

// Canonical returns u with a pointer to a unit type replaced by the value it points to (unit
// methods have value receivers, so *Gaussian is also a Unit). A nil pointer becomes nil.
func Canonical(u Unit) Unit {
	v := reflect.ValueOf(u)
	if v.Kind() != reflect.Pointer {
		return u
	}
	if v.IsNil() {
		return nil
	}
	if e, ok := v.Elem().Interface().(Unit); ok {
		return e
	}
	return u
}

// SameUnit reports whether a and b are the same unit type with the same hyperparameters
// (after defaults: a Multinomial's zero Draws is 100, a Gaussian's empty Sigma is 1).
func SameUnit(a, b Unit) bool {
	a, b = Canonical(a), Canonical(b)
	return a != nil && b != nil && reflect.DeepEqual(a.Spec(), b.Spec())
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
func SpecOf(u Unit) UnitSpec { return Canonical(u).Spec() }

// Unit returns the unit the spec describes.
func (s UnitSpec) Unit() (Unit, error) {
	units.Lock()
	f, ok := units.fromSpec[s.Type]
	units.Unlock()
	if !ok {
		return nil, fmt.Errorf("rbm: unknown unit type %q (want %s)", s.Type, strings.Join(UnitTypes(), ", "))
	}
	return f(s)
}
