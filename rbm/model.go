package rbm

import (
	"fmt"
	"math/rand/v2"
	"sync"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/anneal"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// An RBM is a restricted Boltzmann machine whose graph lives in a TensorFlow session. It is
// created by New or Load and must be closed with Close. Its methods are not safe for
// concurrent use.
type RBM struct {
	cfg    Config
	layers layers
	scope  *op.Scope
	graph  *tf.Graph
	sess   *tfops.Session
	vars   variables
	saver  *tfops.Saver

	// Training inputs.
	idx     tf.Output // [updates, batch] int32 minibatch row indices into the data variable
	rows    tf.Output // the training rows: the data variable's value, or a run's rows fed when streamed
	lr, mom tf.Output // scalars of the model dtype
	train   map[trainKey]*tf.Operation

	// Evaluation and inference inputs and outputs; built once, lazily.
	evalOnce sync.Once
	ev       evalOps

	readsOnce sync.Once
	reads     []tf.Output // reads of W, vb, hb, dW, dvb, dhb, built once (see paramReads)

	finiteOnce sync.Once
	finite     tf.Output // whether all of reads are finite (see AllFinite)

	completeOnce sync.Once
	complete     completeOps // Complete's graph (see completeGraph)

	ais       map[anneal.BlockKeyOf]*aisOps // annealing graphs by transitions per β and block, built on first use
	chainFeat map[int]tf.Output             // ChainFeatures' transform by k, built on first use

	epoch int   // last completed epoch
	iter  int64 // minibatch updates done
}

// paramReads returns reads of W, vb, hb, dW, dvb and dhb, added to the graph on first use
// only, so that repeated calls do not grow the graph.
func (m *RBM) paramReads() []tf.Output {
	m.readsOnce.Do(func() {
		s := m.scope.SubScope("read_parameters")
		v := m.vars
		m.reads = []tf.Output{v.W.Read(s), v.vb.Read(s), v.hb.Read(s), v.dW.Read(s), v.dvb.Read(s), v.dhb.Read(s)}
	})
	return m.reads
}

type trainKey struct{ k, updates int }

type variables struct {
	W, vb, hb, dW, dvb, dhb, q, chain, step, data *tfops.Variable
	extra                                         []*tfops.Variable // the training method's
	offV, offH                                    *tfops.Variable   // centering offsets (with Config.Centering)
}

// saved lists the variables that make up a checkpoint, in order.
func (v variables) saved() []*tfops.Variable {
	out := append([]*tfops.Variable{v.W, v.vb, v.hb, v.dW, v.dvb, v.dhb, v.q, v.chain, v.step}, v.extra...)
	if v.offV != nil {
		out = append(out, v.offV, v.offH)
	}
	return out
}

// New builds an RBM from c, with weights initialized as c says.
func New(c Config) (*RBM, error) {
	m, err := open(c)
	if err != nil {
		return nil, err
	}
	if err := m.initVariables(); err != nil {
		m.Close()
		return nil, err
	}
	// The variables hold the initial arrays now: drop them (an initial weight matrix can be
	// hundreds of megabytes), so that Config() of a new model, like a loaded one's, has none.
	m.cfg.InitW, m.cfg.InitVisibleBias, m.cfg.InitHiddenBias = nil, nil, nil
	return m, nil
}

// open validates c and builds the model's graph and session; its variables are not set yet
// (New sets them from c, Load from a checkpoint), so nothing of the model's size is allocated.
func open(c Config) (*RBM, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	m := &RBM{cfg: c, layers: newLayers(c), train: map[trainKey]*tf.Operation{}, ais: map[anneal.BlockKeyOf]*aisOps{}}
	if err := m.build(); err != nil {
		return nil, err
	}
	return m, nil
}

// build adds the variables and the training inputs and opens the session. Other ops are added
// to the same graph on first use (the session picks them up).
func (m *RBM) build() error {
	c, dt := m.cfg, m.cfg.DType
	nv, nh := int64(c.NumVisible), int64(c.NumHidden)
	s := op.NewScope()
	m.scope = s
	m.vars = variables{
		W:     tfops.NewVariable(s, "weights/W", dt, []int64{nv, nh}),
		vb:    tfops.NewVariable(s, "weights/vb", dt, []int64{nv}),
		hb:    tfops.NewVariable(s, "weights/hb", dt, []int64{nh}),
		dW:    tfops.NewVariable(s, "velocities/dW", dt, []int64{nv, nh}),
		dvb:   tfops.NewVariable(s, "velocities/dvb", dt, []int64{nv}),
		dhb:   tfops.NewVariable(s, "velocities/dhb", dt, []int64{nh}),
		q:     tfops.NewVariable(s, "sparsity/q", dt, []int64{nh}),
		chain: tfops.NewVariable(s, "persistent/chains", dt, []int64{int64(c.BatchSize), nv}),
		step:  tfops.NewVariable(s, "state/step", tf.Int64, []int64{}),
		data:  tfops.NewVariable(s, "data/x", dt, []int64{-1, nv}),
	}
	for _, e := range c.Method.Variables(c) {
		m.vars.extra = append(m.vars.extra, tfops.NewVariable(s, e.Name, dt, e.Shape))
	}
	if c.Centering > 0 {
		m.vars.offV = tfops.NewVariable(s, "centering/visible", dt, []int64{nv})
		m.vars.offH = tfops.NewVariable(s, "centering/hidden", dt, []int64{nh})
	}
	m.saver = tfops.NewSaver(s, m.vars.saved())
	m.rows = m.vars.data.Read(s.SubScope("training_rows"))
	m.idx = op.Placeholder(s.SubScope("minibatch_rows"), tf.Int32, op.PlaceholderShape(tf.MakeShape(-1, -1)))
	m.lr = op.Placeholder(s.SubScope("learning_rate"), dt, op.PlaceholderShape(tf.ScalarShape()))
	m.mom = op.Placeholder(s.SubScope("momentum"), dt, op.PlaceholderShape(tf.ScalarShape()))
	if err := s.Err(); err != nil {
		return nest.Within("rbm: build graph", err)
	}
	g, err := s.Finalize()
	if err != nil {
		return nest.Within("rbm: build graph", err)
	}
	m.graph = g
	// Finalize makes the scope unusable; keep building in the same graph through a new scope.
	m.scope = op.NewScopeWithGraph(g).SubScope("rbm")
	// Grappler is off: its arithmetic rewrites depend on inferred shapes, so the same update
	// unrolled differently could round differently, and the stream of updates would then depend
	// on how updates are grouped into runs.
	m.sess, err = tfops.NewSession(g, &tfops.Options{IntraOpThreads: c.Threads, GPU: c.GPU, DisableGrappler: true, Target: c.Target})
	if err != nil {
		return nest.Within("rbm: ", err)
	}
	return nil
}

// initVariables sets every variable from the config: W from InitW or N(0, WeightStd²) drawn
// with the model seed, biases from the init arrays (or zero), velocities zero, the sparsity
// estimate at its target, the chains at zero and the step counter at 0.
func (m *RBM) initVariables() error {
	c := m.cfg
	nv, nh := c.NumVisible, c.NumHidden
	w := c.InitW
	if w == nil {
		w = make([]float64, nv*nh)
		r := rand.New(rand.NewPCG(uint64(c.Seed), 0x5eed))
		for i := range w {
			w[i] = r.NormFloat64() * c.WeightStd
		}
	}
	q := make([]float64, nh)
	for i := range q {
		if c.SparsityRule != optim.Original { // the original's estimate starts at 0
			q[i] = c.SparsityTarget
		}
	}
	vals := [][]float64{w, broadcast(c.InitVisibleBias, nv), broadcast(c.InitHiddenBias, nh),
		make([]float64, nv*nh), make([]float64, nv), make([]float64, nh), q, make([]float64, c.BatchSize*nv)}
	vars := m.vars.saved()
	tensors := make([]*tf.Tensor, len(vars))
	for i, v := range vars[:len(vals)] {
		t, err := tfops.TensorAs(vals[i], c.DType, v.Shape...)
		if err != nil {
			return nest.Within(fmt.Sprintf("rbm: init %s", v.Name), err)
		}
		tensors[i] = t
	}
	step, err := tf.NewTensor(int64(0))
	if err != nil {
		return nest.Within("rbm: init step", err)
	}
	tensors[len(vals)] = step
	for i, v := range vars[len(vals)+1:] { // the method's variables and the offsets: zero
		t, err := tfops.TensorAs(make([]float64, v.Size()), c.DType, v.Shape...)
		if err != nil {
			return nest.Within(fmt.Sprintf("rbm: init %s", v.Name), err)
		}
		tensors[len(vals)+1+i] = t
	}
	if err := tfops.InitVariables(m.sess, vars, tensors); err != nil {
		return nest.Within("rbm: ", err)
	}
	return nil
}

func broadcast(v []float64, n int) []float64 {
	out := make([]float64, n)
	switch len(v) {
	case 0:
	case 1:
		for i := range out {
			out[i] = v[0]
		}
	default:
		copy(out, v)
	}
	return out
}

// Config returns the model's configuration, with every default filled in. It does not repeat
// the initial arrays (InitW, InitVisibleBias, InitHiddenBias): the model's variables hold them.
func (m *RBM) Config() Config { return m.cfg }

// Epoch returns the number of completed training epochs.
func (m *RBM) Epoch() int { return m.epoch }

// Updates returns the number of minibatch updates done so far.
func (m *RBM) Updates() int64 { return m.iter }

// SetEpochs sets the last epoch that Fit trains to (to continue a finished or resumed run).
// Per-epoch schedules must have one value or at least n values.
func (m *RBM) SetEpochs(n int) error {
	c := m.cfg
	c.Epochs = n
	return train.SetEpochs("rbm", n, c.Validate, &m.cfg.Epochs)
}

// Devices lists the names of the devices TensorFlow uses for the model.
func (m *RBM) Devices() ([]string, error) {
	d, err := m.sess.Devices()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(d))
	for i, x := range d {
		out[i] = x.Name
	}
	return out, nil
}

// Close releases the session. It may be called more than once.
func (m *RBM) Close() error {
	if m.sess == nil {
		return nil
	}
	return m.sess.Close()
}

// Weights returns copies of W (NumVisible×NumHidden, row-major), the visible and the hidden biases.
func (m *RBM) Weights() (w, vb, hb []float64, err error) {
	outs, err := m.run(nil, m.paramReads()[:3], nil)
	if err != nil {
		return nil, nil, nil, err
	}
	return outs[0], outs[1], outs[2], nil
}

// run runs the session and converts every fetch to float64 values; it first checks the scope
// for graph-building errors.
func (m *RBM) run(feeds map[tf.Output]*tf.Tensor, fetches []tf.Output, targets []*tf.Operation) ([][]float64, error) {
	return tfops.RunValues("rbm", m.scope, m.sess, feeds, fetches, targets)
}

// Graph returns the model's TensorFlow graph: its variables and every training, inference and
// estimation op built so far (for TensorBoard's graph tab). It must not be modified.
func (m *RBM) Graph() *tf.Graph { return m.graph }
