package crbm

import (
	"fmt"
	"math/rand/v2"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// A CRBM is a classification RBM whose graph lives in a TensorFlow session. It is created by
// New or Load and must be closed with Close. Its methods are not safe for concurrent use.
type CRBM struct {
	cfg   Config
	graph *tf.Graph
	sess  *tfops.Session
	saver *tfops.Saver
	vars  variables

	// Training: rows of the data variables, learning rate and momentum in.
	idx, lr, mom tf.Output
	trainOp      *tf.Operation
	batchLoss    tf.Output
	// Semi-supervised training: also rows idxU of the unlabeled data variable.
	idxU      tf.Output
	trainSemi *tf.Operation
	semiLoss  tf.Output

	// Inference: x in, logits and p(y | x) out.
	x, logits, probs tf.Output
	reads            []tf.Output // W, U, b, c, d

	// Gradients on fed rows (tests and tools): gx, gy (int32 labels) and gStep in; the
	// discriminative and the generative gradients and the loss out.
	gx, gy, gStep tf.Output
	gDisc, gGen   params
	gUnl          params // the unlabeled gradient of log p(x) on gx
	gLoss         tf.Output

	epoch int   // completed epochs
	iter  int64 // minibatch updates done
}

type variables struct {
	W, U, b, c, d, dW, dU, db, dc, dd, step *tfops.Variable
	dataX, dataY, dataU                     *tfops.Variable
}

func (v variables) params() []*tfops.Variable { return []*tfops.Variable{v.W, v.U, v.b, v.c, v.d} }

func (v variables) velocities() []*tfops.Variable {
	return []*tfops.Variable{v.dW, v.dU, v.db, v.dc, v.dd}
}

// saved lists the variables of a checkpoint, in order.
func (v variables) saved() []*tfops.Variable {
	return append(append(v.params(), v.velocities()...), v.step)
}

// New builds a classification RBM from c, with W and U drawn from N(0, WeightStd²) with Seed
// and the biases at zero.
func New(c Config) (*CRBM, error) {
	m, err := open(c)
	if err != nil {
		return nil, err
	}
	if err := m.initVariables(); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// open validates c and builds the graph and the session; the variables are not set yet.
func open(c Config) (*CRBM, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	m := &CRBM{cfg: c.withDefaults()}
	if err := m.build(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *CRBM) build() error {
	c, dt := m.cfg, m.cfg.DType
	nv, nh, k := int64(c.NumVisible), int64(c.NumHidden), int64(c.Classes)
	s := op.NewScope()
	shapes := [][]int64{{nv, nh}, {k, nh}, {nv}, {nh}, {k}}
	for i, name := range []string{"W", "U", "b", "c", "d"} {
		p := tfops.NewVariable(s, "weights/"+name, dt, shapes[i])
		d := tfops.NewVariable(s, "velocities/d"+name, dt, shapes[i])
		switch i {
		case 0:
			m.vars.W, m.vars.dW = p, d
		case 1:
			m.vars.U, m.vars.dU = p, d
		case 2:
			m.vars.b, m.vars.db = p, d
		case 3:
			m.vars.c, m.vars.dc = p, d
		case 4:
			m.vars.d, m.vars.dd = p, d
		}
	}
	m.vars.step = tfops.NewVariable(s, "state/step", tf.Int64, []int64{})
	m.vars.dataX = tfops.NewVariable(s, "data/x", dt, []int64{-1, nv})
	m.vars.dataY = tfops.NewVariable(s, "data/y", tf.Int32, []int64{-1})
	m.vars.dataU = tfops.NewVariable(s, "data/unlabeled", dt, []int64{-1, nv})
	m.saver = tfops.NewSaver(s, m.vars.saved())

	// Inference.
	is := s.SubScope("infer")
	m.x = op.Placeholder(is.SubScope("x"), dt, op.PlaceholderShape(tf.MakeShape(-1, nv)))
	p := m.readParams(is)
	m.reads = p.list()
	m.logits, _ = logits(is, p, m.x)
	m.probs = op.Softmax(is.SubScope("probs"), m.logits)

	// Gradients on fed rows.
	gs := s.SubScope("gradients")
	m.gx = op.Placeholder(gs.SubScope("x"), dt, op.PlaceholderShape(tf.MakeShape(-1, nv)))
	m.gy = op.Placeholder(gs.SubScope("y"), tf.Int32, op.PlaceholderShape(tf.MakeShape(-1)))
	m.gStep = op.Placeholder(gs.SubScope("step"), tf.Int64, op.PlaceholderShape(tf.ScalarShape()))
	gp := m.readParams(gs)
	gt := m.onehot(gs, m.gy)
	m.gDisc, m.gLoss = discriminative(gs, gp, m.gx, gt)
	m.gGen = generative(gs, gp, m.gx, gt, c.CDSteps, m.seeder(m.gStep))
	m.gUnl = unlabeled(gs, gp, m.gx, c.CDSteps, m.seeder(m.gStep))

	// Training: one minibatch update, gathered from the data variables.
	ts := s.SubScope("train")
	m.idx = op.Placeholder(ts.SubScope("rows"), tf.Int32, op.PlaceholderShape(tf.MakeShape(-1)))
	m.lr = op.Placeholder(ts.SubScope("learning_rate"), dt, op.PlaceholderShape(tf.ScalarShape()))
	m.mom = op.Placeholder(ts.SubScope("momentum"), dt, op.PlaceholderShape(tf.ScalarShape()))
	zero := op.Const(ts.SubScope("axis0"), int32(0))
	x := op.GatherV2(ts.SubScope("x"), m.vars.dataX.Read(ts), m.idx, zero)
	y := op.GatherV2(ts.SubScope("y"), m.vars.dataY.Read(ts), m.idx, zero)
	step := m.vars.step.Read(ts)
	tp := m.readParams(ts)
	var g params
	g, m.batchLoss = direction(ts, c, tp, x, m.onehot(ts, y), m.seeder(step))
	m.trainOp = m.apply(ts.SubScope("apply"), tp, g, step)

	// Semi-supervised training: the same update plus Beta times the unlabeled gradient on a
	// minibatch of the unlabeled rows.
	ss := s.SubScope("train_semi")
	m.idxU = op.Placeholder(ss.SubScope("unlabeled_rows"), tf.Int32, op.PlaceholderShape(tf.MakeShape(-1)))
	zero = op.Const(ss.SubScope("axis0"), int32(0))
	x = op.GatherV2(ss.SubScope("x"), m.vars.dataX.Read(ss), m.idx, zero)
	y = op.GatherV2(ss.SubScope("y"), m.vars.dataY.Read(ss), m.idx, zero)
	xu := op.GatherV2(ss.SubScope("xu"), m.vars.dataU.Read(ss), m.idxU, zero)
	step = m.vars.step.Read(ss)
	sp := m.readParams(ss)
	g, m.semiLoss = direction(ss, c, sp, x, m.onehot(ss, y), m.seeder(step))
	gu := unlabeled(ss, sp, xu, c.CDSteps, m.seeder(step))
	bs := ss.SubScope("beta")
	beta := tfops.Scalar(bs, c.Beta, dt)
	gl, ul := g.list(), gu.list()
	for i := range gl {
		gl[i] = op.AddV2(bs.SubScope("add"), gl[i], op.Mul(bs.SubScope("mul"), beta, ul[i]))
	}
	m.trainSemi = m.apply(ss.SubScope("apply"), sp, params{W: gl[0], U: gl[1], b: gl[2], c: gl[3], d: gl[4]}, step)

	if err := s.Err(); err != nil {
		return nest.Within("crbm: build graph", err)
	}
	gr, err := s.Finalize()
	if err != nil {
		return nest.Within("crbm: build graph", err)
	}
	m.graph = gr
	// Grappler is off, as in rbm: its rewrites could make the rounding depend on the graph's
	// shape information rather than on the update alone.
	m.sess, err = tfops.NewSession(gr, &tfops.Options{IntraOpThreads: c.Threads, DisableGrappler: true})
	if err != nil {
		return nest.Within("crbm: ", err)
	}
	return nil
}

// seeder returns the seeds of the random ops of the negative phase: (key of the model seed and
// the role, step).
func (m *CRBM) seeder(step tf.Output) func(s *op.Scope, role uint64) tf.Output {
	return func(s *op.Scope, role uint64) tf.Output {
		return tfops.Seed(s, tfops.Key(m.cfg.Seed, role), step)
	}
}

// onehot adds the one-hot rows of int32 labels y, of the model dtype.
func (m *CRBM) onehot(s *op.Scope, y tf.Output) tf.Output {
	s = s.SubScope("onehot")
	dt := m.cfg.DType
	return op.OneHot(s, y, op.Const(s.SubScope("depth"), int32(m.cfg.Classes)), tfops.Scalar(s.SubScope("on"), 1, dt), tfops.Scalar(s.SubScope("off"), 0, dt))
}

func (m *CRBM) readParams(s *op.Scope) params {
	v := m.vars
	return params{W: v.W.Read(s), U: v.U.Read(s), b: v.b.Read(s), c: v.c.Read(s), d: v.d.Read(s)}
}

// apply adds the momentum step Δ ← momentum·Δ + lr·g, θ ← θ + Δ of every parameter (plain SGD
// for momentum 0) and the increment of the step counter, and returns the op that runs them.
func (m *CRBM) apply(s *op.Scope, p, g params, step tf.Output) *tf.Operation {
	var assigns []*tf.Operation
	vel, pv := m.vars.velocities(), m.vars.params()
	rule := optim.Momentum{Rule: optim.Classical}
	for i, gi := range g.list() {
		ps := s.SubScope(baseName(pv[i].Name))
		d := rule.Velocity(ps.SubScope("velocity"), vel[i].Read(ps), gi, m.lr, m.mom)
		assigns = append(assigns, vel[i].Assign(ps, d), pv[i].Assign(ps, op.AddV2(ps.SubScope("new"), p.list()[i], d)))
	}
	assigns = append(assigns, m.vars.step.Assign(s, op.AddV2(s.SubScope("step"), step, op.Const(s.SubScope("one"), int64(1)))))
	return op.NoOp(s.WithControlDependencies(assigns...).SubScope("done"))
}

func baseName(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[i+1:]
		}
	}
	return name
}

// initVariables sets W and U from N(0, WeightStd²) drawn with the seed, and everything else
// to zero.
func (m *CRBM) initVariables() error {
	c := m.cfg
	r := rand.New(rand.NewPCG(uint64(c.Seed), 0xc4b3))
	normal := func(n int) []float64 {
		w := make([]float64, n)
		for i := range w {
			w[i] = r.NormFloat64() * c.WeightStd
		}
		return w
	}
	w := normal(c.NumVisible * c.NumHidden)
	u := normal(c.Classes * c.NumHidden)
	p := Params{W: w, U: u, B: make([]float64, c.NumVisible), C: make([]float64, c.NumHidden), D: make([]float64, c.Classes)}
	if err := m.SetParams(p); err != nil {
		return err
	}
	var vars []*tfops.Variable
	var tensors []*tf.Tensor
	for _, v := range m.vars.velocities() {
		t, err := tfops.TensorAs(make([]float64, v.Size()), c.DType, v.Shape...)
		if err != nil {
			return nest.Within(fmt.Sprintf("crbm: init %s", v.Name), err)
		}
		vars, tensors = append(vars, v), append(tensors, t)
	}
	step, err := tf.NewTensor(int64(0))
	if err != nil {
		return nest.Within("crbm: init step", err)
	}
	if err := tfops.InitVariables(m.sess, append(vars, m.vars.step), append(tensors, step)); err != nil {
		return nest.Within("crbm: ", err)
	}
	return m.setData(nil, nil, nil)
}

// Params are the parameters of a classification RBM, row-major: W (NumVisible×NumHidden), U
// (Classes×NumHidden, row y the weights of label y), and the visible, hidden and label biases
// B, C and D. The energy is E(x, y, h) = −xᵀWh − Bᵀx − Cᵀh − D_y − Σ_j h_j U_yj.
type Params struct {
	W, U, B, C, D []float64
}

func (p Params) list() [][]float64 { return [][]float64{p.W, p.U, p.B, p.C, p.D} }

// Params returns copies of the model's parameters.
func (m *CRBM) Params() (Params, error) {
	out, err := m.run(nil, m.reads)
	if err != nil {
		return Params{}, nest.Within("crbm: parameters", err)
	}
	return Params{W: out[0], U: out[1], B: out[2], C: out[3], D: out[4]}, nil
}

// SetParams sets the model's parameters (the velocities are kept).
func (m *CRBM) SetParams(p Params) error {
	vals := [][]float64{p.W, p.U, p.B, p.C, p.D}
	vars := m.vars.params()
	tensors := make([]*tf.Tensor, len(vars))
	for i, v := range vars {
		if len(vals[i]) != v.Size() {
			return fmt.Errorf("crbm: set parameters: %s has %d values, want %d: %w", v.Name, len(vals[i]), v.Size(), tfops.ErrShape)
		}
		for j, x := range vals[i] {
			if !finite(x) {
				return fmt.Errorf("crbm: set parameters: %s value %d is %g: %w", v.Name, j, x, tfops.ErrData)
			}
		}
		t, err := tfops.TensorAs(vals[i], m.cfg.DType, v.Shape...)
		if err != nil {
			return nest.Within("crbm: set parameters", err)
		}
		tensors[i] = t
	}
	if err := tfops.InitVariables(m.sess, vars, tensors); err != nil {
		return nest.Within("crbm: set parameters", err)
	}
	return nil
}

// State returns the trained parameters by name ("weights/W", "weights/U", "weights/b",
// "weights/c", "weights/d"), each as a flat vector: training checks them for divergence after
// every epoch, and bm export refuses a model whose parameters are not finite.
func (m *CRBM) State() ([]train.Tensor, error) {
	p, err := m.Params()
	if err != nil {
		return nil, err
	}
	var out []train.Tensor
	for i, v := range p.list() {
		out = append(out, train.Tensor{Name: "weights/" + []string{"W", "U", "b", "c", "d"}[i], Shape: []int{len(v)}, Values: v})
	}
	return out, nil
}

// Config returns the model's configuration with every default filled in.
func (m *CRBM) Config() Config { return m.cfg }

// Epoch returns the number of completed training epochs.
func (m *CRBM) Epoch() int { return m.epoch }

// Updates returns the number of minibatch updates done so far.
func (m *CRBM) Updates() int64 { return m.iter }

// Graph returns the model's TensorFlow graph. It must not be modified.
func (m *CRBM) Graph() *tf.Graph { return m.graph }

// Close releases the session. It may be called more than once.
func (m *CRBM) Close() error {
	if m.sess == nil {
		return nil
	}
	return m.sess.Close()
}

// run runs the session and converts every fetch to float64 values.
func (m *CRBM) run(feeds map[tf.Output]*tf.Tensor, fetches []tf.Output) ([][]float64, error) {
	res, err := m.sess.Run(feeds, fetches, nil)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, len(res))
	for i, r := range res {
		if out[i], err = tfops.Values[float64](r); err != nil {
			return nil, err
		}
	}
	return out, nil
}
