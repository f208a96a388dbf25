package tfops

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// A Seeder hands out the seed keys of a model's random ops (see the package doc). The zero
// value is a Seeder for model seed 0. It is not safe for concurrent use, like op.Scope.
type Seeder struct {
	seed int64
	n    uint64
}

// NewSeeder returns a Seeder for the model seed.
func NewSeeder(seed int64) *Seeder { return &Seeder{seed: seed} }

// Next returns the key of the next random op: a fixed, well-mixed function of the model seed
// and the number of keys handed out before.
func (r *Seeder) Next() int64 {
	r.n++
	return Key(r.seed, r.n)
}

// Key mixes a model seed and an op index into one int64 key with SplitMix64 (Steele et al. 2014).
func Key(seed int64, index uint64) int64 {
	z := uint64(seed) + index*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return int64(z >> 1) // non-negative
}

// Seed adds the [2]int64 seed (key, step) of a stateless random op. step is an int64 scalar.
func Seed(s *op.Scope, key int64, step tf.Output) tf.Output {
	s = s.SubScope("seed")
	return op.Pack(s, []tf.Output{op.Const(s.SubScope("key"), key), step})
}

// Uniform adds a tensor of the given dynamic shape (an int32/int64 vector) of Uniform[0,1)
// values of dtype dt, drawn with the stateless generator from seed.
func Uniform(s *op.Scope, shape, seed tf.Output, dt tf.DataType) tf.Output {
	return op.StatelessRandomUniform(s.SubScope("uniform"), shape, seed, op.StatelessRandomUniformDtype(dt))
}

// BernoulliSample adds a 0/1 sample with P(1) = p, elementwise, of the dtype of p.
func BernoulliSample(s *op.Scope, p, seed tf.Output) tf.Output {
	if s.Err() != nil || p.Op == nil {
		return p
	}
	s = s.SubScope("bernoulli")
	u := Uniform(s, op.Shape(s, p), seed, p.DataType())
	return op.Cast(s, op.Less(s, u, p), p.DataType())
}

// NormalSample adds mean + std·ε with ε ~ N(0,1) elementwise; std broadcasts against mean.
func NormalSample(s *op.Scope, mean, std, seed tf.Output) tf.Output {
	if s.Err() != nil || mean.Op == nil {
		return mean
	}
	s = s.SubScope("normal")
	eps := op.StatelessRandomNormal(s, op.Shape(s, mean), seed, op.StatelessRandomNormalDtype(mean.DataType()))
	return op.AddV2(s, mean, op.Mul(s, std, eps))
}

// CategoricalSample adds, for each row of logits [n, k], the index of one category drawn with
// probabilities softmax(row), as an int64 vector [n].
func CategoricalSample(s *op.Scope, logits, seed tf.Output) tf.Output {
	s = s.SubScope("categorical")
	idx := op.StatelessMultinomial(s, logits, op.Const(s.SubScope("one"), int32(1)), seed)
	return op.Squeeze(s, idx, op.SqueezeAxis([]int64{1}))
}

// MultinomialCounts adds, for each row of logits [n, k], the counts of m independent draws
// from the categorical distribution softmax(row): a [n, k] tensor of the logits' dtype whose
// rows sum to m. It needs O(n·m) memory (the draws are counted with one segment sum).
func MultinomialCounts(s *op.Scope, logits tf.Output, m int, seed tf.Output) tf.Output {
	if s.Err() != nil || logits.Op == nil {
		return logits
	}
	s = s.SubScope("multinomial")
	idx := op.StatelessMultinomial(s, logits, op.Const(s.SubScope("m"), int32(m)), seed) // [n, m] int64
	shape := op.Shape(s.SubScope("shape"), logits, op.ShapeOutType(tf.Int64))
	n := op.Slice(s.SubScope("n"), shape, op.Const(s.SubScope("n0"), []int64{0}), op.Const(s.SubScope("n1"), []int64{1}))
	k := op.Slice(s.SubScope("k"), shape, op.Const(s.SubScope("k0"), []int64{1}), op.Const(s.SubScope("k1"), []int64{1}))
	// Row r's draw j goes to segment r·k + idx[r, j].
	rows := op.Range(s.SubScope("rows"), op.Const(s.SubScope("r0"), int64(0)), op.Squeeze(s.SubScope("nn"), n), op.Const(s.SubScope("r1"), int64(1)))
	offsets := op.ExpandDims(s.SubScope("off"), op.Mul(s.SubScope("offk"), rows, op.Squeeze(s.SubScope("kk"), k)), op.Const(s.SubScope("ax"), int32(1)))
	seg := op.AddV2(s.SubScope("seg"), idx, offsets)
	ones := op.OnesLike(s, op.Cast(s.SubScope("onesf"), idx, logits.DataType()))
	total := op.Mul(s.SubScope("total"), op.Squeeze(s.SubScope("n2"), n), op.Squeeze(s.SubScope("k2"), k))
	counts := op.UnsortedSegmentSum(s, ones, seg, total)
	return op.Reshape(s, counts, op.Concat(s.SubScope("out_shape"), op.Const(s.SubScope("cax"), int32(0)), []tf.Output{n, k}))
}
