package tfops

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// SplitMatMul adds a·b (b transposed with transposeB) with the rows of a, and so of the product,
// shared out among devices: device i multiplies rows [i·n/D, (i+1)·n/D) of a, and the blocks
// are concatenated where s places ops. Each row of the product is computed as by one MatMul.
// With no devices it is MatMulT; with one, MatMulT placed on it.
func SplitMatMul(s *op.Scope, a, b tf.Output, transposeB bool, devices []string) tf.Output {
	switch len(devices) {
	case 0:
		return MatMulT(s, a, b, false, transposeB)
	case 1:
		return MatMulT(s.WithDevice(devices[0]), a, b, false, transposeB)
	}
	s = s.SubScope("split_matmul")
	blocks := rowBlocks(s, a, len(devices))
	out := make([]tf.Output, len(devices))
	for i, d := range devices {
		out[i] = MatMulT(s.WithDevice(d), blocks[i], b, false, transposeB)
	}
	return op.ConcatV2(s, out, op.Const(s.SubScope("axis"), int32(0)))
}

// SplitGram adds aᵀ·b, the sum over rows r of a[r]ᵀ·b[r], with the rows shared out among
// devices as SplitMatMul does: each device adds up its block's products and the partial sums
// are added where s places ops. The order of the additions differs from one MatMul's, so the
// result may differ from it in the last bits. With no devices it is MatMulT; with one, MatMulT
// placed on it.
func SplitGram(s *op.Scope, a, b tf.Output, devices []string) tf.Output {
	switch len(devices) {
	case 0:
		return MatMulT(s, a, b, true, false)
	case 1:
		return MatMulT(s.WithDevice(devices[0]), a, b, true, false)
	}
	s = s.SubScope("split_gram")
	as, bs := rowBlocks(s.SubScope("a"), a, len(devices)), rowBlocks(s.SubScope("b"), b, len(devices))
	parts := make([]tf.Output, len(devices))
	for i, d := range devices {
		parts[i] = MatMulT(s.WithDevice(d), as[i], bs[i], true, false)
	}
	return op.AddN(s, parts)
}

// rowBlocks slices x [n, …] into k blocks of consecutive rows, [i·n/k, (i+1)·n/k) for block i
// (n known only when the graph runs).
func rowBlocks(s *op.Scope, x tf.Output, k int) []tf.Output {
	// int64 arithmetic: n·i must not overflow for any number of rows.
	shape := op.Shape(s, x, op.ShapeOutType(tf.Int64))
	n := op.StridedSlice(s.SubScope("n"), shape, op.Const(s.SubScope("b"), []int32{0}), op.Const(s.SubScope("e"), []int32{1}),
		op.Const(s.SubScope("st"), []int32{1}), op.StridedSliceShrinkAxisMask(1))
	bound := func(s *op.Scope, i int) tf.Output {
		return op.FloorDiv(s, op.Mul(s, n, op.Const(s.SubScope("i"), int64(i))), op.Const(s.SubScope("k"), int64(k)))
	}
	rest := op.Const(s.SubScope("rest"), []int64{-1})
	out := make([]tf.Output, k)
	for i := range out {
		bs := s.SubScope("block")
		lo, hi := bound(bs.SubScope("lo"), i), bound(bs.SubScope("hi"), i+1)
		begin := op.Pack(bs.SubScope("begin"), []tf.Output{lo, op.Const(bs.SubScope("zero"), int64(0))})
		size := op.ConcatV2(bs.SubScope("size"), []tf.Output{op.Reshape(bs, op.Sub(bs, hi, lo), op.Const(bs.SubScope("one"), []int32{1})), rest}, op.Const(bs.SubScope("axis"), int32(0)))
		out[i] = op.Slice(bs, x, begin, size)
	}
	return out
}
