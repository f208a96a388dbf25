package dbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// chunkSweeps is the number of mean-field sweeps per Session.Run when training runs each
// minibatch's mean field in chunks (see chunkedMF): the sweeps then stop within chunkSweeps − 1
// of convergence instead of computing all MeanFieldSteps of them (an unrolled graph freezes μ
// once converged but still computes every sweep).
const chunkSweeps = 5

// boundChunkSweeps is the same for the lower bound's mean field (up to boundSweeps sweeps).
const boundChunkSweeps = 10

// chunkedOff makes training and the bound unroll their mean field into one run (tests compare
// both).
var chunkedOff bool

// chunked reports whether training runs of updates minibatch updates run the mean field in
// chunks: one update per run, and more sweeps allowed than one chunk.
func (m *DBM) chunked(updates int) bool {
	return updates == 1 && !chunkedOff && m.cfg.MeanFieldSteps > chunkSweeps
}

// A chunkedMF is a mean field run in chunks of sweeps, one Session.Run each, μ kept in the state
// variables between them: the start op sets μ to its start (from the rows x); each chunk op runs
// up to its number of sweeps from μ (layer 1's input from the rows computed once, by the start
// op), stopping as the unrolled mean field does, and returns
// whether it converged and how many sweeps changed μ. The same sweeps and values as the unrolled
// graph, so the same results bit for bit, without computing the sweeps after convergence.
type chunkedMF struct {
	name  string
	x     func(s *op.Scope) tf.Output                       // the rows
	start func(s *op.Scope, x, below tf.Output) []tf.Output // μ's start ([0] unused) from the rows and their dataInput
	state []*tfops.Variable                                 // μ between runs ([0] nil)
	below *tfops.Variable                                   // the rows' input to layer 1 (net.dataInput), set by the start op
	steps int                                               // the most sweeps
	per   int                                               // sweeps per chunk
	tol   float64

	startOp *tf.Operation
	chunks  map[int]mfChunk
}

type mfChunk struct {
	op          *tf.Operation
	done, count tf.Output
}

// ops returns the start op and the chunk op of the given sweeps, built on first use.
func (m *DBM) chunkOps(c *chunkedMF, sweeps int) (*tf.Operation, mfChunk, error) {
	if c.startOp == nil {
		s := m.scope.SubScope(c.name + "_start")
		x := c.x(s)
		below := m.net.dataInput(s, m.readParams(s), x)
		start := c.start(s, x, below)
		writes := append(assignLayers(s.SubScope("write"), c.state, start), c.below.Assign(s.SubScope("write"), below))
		c.startOp = op.NoOp(s.WithControlDependencies(writes...).SubScope("done"))
		c.chunks = map[int]mfChunk{}
	}
	ch, ok := c.chunks[sweeps]
	if !ok {
		s := m.scope.SubScope(c.name + "_chunk")
		p := m.readParams(s)
		var mu []tf.Output
		mu, ch.count, ch.done = m.net.meanFieldDone(s, p, c.x(s), c.below.Read(s), readLayers(s, c.state), sweeps, c.tol)
		ch.op = op.NoOp(s.WithControlDependencies(assignLayers(s.SubScope("write"), c.state, mu)...).SubScope("done"))
		c.chunks[sweeps] = ch
	}
	if err := m.scope.Err(); err != nil {
		return nil, mfChunk{}, nest.Within("dbm: build mean-field graph", err)
	}
	return c.startOp, ch, nil
}

// runChunked runs c's mean field on the rows feeds select, chunk by chunk, until it converges or
// c.steps sweeps have run, leaving μ in c.state, and returns the number of sweeps that changed μ
// (as the unrolled mean field counts them).
func (m *DBM) runChunked(c *chunkedMF, feeds map[tf.Output]*tf.Tensor) (float64, error) {
	total := 0.0
	for done := 0; done < c.steps; done += c.per {
		start, ch, err := m.chunkOps(c, min(c.per, c.steps-done))
		if err != nil {
			return 0, err
		}
		if done == 0 {
			if _, err := m.run(feeds, nil, []*tf.Operation{start}); err != nil {
				return 0, err
			}
		}
		out, err := m.sess.Run(feeds, []tf.Output{ch.done, ch.count}, []*tf.Operation{ch.op})
		if err != nil {
			return 0, err
		}
		count, err := tfops.Values[float64](out[1])
		if err != nil {
			return 0, err
		}
		total += count[0]
		if out[0].Value().(bool) {
			break
		}
	}
	return total, nil
}

// minibatch adds the rows of the minibatch that a training run's update 0 reads.
func (m *DBM) minibatch(s *op.Scope) tf.Output {
	return op.GatherV2(s.SubScope("batch"), m.rows, m.batchRows(s), op.Const(s.SubScope("axis"), int32(0)))
}

