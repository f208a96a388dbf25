package serving

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// Sweeps is the "sweeps" input of a signature that unrolls up to Max sweeps of a chain (the
// Go bindings have no While loop): an int64 scalar fed at run time, checked to lie in
// [0, Max] when the signature runs (a run with another value fails with an
// InvalidArgument error naming the bounds).
type Sweeps struct {
	// Feed is the placeholder the signature names as its input.
	Feed tf.Output
	// N is Feed after the check: the graph computes on it.
	N tf.Output
	// Max is the number of sweeps unrolled.
	Max int
}

// NewSweeps adds a Sweeps input for up to max sweeps.
func NewSweeps(s *op.Scope, max int) Sweeps {
	s = s.SubScope("sweeps")
	feed := op.Placeholder(s, tf.Int64, op.PlaceholderShape(tf.ScalarShape()))
	ok := op.LogicalAnd(s, op.GreaterEqual(s.SubScope("ge"), feed, op.Const(s.SubScope("zero"), int64(0))),
		op.LessEqual(s.SubScope("le"), feed, op.Const(s.SubScope("max"), int64(max))))
	msg := op.Const(s.SubScope("msg"), "sweeps must lie in [0, the exported steps]; got, and the steps:")
	check := op.Assert(s, ok, []tf.Output{msg, feed, op.Const(s.SubScope("steps"), int64(max))})
	return Sweeps{Feed: feed, N: op.Identity(s.WithControlDependencies(check), feed), Max: max}
}

// Runs adds a bool scalar: whether sweep i (0-based) is one of the N run, i < N.
func (w Sweeps) Runs(s *op.Scope, i int) tf.Output {
	return op.Less(s.SubScope("runs"), op.Const(s.SubScope("i"), int64(i)), w.N)
}

// Keep adds where(sweep i runs, next, prev): the chain's state after sweep i.
func (w Sweeps) Keep(s *op.Scope, i int, next, prev tf.Output) tf.Output {
	s = s.SubScope("keep")
	return tfops.SelectV2(s, w.Runs(s, i), next, prev)
}

// Averaged adds a 0/1 scalar of dtype dt: whether sweep i is one of those a completion's mean
// averages, the last N − ⌊N/10⌋ of the N run (the first tenth is burn-in).
func (w Sweeps) Averaged(s *op.Scope, i int, dt tf.DataType) tf.Output {
	s = s.SubScope("averaged")
	burn := op.FloorDiv(s, w.N, op.Const(s.SubScope("ten"), int64(10)))
	in := op.LogicalAnd(s, w.Runs(s, i), op.GreaterEqual(s.SubScope("after"), op.Const(s.SubScope("i"), int64(i)), burn))
	return op.Cast(s, in, dt)
}

// SeedOf adds the [2] seed (seed[0], seed[1]·stride + off) of random op number off of a
// signature that draws with stride ops per call, from its seed input (int64 [2]): the same seed
// input gives the same draws, and different seed[1] give disjoint streams.
func SeedOf(s *op.Scope, seed tf.Output, stride, off int64) tf.Output {
	s = s.SubScope("seed_of")
	key := op.Slice(s.SubScope("key"), seed, op.Const(s.SubScope("b0"), []int32{0}), op.Const(s.SubScope("s0"), []int32{1}))
	ctr := op.AddV2(s, op.Mul(s, op.Slice(s, seed, op.Const(s.SubScope("b1"), []int32{1}), op.Const(s.SubScope("s1"), []int32{1})),
		op.Const(s.SubScope("stride"), []int64{stride})), op.Const(s.SubScope("off"), []int64{off}))
	return op.Concat(s, op.Const(s.SubScope("ax"), int32(0)), []tf.Output{key, ctr})
}
