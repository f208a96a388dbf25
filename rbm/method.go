package rbm

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// A Method is a training method: how an update draws the negative phase, the model samples
// whose statistics are subtracted from the data's. CD (Hinton 2002) and PCD (Tieleman 2008)
// are the methods of the original; Tempering (parallel tempering) is another. A new method is
// one file: a type implementing Method and a RegisterMethod call in its init.
type Method interface {
	// Name is the method's stable identifier, saved with the model ("cd", "pcd", "pt").
	Name() string
	// Validate checks the method against the configuration (with defaults applied).
	Validate(c Config) error
	// Persistent reports whether the method keeps the Sampler's chains from update to update
	// (they then start at the data's first minibatch).
	Persistent() bool
	// Variables lists the tensors the method keeps from update to update beyond the persistent
	// chains of the Sampler (saved in checkpoints after the model's own variables).
	Variables(c Config) []StateVariable
	// Negative adds the negative phase of one update to s and returns the visible states v and
	// the hidden means E[h | v] whose statistics form the negative gradient, the new persistent
	// chains (Sampler.Chains when unchanged) and the new values of its Variables, in order.
	Negative(s *op.Scope, sm *Sampler) (v, hMean, chains tf.Output, state []tf.Output)
}

// A StateVariable is a tensor a Method keeps between updates. FromData variables start as
// copies of the first minibatch of the first epoch, tiled to their rows; others at zero.
type StateVariable struct {
	Name     string
	Shape    []int64
	FromData bool
}

// A Sampler is what a Method draws with: the minibatch, its positive phase, the persistent
// chains and the model's conditionals, all as ops of the update being built.
type Sampler struct {
	// X is the minibatch [b, nv]; H0Mean and H0 are E[h | X] and a sample of h given X.
	X, H0Mean, H0 tf.Output
	// Chains are the persistent visible states [BatchSize, nv] (see Config.BatchSize) and
	// State the method's Variables, read at the start of the update.
	Chains tf.Output
	State  []tf.Output
	// K is the number of Gibbs steps of this update (the epoch's CDSteps).
	K int
	// Config is the model's configuration, with defaults applied.
	Config Config

	m *RBM
	p params
	t trainState
}

// Seed adds the seed of the stateless random op with the given role for this update. Roles
// below 10000 belong to the model; a method uses 10000 and above.
func (sm *Sampler) Seed(s *op.Scope, role uint64) tf.Output { return sm.m.seed(s, role, sm.t.step) }

// HiddenGiven adds E[h | v] and a sample of h given v at inverse temperature beta (a scalar of
// the model's dtype; a zero tf.Output means 1), the sample drawn with role.
func (sm *Sampler) HiddenGiven(s *op.Scope, v, beta tf.Output, role uint64) (mean, sample tf.Output) {
	return sm.m.layers.sampleHidden(s, sm.at(s, beta), v, sm.Seed(s, role))
}

// Gibbs adds k alternating Gibbs steps h → v → h at inverse temperature beta (zero: 1) from the
// hidden states h, drawing step i's samples with roles vRole+i and hRole+i, and returns the
// last visible states (sampled with Config.SampleVisible, else means) and E[h | v] after them.
// Hidden states are sampled between steps unless Config.HiddenMeans.
func (sm *Sampler) Gibbs(s *op.Scope, h, beta tf.Output, k int, vRole, hRole uint64) (v, hMean tf.Output) {
	c, l, p := sm.Config, sm.m.layers, sm.at(s, beta)
	for i := 0; i < k; i++ {
		gs := s.SubScope("gibbs")
		in, vb := l.downInput(gs, p, h), l.visibleBias(gs, p)
		v = l.v.Mean(gs, in, vb)
		if c.SampleVisible {
			v = l.v.Sample(gs, in, vb, v, sm.Seed(gs, vRole+uint64(i)))
		}
		hin, hb := l.upInput(gs, p, v), l.hiddenBias(gs, p)
		hMean = l.h.Mean(gs, hin, hb)
		if i < k-1 {
			h = hMean
			if !c.HiddenMeans {
				h = l.h.Sample(gs, hin, hb, hMean, sm.Seed(gs, hRole+uint64(i)))
			}
		}
	}
	return v, hMean
}

// Energy adds E(v, h) = SelfEnergy_v(v) + SelfEnergy_h(h) − Stat_v(v)ᵀ·W·Stat_h(h) per row.
func (sm *Sampler) Energy(s *op.Scope, v, h tf.Output) tf.Output {
	l, p := sm.m.layers, sm.p
	s = s.SubScope("energy")
	vw := op.MatMul(s, l.v.Stat(s, v), p.W)
	inter := op.Sum(s, op.Mul(s, vw, l.h.Stat(s.SubScope("h"), h)), op.Const(s.SubScope("axis"), int32(1)))
	self := op.AddV2(s, l.v.SelfEnergy(s.SubScope("v"), v, p.vb), l.h.SelfEnergy(s.SubScope("h"), h, p.hb))
	return op.Sub(s, self, inter)
}