// trainMF returns the training's chunked mean field: from the bottom-up pass, from the stored μ
// with MeanFieldPrevious, or from each row's own last μ with MeanFieldRow.
func (m *DBM) trainMF() *chunkedMF {
	if m.trainChunks == nil {
		c, v := m.cfg, m.vars
		m.trainChunks = &chunkedMF{name: "train_mf", x: m.minibatch, state: v.mf, below: v.mfBelow, steps: c.MeanFieldSteps, per: chunkSweeps, tol: c.MeanFieldTol,
			start: func(s *op.Scope, x, below tf.Output) []tf.Output {
				if v.mu != nil {
					return readLayers(s, v.mu)
				}
				mu, _, _ := m.net.meanFieldDone(s, m.readParams(s), x, below, nil, 0, c.MeanFieldTol) // the bottom-up pass alone
				if v.rowMu != nil {
					mu = m.rowStart(s.SubScope("row_start"), mu)
				}
				return mu
			}}
	}
	return m.trainChunks
}

// meanFieldChunks runs the training minibatch's mean field (the rows feeds select) in chunks and
// returns the number of sweeps that changed μ.
func (m *DBM) meanFieldChunks(feeds map[tf.Output]*tf.Tensor) (float64, error) {
	return m.runChunked(m.trainMF(), feeds)
}

// batchRows adds the indices of the rows of a training run's update 0 (into m.rows).
func (m *DBM) batchRows(s *op.Scope) tf.Output {
	return op.Gather(s.SubScope("idx"), m.idx, op.Const(s.SubScope("i"), int32(0)))
}

// rowStart returns the mean field's start with MeanFieldRow: each row's stored μ where the row
// was visited before in this Fit, the bottom-up pass's where not.
func (m *DBM) rowStart(s *op.Scope, bottomUp []tf.Output) []tf.Output {
	v := m.vars
	// ResourceGather reads the rows alone: a read of the whole variable would copy it, as
	// TensorFlow copies a variable on every read once a sparse update has touched it.
	idx := m.batchRows(s)
	seen := op.ResourceGather(s.SubScope("seen"), v.visited.Handle, idx, tf.Bool)
	out := append([]tf.Output{bottomUp[0]}, make([]tf.Output, len(bottomUp)-1)...)
	for l := 1; l < len(bottomUp); l++ {
		ls := s.SubScope("layer")
		stored := op.ResourceGather(ls.SubScope("stored"), v.rowMu[l].Handle, idx, m.cfg.DType)
		out[l] = op.Select(ls, seen, stored, bottomUp[l])
	}
	return out
}

// storeRows adds the ops that keep the minibatch's final μ (mu, [0] unused) as its rows' next
// start and mark the rows visited (MeanFieldRow); none without it.
func (m *DBM) storeRows(s *op.Scope, mu []tf.Output) []*tf.Operation {
	v := m.vars
	if v.rowMu == nil {
		return nil
	}
	idx := m.batchRows(s)
	var ops []*tf.Operation
	for l := 1; l < len(mu); l++ {
		ops = append(ops, op.ResourceScatterUpdate(s.SubScope("store_row"), v.rowMu[l].Handle, idx, mu[l]))
	}
	ones := op.Fill(s.SubScope("ones"), op.Shape(s.SubScope("n"), idx), op.Const(s.SubScope("true"), true))
	return append(ops, op.ResourceScatterUpdate(s.SubScope("visit"), v.visited.Handle, idx, ones))
}

// initRows sets every one of the n training rows unvisited, with zero stored μ (MeanFieldRow),
// unless they already are for n rows (a later Fit of the same rows in this session keeps them).
func (m *DBM) initRows(n int) error {
	v, c := m.vars, m.cfg
	if v.rowMu == nil || m.rowsInit == n {
		return nil
	}
	vars := []*tfops.Variable{v.visited}
	vals := []*tf.Tensor{}
	t, err := tf.NewTensor(make([]bool, n))
	if err != nil {
		return nest.Within("dbm: warm starts", err)
	}
	vals = append(vals, t)
	for l := 1; l < len(v.rowMu); l++ {
		z, err := tfops.TensorAs(make([]float64, n*c.Sizes[l]), c.DType, int64(n), int64(c.Sizes[l]))
		if err != nil {
			return nest.Within("dbm: warm starts", err)
		}
		vars, vals = append(vars, v.rowMu[l]), append(vals, z)
	}
	if err := tfops.InitVariables(m.sess, vars, vals); err != nil {
		return nest.Within("dbm: warm starts", err)
	}
	m.rowsInit = n
	return nil
}
