package dbm

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/anneal"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// ErrShape reports data or parameters whose shape does not fit the model: it is tfops.ErrShape,
// so errors.Is matches it for every shape error of the project (rbm.ErrShape is the same).
var ErrShape = tfops.ErrShape

// A DBM is a deep Boltzmann machine whose graph lives in a TensorFlow session. Create it with
// FromRBMs, New or Load, and Close it. Its methods are not safe for concurrent use.
type DBM struct {
	cfg   Config
	net   net
	scope *op.Scope
	graph *tf.Graph
	sess  *tfops.Session
	vars  variables
	saver *tfops.Saver

	idx      tf.Output // [updates, batch] int32 minibatch rows
	rows     tf.Output // the training rows: the data variable's value, or a run's rows fed when streamed
	lr, mom  tf.Output
	train    map[[2]int]*tf.Operation
	trainNMF map[[2]int]tf.Output

	evalOnce sync.Once
	ev       evalOps

	completeOnce sync.Once
	complete     completeOps                   // Complete's graph (see completeGraph)
	ais          map[anneal.BlockKeyOf]*aisOps // by transitions per β and block, built on first use

	readsOnce sync.Once
	reads     []tf.Output // reads of every W, then every b, then every particle layer

	finiteOnce sync.Once
	finite     tf.Output // whether all of reads are finite (see AllFinite)

	side        map[int]*sideOps // the original's validation steps by k (Config.SideEffects)
	trainChunks *chunkedMF       // training's mean field in chunks
	rowsInit    int              // the training rows the warm starts are set up for (MeanFieldRow)
	bound       *boundOps        // the lower bound's ops, its mean field in chunks
	means       *tf.Operation    // the original's particle-means side effect

	epoch int
	iter  int64
}

// paramReads returns reads of the weights, the biases and the particles, added to the graph
// on first use only, so that repeated calls do not grow the graph.
func (m *DBM) paramReads() []tf.Output {
	m.readsOnce.Do(func() {
		s := m.scope.SubScope("read_parameters")
		for _, w := range m.vars.W {
			m.reads = append(m.reads, w.Read(s))
		}
		for _, b := range m.vars.b {
			m.reads = append(m.reads, b.Read(s))
		}
		for _, p := range m.vars.particles {
			m.reads = append(m.reads, p.Read(s))
		}
		for _, v := range m.vars.dW {
			m.reads = append(m.reads, v.Read(s))
		}
		for _, v := range m.vars.db {
			m.reads = append(m.reads, v.Read(s))
		}
	})
	return m.reads
}

type variables struct {
	W, b, dW, db []*tfops.Variable
	q            []*tfops.Variable // sparsity estimates of the hidden layers (q[0] unused)
	particles    []*tfops.Variable // persistent chains, one per layer
	step, data   *tfops.Variable
	offsets      []*tfops.Variable // centering offsets, one per layer (with Config.Centering)
	qmu          []*tfops.Variable // the original's second sparsity estimates (SparsityRule original; [0] unused)
	mu           []*tfops.Variable // the last minibatch's μ, BatchSize rows (MeanFieldPrevious; [0] unused)
	mf           []*tfops.Variable // a training minibatch's μ between the runs of its mean field (chunkedMF; [0] unused; not saved)
	boundMF      []*tfops.Variable // the same for the lower bound's rows
	mfBelow      *tfops.Variable   // a training minibatch's input to layer 1 from its rows, between those runs (not saved)
	boundBelow   *tfops.Variable   // the same for the lower bound's rows
	rowMu        []*tfops.Variable // each training row's μ at its last visit (MeanFieldRow; [0] unused; not saved)
	visited      *tfops.Variable   // whether each training row was visited since Fit began (MeanFieldRow)
}