// at returns the parameters times beta (unchanged for a zero beta).
func (sm *Sampler) at(s *op.Scope, beta tf.Output) params {
	if beta.Op == nil {
		return sm.p
	}
	s = s.SubScope("tempered")
	return params{W: op.Mul(s.SubScope("W"), sm.p.W, beta), vb: op.Mul(s.SubScope("vb"), sm.p.vb, beta), hb: op.Mul(s.SubScope("hb"), sm.p.hb, beta)}
}

// CD is contrastive divergence (Hinton 2002): the chains start at the minibatch's hidden
// sample (its means with Config.HiddenMeans) and run K Gibbs steps.
type CD struct{}

// Name returns "cd".
func (CD) Name() string { return "cd" }

// Validate accepts every configuration.
func (CD) Validate(Config) error { return nil }

// Variables returns none.
func (CD) Variables(Config) []StateVariable { return nil }

// Persistent returns false: CD's chains start at the data every update.
func (CD) Persistent() bool { return false }

// Negative runs K Gibbs steps from the positive phase's hidden states.
func (CD) Negative(s *op.Scope, sm *Sampler) (v, hMean, chains tf.Output, state []tf.Output) {
	h := sm.H0
	if sm.Config.HiddenMeans {
		h = sm.H0Mean
	}
	v, hMean = sm.Gibbs(s, h, tf.Output{}, sm.K, roleGibbsV, roleGibbsH)
	return v, hMean, sm.Chains, nil
}

// PCD is persistent contrastive divergence (Tieleman 2008): BatchSize chains continue from
// update to update, K Gibbs steps each.
type PCD struct{}

// Name returns "pcd".
func (PCD) Name() string { return "pcd" }

// Validate accepts every configuration.
func (PCD) Validate(Config) error { return nil }

// Variables returns none: PCD's chains are the Sampler's.
func (PCD) Variables(Config) []StateVariable { return nil }

// Persistent returns true.
func (PCD) Persistent() bool { return true }

// Negative runs K Gibbs steps from the persistent chains and moves them to where they end.
func (PCD) Negative(s *op.Scope, sm *Sampler) (v, hMean, chains tf.Output, state []tf.Output) {
	hm, h := sm.HiddenGiven(s.SubScope("chain_start"), sm.Chains, tf.Output{}, roleChainH0)
	if sm.Config.HiddenMeans {
		h = hm
	}
	v, hMean = sm.Gibbs(s, h, tf.Output{}, sm.K, roleGibbsV, roleGibbsH)
	return v, hMean, v, nil
}

var methods = struct {
	sync.Mutex
	decode map[string]func(json.RawMessage) (Method, error)
}{decode: map[string]func(json.RawMessage) (Method, error){
	"cd":  func(json.RawMessage) (Method, error) { return CD{}, nil },
	"pcd": func(json.RawMessage) (Method, error) { return PCD{}, nil },
}}

// RegisterMethod makes a method loadable by name from model.json: decode turns the JSON of
// the method's value (as json.Marshal writes it) back into the method. It panics on a
// duplicate name, as a programming error of an init function.
func RegisterMethod(name string, decode func(json.RawMessage) (Method, error)) {
	methods.Lock()
	defer methods.Unlock()
	if _, dup := methods.decode[name]; dup {
		panic("rbm: RegisterMethod: duplicate method " + name)
	}
	methods.decode[name] = decode
}

// Methods returns the names of the registered methods, sorted.
func Methods() []string {
	methods.Lock()
	defer methods.Unlock()
	var names []string
	for k := range methods.decode {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// A MethodSpec is the serializable description of a Method, as saved in model.json.
type MethodSpec struct {
	Type   string          `json:"type"`
	Params json.RawMessage `json:"params,omitempty"`
}

// MethodSpecOf returns the description of m.
func MethodSpecOf(m Method) (MethodSpec, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return MethodSpec{}, nest.Within(fmt.Sprintf("rbm: method %s", m.Name()), err)
	}
	if string(b) == "{}" {
		b = nil
	}
	return MethodSpec{Type: m.Name(), Params: b}, nil
}

// Method returns the method the spec describes.
func (s MethodSpec) Method() (Method, error) {
	methods.Lock()
	dec, ok := methods.decode[s.Type]
	methods.Unlock()
	if !ok {
		return nil, fmt.Errorf("rbm: unknown training method %q (want %s)", s.Type, strings.Join(Methods(), ", "))
	}
	m, err := dec(s.Params)
	if err != nil {
		return nil, nest.Within(fmt.Sprintf("rbm: training method %s", s.Type), err)
	}
	return m, nil
}
