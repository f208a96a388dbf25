package mlp

import (
	"fmt"
	"math"
	"math/rand/v2"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// An MLP is a multilayer perceptron classifier whose training and inference run as one
// TensorFlow graph in a session. It is created by New or Load and must be closed with Close.
// Its methods are not safe for concurrent use.
type MLP struct {
	cfg   Config
	graph *tf.Graph
	sess  *tfops.Session
	saver *tfops.Saver

	kernels, biases []*tfops.Variable
	bn              []*bnVars // per layer; nil without batch normalization
	adam            *optim.AdamState
	dataX, dataY    *tfops.Variable
	rowsX, rowsY    tf.Output // the training rows and labels: the data variables, or fed per minibatch
	stream          Data      // the training rows when they are streamed (tfops.RowSource), else nil
	streamY         []int     // their labels

	// Training step: rows of the data variables, learning rate and step counter (for dropout
	// seeds) in; the mean loss and the number of correct predictions of the minibatch out.
	idx, lr, step tf.Output
	train         *tf.Operation
	batchLoss     tf.Output
	batchCorrect  tf.Output

	// Inference: x in, logits and probabilities out (no dropout).
	x, logits, probs tf.Output
	penalty          tf.Output // Σ_l L2_l·ΣW_l², the regularization term of the loss
	reads            []tf.Output
	bnReads          []bnRead // reads of the batch-normalization variables, per layer

	epoch int   // completed epochs
	iter  int64 // minibatch updates done
	rate  float64
}

// Config returns the configuration with defaults filled in (and without the initial values,
// which the model's variables now hold).
func (m *MLP) Config() Config { return m.cfg }

// Epoch returns the number of completed training epochs.
func (m *MLP) Epoch() int { return m.epoch }

// LearningRate returns the current learning rate (lowered by plateau reductions).
func (m *MLP) LearningRate() float64 { return m.rate }

// New builds an MLP from c with its layers initialised as c says.
func New(c Config) (*MLP, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	m := &MLP{cfg: c, rate: c.LearningRate}
	if err := m.build(); err != nil {
		return nil, err
	}
	if err := m.initVariables(); err != nil {
		m.Close()
		return nil, err
	}
	m.cfg = stripInit(c)
	return m, nil
}

func stripInit(c Config) Config {
	layers := append([]Layer(nil), c.Layers...)
	for i := range layers {
		layers[i].InitW, layers[i].InitB = nil, nil
	}
	c.Layers = layers
	return c
}

// Close releases the session; it may be called more than once.
func (m *MLP) Close() error {
	if m.sess == nil {
		return nil
	}
	return m.sess.Close()
}

// shapes returns the kernel shapes [inputs, units] of every layer.
func (c Config) shapes() [][2]int {
	out := make([][2]int, len(c.Layers))
	in := c.Inputs
	for i, l := range c.Layers {
		out[i] = [2]int{in, l.Units}
		in = l.Units
	}
	return out
}

// layerName is the Keras name of layer i: dense_1, dense_2, …
func layerName(i int) string { return fmt.Sprintf("dense_%d", i+1) }

func (m *MLP) build() error {
	c, dt := m.cfg, m.cfg.DType
	s := op.NewScope()
	var params []*tfops.Variable
	for i, sh := range c.shapes() {
		k := tfops.NewVariable(s, layerName(i)+"/kernel", dt, []int64{int64(sh[0]), int64(sh[1])})
		b := tfops.NewVariable(s, layerName(i)+"/bias", dt, []int64{int64(sh[1])})
		m.kernels, m.biases = append(m.kernels, k), append(m.biases, b)
		params = append(params, k, b)
	}
	m.bn = newBN(s, c)
	var moving []*tfops.Variable
	for _, b := range m.bn {
		if b != nil {
			params = append(params, b.gamma, b.beta)
			moving = append(moving, b.mean, b.variance)
		}
	}
	m.adam = c.Adam.NewState(s, params)
	m.saver = tfops.NewSaver(s, append(append(append([]*tfops.Variable(nil), params...), moving...), m.adam.Variables()...))
	m.dataX = tfops.NewVariable(s, "data/x", dt, []int64{-1, int64(c.Inputs)})
	m.dataY = tfops.NewVariable(s, "data/y", tf.Int32, []int64{-1})

	// Inference graph.
	is := s.SubScope("infer")
	m.x = op.Placeholder(is.SubScope("x"), dt, op.PlaceholderShape(tf.MakeShape(-1, int64(c.Inputs))))
	w, b := m.readParams(is)
	m.bnReads = readBN(is, m.bn)
	m.logits, _ = forward(is, c, w, b, m.bnReads, m.x, nil, false)
	m.probs = outputActivation(is, c, m.logits)
	m.penalty = penalty(is.SubScope("penalty"), c, w)
	for i := range w {
		m.reads = append(m.reads, w[i], b[i])
	}

	// Training graph.
	ts := s.SubScope("train")
	m.idx = op.Placeholder(ts.SubScope("rows"), tf.Int32, op.PlaceholderShape(tf.MakeShape(-1)))
	m.lr = op.Placeholder(ts.SubScope("learning_rate"), dt, op.PlaceholderShape(tf.ScalarShape()))
	m.step = op.Placeholder(ts.SubScope("step"), tf.Int64, op.PlaceholderShape(tf.ScalarShape()))
	zero := op.Const(ts.SubScope("axis0"), int32(0))
	m.rowsX, m.rowsY = m.dataX.Read(ts), m.dataY.Read(ts)
	x := op.GatherV2(ts.SubScope("x"), m.rowsX, m.idx, zero)
	y := op.GatherV2(ts.SubScope("y"), m.rowsY, m.idx, zero)
	tw, tb := m.readParams(ts)
	tbn := readBN(ts, m.bn)
	seeder := tfops.NewSeeder(c.Seed)
	seeds := make([]tf.Output, len(c.Layers))
	for i := range c.Layers {
		seeds[i] = tfops.Seed(ts.SubScope(fmt.Sprintf("dropout_seed%d", i)), seeder.Next(), m.step)
	}
	logits, stats := forward(ts, c, tw, tb, tbn, x, seeds, true)
	loss := dataLoss(ts.SubScope("loss"), c, logits, y)
	m.batchLoss = op.AddV2(ts.SubScope("total_loss"), loss, penalty(ts.SubScope("penalty"), c, tw))
	pred := op.Cast(ts.SubScope("pred"), op.ArgMax(ts.SubScope("argmax"), logits, op.Const(ts.SubScope("axis1"), int32(1)), op.ArgMaxOutputType(tf.Int32)), tf.Int32)
	m.batchCorrect = op.Sum(ts.SubScope("correct"), op.Cast(ts.SubScope("eq"), op.Equal(ts, pred, y), tf.Int32), op.Const(ts.SubScope("all"), []int32{0}))
	var values []tf.Output
	var ps []optim.Param
	for i := range tw {
		mult := c.Layers[i].LRMultiplier
		values = append(values, tw[i], tb[i])
		ps = append(ps, optim.Param{Var: m.kernels[i], Value: tw[i], Multiplier: mult}, optim.Param{Var: m.biases[i], Value: tb[i], Multiplier: mult})
	}
	for i, b := range m.bn {
		if b != nil {
			values = append(values, tbn[i].gamma, tbn[i].beta)
			ps = append(ps, optim.Param{Var: b.gamma, Value: tbn[i].gamma}, optim.Param{Var: b.beta, Value: tbn[i].beta})
		}
	}
	grads := op.Gradients(ts.SubScope("gradients"), []tf.Output{m.batchLoss}, values)
	var err error
	if m.train, err = c.Adam.Update(ts, m.adam, ps, grads, m.lr); err != nil {
		if s.Err() != nil {
			return fmt.Errorf("mlp: build graph: %w", s.Err())
		}
		return nest.Within("mlp: ", err)
	}
	if caps := m.maxNorms(ts, c); len(caps) > 0 {
		m.train = op.NoOp(ts.WithControlDependencies(caps...).SubScope("train_and_max_norm"))
	}
	if upd := movingUpdates(ts, m.bn, tbn, stats); len(upd) > 0 {
		m.train = op.NoOp(ts.WithControlDependencies(append(upd, m.train)...).SubScope("train_and_moving"))
	}
	g, err := s.Finalize()
	if err != nil {
		return nest.Within("mlp: build graph", err)
	}
	m.graph = g
	m.sess, err = tfops.NewSession(g, &tfops.Options{IntraOpThreads: c.Threads, GPU: c.GPU, Target: c.Target})
	if err != nil {
		return nest.Within("mlp: ", err)
	}
	return nil
}

// maxNorms adds, after the training step m.train, the ops that cap the kernels of layers with a
// MaxNorm (their columns' norms), and returns them.
func (m *MLP) maxNorms(s *op.Scope, c Config) []*tf.Operation {
	var caps []*tf.Operation
	after := s.WithControlDependencies(m.train).SubScope("max_norm")
	for i, l := range c.Layers {
		if l.MaxNorm > 0 {
			ls := after.SubScope(fmt.Sprintf("layer%d", i))
			caps = append(caps, m.kernels[i].Assign(ls, optim.MaxNorm{C: l.MaxNorm}.Apply(ls, m.kernels[i].Read(ls))))
		}
	}
	return caps
}

func (m *MLP) readParams(s *op.Scope) (w, b []tf.Output) {
	for i := range m.kernels {
		w = append(w, m.kernels[i].Read(s))
		b = append(b, m.biases[i].Read(s))
	}
	return w, b
}

// forward adds the layers to s and returns the last layer's pre-activation (the logits of a
// softmax output) and, when training, the minibatch statistics of the batch-normalized layers.
// seeds, when not nil, turns dropout on with one seed per layer.
func forward(s *op.Scope, c Config, w, b []tf.Output, bn []bnRead, x tf.Output, seeds []tf.Output, training bool) (tf.Output, []bnStat) {
	h := x
	stats := make([]bnStat, len(c.Layers))
	for i, l := range c.Layers {
		ls := s.SubScope(layerName(i))
		if seeds != nil && l.Dropout > 0 {
			h = dropout(ls.SubScope("dropout"), h, l.Dropout, seeds[i])
		}
		a := op.AddV2(ls.SubScope("preact"), op.MatMul(ls.SubScope("matmul"), h, w[i]), b[i])
		if i == len(c.Layers)-1 {
			return a, stats
		}
		if l.BatchNorm {
			a, stats[i] = normalize(ls, a, bn[i], training)
		}
		h = activate(ls, l.Activation, a)
	}
	return h, stats
}

// outputActivation applies the last layer's activation to its pre-activation.
func outputActivation(s *op.Scope, c Config, a tf.Output) tf.Output {
	l := c.Layers[len(c.Layers)-1]
	if l.Activation == Softmax {
		return op.Softmax(s.SubScope("softmax"), a)
	}
	return activate(s.SubScope("output"), l.Activation, a)
}

func activate(s *op.Scope, act string, a tf.Output) tf.Output {
	switch act {
	case Sigmoid:
		return op.Sigmoid(s.SubScope("sigmoid"), a)
	case ReLU:
		return op.Relu(s.SubScope("relu"), a)
	}
	return a
}

// dropout zeroes each element of x with probability rate and scales the others by 1/(1−rate).
func dropout(s *op.Scope, x tf.Output, rate float64, seed tf.Output) tf.Output {
	u := tfops.Uniform(s, op.Shape(s, x), seed, x.DataType())
	keep := op.Cast(s.SubScope("keep"), op.GreaterEqual(s, u, tfops.ScalarLike(s.SubScope("rate"), rate, x)), x.DataType())
	return op.Mul(s.SubScope("scale"), op.Mul(s.SubScope("mask"), x, keep), tfops.ScalarLike(s.SubScope("inv"), 1/(1-rate), x))
}

// dataLoss is the mean softmax cross-entropy of the labels y (int32) given the logits; for a
// non-softmax output it is the mean squared error against one-hot targets.
func dataLoss(s *op.Scope, c Config, logits, y tf.Output) tf.Output {
	dt := c.DType
	k := int32(c.Classes())
	onehot := op.OneHot(s.SubScope("onehot"), y, op.Const(s.SubScope("depth"), k), tfops.Scalar(s.SubScope("on"), 1, dt), tfops.Scalar(s.SubScope("off"), 0, dt))
	if c.Layers[len(c.Layers)-1].Activation == Softmax {
		// −log softmax(a)_y = logsumexp(a) − a_y, stable for any logits. (The C++ gradient of
		// SoftmaxCrossEntropyWithLogits mixes float32 into float64 graphs in TF 2.18.)
		// Reduction axes are int32: the C++ gradients of Sum and Max mix int32 shapes with int64 axes.
		ax := op.Const(s.SubScope("axis1"), []int32{1})
		mx := op.StopGradient(s, op.Max(s.SubScope("max"), logits, ax, op.MaxKeepDims(true)))
		shifted := op.Sub(s.SubScope("shift"), logits, mx)
		lse := op.Log(s, op.Sum(s.SubScope("sum_exp"), op.Exp(s, shifted), ax))
		ce := op.Sub(s.SubScope("xent"), lse, op.Sum(s.SubScope("target"), op.Mul(s.SubScope("pick"), onehot, shifted), ax))
		return op.Mean(s.SubScope("mean"), ce, op.Const(s.SubScope("axes"), []int32{0}))
	}
	out := outputActivation(s, c, logits)
	d := op.Sub(s.SubScope("diff"), out, onehot)
	return op.Mean(s.SubScope("mse"), op.Square(s, d), op.Const(s.SubScope("axes"), []int32{0, 1}))
}

// penalty is Σ_l L2_l·ΣW_l² (Keras' l2 kernel regularizer), a scalar of the model dtype.
func penalty(s *op.Scope, c Config, w []tf.Output) tf.Output {
	total := tfops.Scalar(s.SubScope("zero"), 0, c.DType)
	for i, l := range c.Layers {
		if l.L2 == 0 {
			continue
		}
		ls := s.SubScope(layerName(i))
		sq := op.Sum(ls, op.Square(ls, w[i]), op.Const(ls.SubScope("axes"), []int32{0, 1}))
		total = op.AddV2(ls.SubScope("add"), total, op.Mul(ls.SubScope("coef"), tfops.Scalar(ls.SubScope("l2"), l.L2, c.DType), sq))
	}
	return total
}

// initVariables sets the kernels and biases from the config (Glorot-uniform draws where no
// initial values are given) and Adam's state to zero.
func (m *MLP) initVariables() error {
	c := m.cfg
	var vars []*tfops.Variable
	var vals [][]float64
	for i, sh := range c.shapes() {
		l := c.Layers[i]
		w := l.InitW
		if w == nil {
			w = GlorotUniform(sh[0], sh[1], l.Seed)
		}
		b := l.InitB
		if b == nil {
			b = make([]float64, sh[1])
		}
		vars = append(vars, m.kernels[i], m.biases[i])
		vals = append(vals, w, b)
		if bn := m.bn[i]; bn != nil {
			ones, zeros := make([]float64, sh[1]), make([]float64, sh[1])
			for j := range ones {
				ones[j] = 1
			}
			vars = append(vars, bn.all()...)
			vals = append(vals, ones, zeros, zeros, ones)
		}
	}
	return m.setParams(vars, vals, true)
}

// setParams assigns vals to vars (and, with resetAdam, zeros to Adam's state).
func (m *MLP) setParams(vars []*tfops.Variable, vals [][]float64, resetAdam bool) error {
	var tensors []*tf.Tensor
	for i, v := range vars {
		t, err := tfops.TensorAs(vals[i], v.DType, v.Shape...)
		if err != nil {
			return nest.Within(fmt.Sprintf("mlp: init %s", v.Name), err)
		}
		tensors = append(tensors, t)
	}
	if resetAdam {
		z, err := m.adam.InitValues()
		if err != nil {
			return nest.Within("mlp: ", err)
		}
		vars = append(append([]*tfops.Variable(nil), vars...), m.adam.Variables()...)
		tensors = append(tensors, z...)
	}
	if err := tfops.InitVariables(m.sess, vars, tensors); err != nil {
		return nest.Within("mlp: ", err)
	}
	return nil
}

// GlorotUniform returns an in×out kernel drawn from U(±√(6/(in+out))) with seed: Keras'
// glorot_uniform initializer (the numbers differ from numpy's, the distribution is the same).
func GlorotUniform(in, out int, seed int64) []float64 {
	r := rand.New(rand.NewPCG(uint64(seed), 0x61020))
	lim := math.Sqrt(6 / float64(in+out))
	w := make([]float64, in*out)
	for i := range w {
		w[i] = (2*r.Float64() - 1) * lim
	}
	return w
}

// Weights returns copies of every layer's kernel (inputs×units, row-major) and bias.
func (m *MLP) Weights() (kernels, biases [][]float64, err error) {
	res, err := m.sess.Run(nil, m.reads, nil)
	if err != nil {
		return nil, nil, nest.Within("mlp: weights", err)
	}
	for i, r := range res {
		v, err := tfops.Values[float64](r)
		if err != nil {
			return nil, nil, nest.Within("mlp: weights", err)
		}
		if i%2 == 0 {
			kernels = append(kernels, v)
		} else {
			biases = append(biases, v)
		}
	}
	return kernels, biases, nil
}

// SetWeights sets every layer's kernel and bias (the shapes of Weights) and keeps Adam's state.
func (m *MLP) SetWeights(kernels, biases [][]float64) error {
	if len(kernels) != len(m.kernels) || len(biases) != len(m.biases) {
		return fmt.Errorf("mlp: set weights: %d kernels and %d biases for %d layers: %w", len(kernels), len(biases), len(m.kernels), tfops.ErrShape)
	}
	var vars []*tfops.Variable
	var vals [][]float64
	for i := range kernels {
		if len(kernels[i]) != m.kernels[i].Size() || len(biases[i]) != m.biases[i].Size() {
			return fmt.Errorf("mlp: set weights: layer %d has %d+%d values, want %d+%d: %w", i+1, len(kernels[i]), len(biases[i]), m.kernels[i].Size(), m.biases[i].Size(), tfops.ErrShape)
		}
		vars = append(vars, m.kernels[i], m.biases[i])
		vals = append(vals, kernels[i], biases[i])
	}
	return m.setParams(vars, vals, false)
}