// original returns the variables that only the original's code path has, nil entries left out.
func (v variables) original() []*tfops.Variable {
	var out []*tfops.Variable
	for _, x := range append(append([]*tfops.Variable(nil), v.qmu...), v.mu...) {
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}

func (v variables) saved() []*tfops.Variable {
	var out []*tfops.Variable
	out = append(out, v.W...)
	out = append(out, v.b...)
	out = append(out, v.dW...)
	out = append(out, v.db...)
	out = append(out, v.q[1:]...)
	out = append(out, v.particles...)
	out = append(out, v.step)
	out = append(out, v.offsets...)
	return append(out, v.original()...)
}

// Parameters are the weights and biases of a DBM, row-major: W[i] is Sizes[i]×Sizes[i+1].
type Parameters struct {
	W [][]float64
	B [][]float64
}

// New builds a DBM from c with random weights N(0, WeightStd²) and zero biases.
func New(c Config) (*DBM, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	d := c.withDefaults()
	r := rand.New(rand.NewPCG(uint64(d.Seed), 0x5eed))
	p := Parameters{}
	for i := 0; i+1 < len(d.Sizes); i++ {
		w := make([]float64, d.Sizes[i]*d.Sizes[i+1])
		for j := range w {
			w[j] = r.NormFloat64() * d.WeightStd
		}
		p.W = append(p.W, w)
	}
	for _, n := range d.Sizes {
		p.B = append(p.B, make([]float64, n))
	}
	return NewWithParameters(c, p)
}

// NewWithParameters builds a DBM from c with the given weights and biases.
func NewWithParameters(c Config, p Parameters) (*DBM, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := checkParameters(c.withDefaults(), p); err != nil {
		return nil, err
	}
	m, err := open(c)
	if err != nil {
		return nil, err
	}
	if err := m.initVariables(p); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// open validates c and builds the model's graph and session; its variables are not set yet
// (NewWithParameters sets them, Load restores them), so nothing of the model's size is allocated.
func open(c Config) (*DBM, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	m := &DBM{cfg: c, net: net{units: c.Units, sizes: c.Sizes, dt: c.DType, devices: c.Devices}, train: map[[2]int]*tf.Operation{}, trainNMF: map[[2]int]tf.Output{}, ais: map[anneal.BlockKeyOf]*aisOps{}}
	if err := m.build(); err != nil {
		return nil, err
	}
	return m, nil
}

func checkParameters(c Config, p Parameters) error {
	if len(p.W) != len(c.Sizes)-1 || len(p.B) != len(c.Sizes) {
		return fmt.Errorf("dbm: %d weight matrices and %d biases for %d layers: %w", len(p.W), len(p.B), len(c.Sizes), ErrShape)
	}
	for i, w := range p.W {
		if len(w) != c.Sizes[i]*c.Sizes[i+1] {
			return fmt.Errorf("dbm: W[%d] has %d values, want %d×%d: %w", i, len(w), c.Sizes[i], c.Sizes[i+1], ErrShape)
		}
	}
	for l, b := range p.B {
		if len(b) != c.Sizes[l] {
			return fmt.Errorf("dbm: bias %d has %d values, want %d: %w", l, len(b), c.Sizes[l], ErrShape)
		}
	}
	for name, vs := range map[string][][]float64{"W": p.W, "b": p.B} {
		for i, v := range vs {
			for j, x := range v {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return fmt.Errorf("dbm: %s%d[%d] is %g: %w", name, i, j, x, rbm.ErrData)
				}
			}
		}
	}
	return nil
}

// ErrNotPretrained reports RBMs that were not trained for a DBM's greedy pretraining (see
// FromRBMs).
var ErrNotPretrained = errors.New("RBM not trained for DBM pretraining")

// FromRBMs composes a DBM from greedily pretrained RBMs, bottom first (rbms[i] has
// Sizes[i] visible and Sizes[i+1] hidden units). Middle RBMs' weights are halved, as their
// layers get input from both sides, and each hidden layer's bias averages the hidden bias of the
// RBM below and the visible bias of the RBM above (Salakhutdinov & Hinton 2009; the original's
// composition rule, spec §4.2). Sizes and Units of c are taken from the RBMs.
//
// The rule holds for RBMs trained for it: with two or more, the bottom one with
// rbm.Config.DBMFirst, the top one with DBMLast and the middle ones with neither; other RBMs
// are an error wrapping ErrNotPretrained (NewWithParameters composes any weights). One RBM is
// the 1-hidden-layer DBM with its weights and biases, whatever it was trained for.
func FromRBMs(c Config, rbms ...*rbm.RBM) (*DBM, error) {
	if len(rbms) == 0 {
		return nil, errors.New("dbm: no RBMs to compose")
	}
	L := len(rbms)
	if L > 1 {
		for i, r := range rbms {
			rc := r.Config()
			first, last := i == 0, i == L-1
			if rc.DBMFirst != first || rc.DBMLast != last {
				return nil, fmt.Errorf("dbm: compose: RBM %d of %d has DBMFirst %t and DBMLast %t, want %t and %t: %w",
					i+1, L, rc.DBMFirst, rc.DBMLast, first, last, ErrNotPretrained)
			}
		}
	}
	c.Sizes = []int{rbms[0].Config().NumVisible}
	c.Units = []rbm.Unit{rbms[0].Config().Visible}
	p := Parameters{B: make([][]float64, L+1)}
	for i, r := range rbms {
		rc := r.Config()
		if rc.NumVisible != c.Sizes[i] {
			return nil, fmt.Errorf("dbm: RBM %d has %d visible units, the layer below it %d: %w", i, rc.NumVisible, c.Sizes[i], ErrShape)
		}
		if i > 0 && !rbm.SameUnit(rc.Visible, c.Units[i]) {
			return nil, fmt.Errorf("dbm: RBM %d has %s visible units, RBM %d %s hidden units for the same layer: %w",
				i, rc.Visible.Name(), i-1, c.Units[i].Name(), ErrShape)
		}
		c.Sizes = append(c.Sizes, rc.NumHidden)
		c.Units = append(c.Units, rc.Hidden)
		w, vb, hb, err := r.Weights()
		if err != nil {
			return nil, err
		}
		scale := 1.0
		if 0 < i && i < L-1 {
			scale = 0.5 // middle RBMs
		}
		for j := range w {
			w[j] *= scale
		}
		p.W = append(p.W, w)
		if i == 0 {
			p.B[0] = vb
		} else {
			for j := range vb {
				p.B[i][j] += 0.5 * scale * vb[j]
			}
		}
		top := make([]float64, len(hb))
		f := 0.5 * scale
		if i == L-1 {
			f = scale
			if L == 1 {
				f = 1
			}
		}
		for j := range hb {
			top[j] = f * hb[j]
		}
		p.B[i+1] = top
	}
	return NewWithParameters(c, p)
}

func (m *DBM) build() error {
	c, dt := m.cfg, m.cfg.DType
	s := op.NewScope()
	L := len(c.Sizes) - 1
	v := variables{q: make([]*tfops.Variable, L+1)}
	for i := 0; i < L; i++ {
		shape := []int64{int64(c.Sizes[i]), int64(c.Sizes[i+1])}
		v.W = append(v.W, tfops.NewVariable(s, fmt.Sprintf("weights/W%d", i), dt, shape))
		v.dW = append(v.dW, tfops.NewVariable(s, fmt.Sprintf("velocities/dW%d", i), dt, shape))
	}
	for l := 0; l <= L; l++ {
		n := int64(c.Sizes[l])
		v.b = append(v.b, tfops.NewVariable(s, fmt.Sprintf("weights/b%d", l), dt, []int64{n}))
		v.db = append(v.db, tfops.NewVariable(s, fmt.Sprintf("velocities/db%d", l), dt, []int64{n}))
		v.particles = append(v.particles, tfops.NewVariable(s, fmt.Sprintf("particles/x%d", l), dt, []int64{int64(c.Particles), n}))
		if l > 0 {
			v.q[l] = tfops.NewVariable(s, fmt.Sprintf("sparsity/q%d", l), dt, []int64{n})
		}
	}
	v.step = tfops.NewVariable(s, "state/step", tf.Int64, []int64{})
	if c.Centering > 0 {
		for l := 0; l <= L; l++ {
			v.offsets = append(v.offsets, tfops.NewVariable(s, fmt.Sprintf("centering/offset%d", l), dt, []int64{int64(c.Sizes[l])}))
		}
	}
	if c.SparsityRule == optim.Original {
		v.qmu = make([]*tfops.Variable, L+1)
		for l := 1; l <= L; l++ {
			v.qmu[l] = tfops.NewVariable(s, fmt.Sprintf("sparsity/qmu%d", l), dt, []int64{int64(c.Sizes[l])})
		}
	}
	if c.MeanFieldStart == MeanFieldPrevious {
		v.mu = make([]*tfops.Variable, L+1)
		for l := 1; l <= L; l++ {
			v.mu[l] = tfops.NewVariable(s, fmt.Sprintf("mean_field/mu%d", l), dt, []int64{int64(c.BatchSize), int64(c.Sizes[l])})
		}
	}
	v.mf, v.boundMF = make([]*tfops.Variable, L+1), make([]*tfops.Variable, L+1)
	for l := 1; l <= L; l++ {
		v.mf[l] = tfops.NewVariable(s, fmt.Sprintf("mean_field/state%d", l), dt, []int64{-1, int64(c.Sizes[l])})
		v.boundMF[l] = tfops.NewVariable(s, fmt.Sprintf("mean_field/bound%d", l), dt, []int64{-1, int64(c.Sizes[l])})
	}
	v.mfBelow = tfops.NewVariable(s, "mean_field/state_below", dt, []int64{-1, int64(c.Sizes[1])})
	v.boundBelow = tfops.NewVariable(s, "mean_field/bound_below", dt, []int64{-1, int64(c.Sizes[1])})
	if c.MeanFieldStart == MeanFieldRow {
		v.rowMu = make([]*tfops.Variable, L+1)
		for l := 1; l <= L; l++ {
			v.rowMu[l] = tfops.NewVariable(s, fmt.Sprintf("mean_field/row%d", l), dt, []int64{-1, int64(c.Sizes[l])})
		}
		v.visited = tfops.NewVariable(s, "mean_field/visited", tf.Bool, []int64{-1})
	}
	v.data = tfops.NewVariable(s, "data/x", dt, []int64{-1, int64(c.Sizes[0])})
	m.vars = v
	m.saver = tfops.NewSaver(s, v.saved())
	m.rows = v.data.Read(s.SubScope("training_rows"))
	m.idx = op.Placeholder(s.SubScope("minibatch_rows"), tf.Int32, op.PlaceholderShape(tf.MakeShape(-1, -1)))
	m.lr = op.Placeholder(s.SubScope("learning_rate"), dt, op.PlaceholderShape(tf.ScalarShape()))
	m.mom = op.Placeholder(s.SubScope("momentum"), dt, op.PlaceholderShape(tf.ScalarShape()))
	g, err := s.Finalize()
	if err != nil {
		return nest.Within("dbm: build graph", err)
	}
	m.graph = g
	m.scope = op.NewScopeWithGraph(g).SubScope("dbm")
	// Grappler is off for the reason given in package rbm: bit-identical results however the
	// updates are grouped into runs.
	m.sess, err = tfops.NewSession(g, &tfops.Options{IntraOpThreads: c.Threads, InterOpThreads: cmp.Or(c.InterOpThreads, runtime.NumCPU()), GPU: c.GPU, DisableGrappler: true, Target: c.Target})
	if err != nil {
		return nest.Within("dbm: ", err)
	}
	return nil
}

// initVariables sets the parameters, zero velocities, sparsity estimates at their targets,
// particles drawn from the biases-only model, and the step counter at 0.
func (m *DBM) initVariables(p Parameters) error {
	c := m.cfg
	var vars []*tfops.Variable
	var vals [][]float64
	for i := range p.W {
		vars = append(vars, m.vars.W[i], m.vars.dW[i])
		vals = append(vals, p.W[i], make([]float64, len(p.W[i])))
	}
	r := rand.New(rand.NewPCG(uint64(c.Seed), 0x9a47))
	for l, b := range p.B {
		vars = append(vars, m.vars.b[l], m.vars.db[l], m.vars.particles[l])
		vals = append(vals, b, make([]float64, len(b)), c.Units[l].Random(b, c.Particles, r))
		if l > 0 {
			q := make([]float64, len(b))
			for j := range q {
				if c.SparsityRule != optim.Original { // the original's estimates start at 0
					q[j] = c.SparsityTarget[l-1]
				}
			}
			vars, vals = append(vars, m.vars.q[l]), append(vals, q)
		}
	}
	tensors := make([]*tf.Tensor, 0, len(vars)+1)
	for i, v := range vars {
		t, err := tfops.TensorAs(vals[i], c.DType, v.Shape...)
		if err != nil {
			return nest.Within(fmt.Sprintf("dbm: init %s", v.Name), err)
		}
		tensors = append(tensors, t)
	}
	step, err := tf.NewTensor(int64(0))
	if err != nil {
		return err
	}
	vars, tensors = append(vars, m.vars.step), append(tensors, step)
	for _, o := range m.vars.offsets { // zero until Fit starts them at the data (initOffsets)
		t, err := tfops.TensorAs(make([]float64, o.Size()), c.DType, o.Shape...)
		if err != nil {
			return nest.Within(fmt.Sprintf("dbm: init %s", o.Name), err)
		}
		vars, tensors = append(vars, o), append(tensors, t)
	}
	for _, o := range m.vars.original() { // zeros, as the original's
		t, err := tfops.TensorAs(make([]float64, o.Size()), c.DType, o.Shape...)
		if err != nil {
			return nest.Within(fmt.Sprintf("dbm: init %s", o.Name), err)
		}
		vars, tensors = append(vars, o), append(tensors, t)
	}
	if err := tfops.InitVariables(m.sess, vars, tensors); err != nil {
		return nest.Within("dbm: ", err)
	}
	return nil
}

// Config returns the configuration with defaults filled in.
func (m *DBM) Config() Config { return m.cfg }

// Epoch returns the number of completed epochs.
func (m *DBM) Epoch() int { return m.epoch }

// Close releases the session; it may be called more than once.
func (m *DBM) Close() error {
	if m.sess == nil {
		return nil
	}
	return m.sess.Close()
}

// Parameters returns copies of the weights and biases.
func (m *DBM) Parameters() (Parameters, error) {
	L := len(m.vars.W)
	out, err := m.run(nil, m.paramReads()[:2*L+1], nil)
	if err != nil {
		return Parameters{}, err
	}
	return Parameters{W: out[:L], B: out[L:]}, nil
}

// readParams adds reads of every parameter.
func (m *DBM) readParams(s *op.Scope) params {
	var p params
	for _, w := range m.vars.W {
		p.W = append(p.W, w.Read(s))
	}
	for _, b := range m.vars.b {
		p.b = append(p.b, b.Read(s))
	}
	return p
}

func (m *DBM) run(feeds map[tf.Output]*tf.Tensor, fetches []tf.Output, targets []*tf.Operation) ([][]float64, error) {
	return tfops.RunValues("dbm", m.scope, m.sess, feeds, fetches, targets)
}

// SetParticles sets the persistent chains of every layer (Particles rows each, layer order),
// e.g. to training images and their features, as the original's MNIST and CIFAR examples do.
func (m *DBM) SetParticles(layers ...rbm.Data) error {
	c := m.cfg
	if len(layers) != len(c.Sizes) {
		return fmt.Errorf("dbm: %d particle sets for %d layers: %w", len(layers), len(c.Sizes), ErrShape)
	}
	tensors := make([]*tf.Tensor, len(layers))
	for l, d := range layers {
		n, err := checkData(fmt.Sprintf("particles of layer %d", l), d, c.Sizes[l])
		if err != nil {
			return err
		}
		if n != c.Particles {
			return fmt.Errorf("dbm: particles of layer %d: %d rows, want %d: %w", l, n, c.Particles, ErrShape)
		}
		if tensors[l], err = rowsTensor(d, 0, n, c.DType); err != nil {
			return err
		}
	}
	if err := tfops.InitVariables(m.sess, m.vars.particles, tensors); err != nil {
		return nest.Within("dbm: set particles", err)
	}
	return nil
}

// Graph returns the model's TensorFlow graph: its variables and every training, inference and
// estimation op built so far (for TensorBoard's graph tab). It must not be modified.
func (m *DBM) Graph() *tf.Graph { return m.graph }

// Updates returns the number of minibatch updates trained so far.
func (m *DBM) Updates() int64 { return m.iter }
