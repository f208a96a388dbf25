package anneal

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// BlockKey returns the seed key of block b's draws for a random op whose one-block key is key:
// key itself for block 0, so that one block draws the streams it always did, and a key mixed
// with b for the others, so that every block's chains are independent of the others'.
func BlockKey(key int64, b int) int64 {
	if b == 0 {
		return key
	}
	return tfops.Key(key, uint64(b))
}

// BlockKeyOf identifies one block's annealing graph of a model: its transitions per β, its
// index and its device. Models cache their graphs by it.
type BlockKeyOf struct {
	Sweeps, Block int
	Device        string
}

// ScopeName returns the name of the block's graph scope: prefix_sweeps for block 0 (one block's
// graph is named as it always was), prefix_sweeps_bB for the others.
func (k BlockKeyOf) ScopeName(prefix string) string {
	if k.Block == 0 && k.Device == "" {
		return fmt.Sprintf("%s_%d", prefix, k.Sweeps)
	}
	return fmt.Sprintf("%s_%d_b%d", prefix, k.Sweeps, k.Block)
}

// BlockRuns returns how many of runs each of blocks blocks holds: the first runs%blocks blocks
// one more than the others.
func BlockRuns(runs, blocks int) []int {
	out := make([]int, blocks)
	for b := range out {
		out[b] = runs / blocks
		if b < runs%blocks {
			out[b]++
		}
	}
	return out
}

// Blocks are Chains made of several Graphs of one session, each holding a block of the runs
// (BlockRuns) with random streams of its own, possibly on a device of its own. Every step runs
// all blocks in one Session.Run, so blocks on different tasks of a cluster work at once; the
// log-weights are the blocks' in order.
type Blocks []*Graph

// NewBlocks builds the chains of o's block plan for sweeps transitions per β: graph returns
// block k's Graph. One block is returned as its Graph.
func NewBlocks(o Options, sweeps int, graph func(k BlockKeyOf) *Graph) (Chains, error) {
	blocks, devices, err := o.BlockPlan()
	if err != nil {
		return nil, err
	}
	gs := make(Blocks, 0, blocks)
	for b, dev := range devices {
		gs = append(gs, graph(BlockKeyOf{Sweeps: sweeps, Block: b, Device: dev}))
	}
	if blocks == 1 {
		return gs[0], nil
	}
	return gs, nil
}

// Reset starts the blocks' share of runs chains at the base distribution.
func (bs Blocks) Reset(runs int) error {
	if runs < len(bs) {
		return fmt.Errorf("anneal: %d runs in %d blocks, want at least one run per block", runs, len(bs))
	}
	feeds := map[tf.Output]*tf.Tensor{}
	var targets []*tf.Operation
	for b, n := range BlockRuns(runs, len(bs)) {
		t, err := tf.NewTensor(int32(n))
		if err != nil {
			return err
		}
		feeds[bs[b].Runs] = t
		bs[b].Feeds(feeds)
		targets = append(targets, bs[b].Init)
	}
	_, err := bs[0].Run(feeds, nil, targets)
	return err
}

// StartAt starts each block's chains at its rows of the start data (block b's rows follow
// block b−1's).
func (bs Blocks) StartAt(runs int) error {
	if runs < len(bs) {
		return fmt.Errorf("anneal: %d runs in %d blocks, want at least one run per block", runs, len(bs))
	}
	first := 0
	for b, n := range BlockRuns(runs, len(bs)) {
		if err := bs[b].Start(bs[b], first, n); err != nil {
			return err
		}
		first += n
	}
	return nil
}

// Step runs Chunk steps along betas in every block at once.
func (bs Blocks) Step(betas []float64, k0 int64) error {
	feeds := map[tf.Output]*tf.Tensor{}
	var targets []*tf.Operation
	for _, g := range bs {
		bt, err := tfops.TensorAs(betas, g.DType)
		if err != nil {
			return err
		}
		kt, err := tf.NewTensor(k0)
		if err != nil {
			return err
		}
		feeds[g.Betas], feeds[g.K0] = bt, kt
		g.Feeds(feeds)
		targets = append(targets, g.Chunk)
	}
	_, err := bs[0].Run(feeds, nil, targets)
	return err
}

// LogWeights returns every block's log-weights, block after block, and log Z of the base.
func (bs Blocks) LogWeights() ([]float64, float64, error) {
	feeds := map[tf.Output]*tf.Tensor{}
	fetches := []tf.Output{bs[0].LogZ0}
	for _, g := range bs {
		g.Feeds(feeds)
		fetches = append(fetches, g.LogW)
	}
	out, err := bs[0].Run(feeds, fetches, nil)
	if err != nil {
		return nil, 0, err
	}
	var logw []float64
	for _, w := range out[1:] {
		logw = append(logw, w...)
	}
	return logw, out[0][0], nil
}

// Cache returns reads of copies of xs held in variables on s's device, and the ops that copy
// xs into them (to run when the chains start): a block on another task then receives the
// model's parameters once, when it starts, instead of at every Session.Run of its steps.
func Cache(s *op.Scope, xs []tf.Output) (reads []tf.Output, assigns []*tf.Operation) {
	s = s.SubScope("cache")
	for i, x := range xs {
		shape := make([]int64, x.Shape().NumDimensions())
		for d := range shape {
			shape[d] = -1
		}
		v := tfops.NewVariable(s, fmt.Sprintf("param%d", i), x.DataType(), shape)
		assigns = append(assigns, v.Assign(s, x))
		reads = append(reads, v.Read(s))
	}
	return reads, assigns
}
