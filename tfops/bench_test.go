package tfops

import (
	"os"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// The machine's two limits for the models' benchmarks (make bench): TensorFlow's MatMul rate at
// 1024³ and at the shapes of a 784×1024 RBM's update, and the memory bandwidth of a large copy.

func BenchmarkMatMul_1024x1024x1024(b *testing.B) { benchMatMul(b, 1024, 1024, 1024) }
func BenchmarkMatMul_10x784x1024(b *testing.B)    { benchMatMul(b, 10, 784, 1024) }
func BenchmarkMatMul_100x784x1024(b *testing.B)   { benchMatMul(b, 100, 784, 1024) }

// The same product with its float32 operands cast to bfloat16 or float16 and the result cast
// back: the lever of half-precision products (issue 28), cast costs included.
func BenchmarkMatMulBF16_100x784x1024(b *testing.B) { benchMatMulIn(b, tf.Bfloat16, 100, 784, 1024) }
func BenchmarkMatMulF16_100x784x1024(b *testing.B)  { benchMatMulIn(b, tf.Half, 100, 784, 1024) }

// benchMatMul times one float32 [m, k]·[k, n] MatMul per Session.Run, its operands held in
// variables (constants would be folded away), reporting GFLOP/s (2·m·k·n per product).
func benchMatMul(b *testing.B, m, k, n int) { benchMatMulIn(b, tf.Float, m, k, n) }

// benchMatMulIn is benchMatMul with the product computed in dt: float32 operands cast to dt,
// the product cast back to float32.
func benchMatMulIn(b *testing.B, dt tf.DataType, m, k, n int) {
	s := op.NewScope()
	x := NewVariable(s, "x", tf.Float, []int64{int64(m), int64(k)})
	y := NewVariable(s, "y", tf.Float, []int64{int64(k), int64(n)})
	xa, ya := x.Read(s), y.Read(s)
	if dt != tf.Float {
		xa, ya = op.Cast(s.SubScope("x16"), xa, dt), op.Cast(s.SubScope("y16"), ya, dt)
	}
	p := op.MatMul(s, xa, ya)
	if dt != tf.Float {
		p = op.Cast(s.SubScope("p32"), p, tf.Float)
	}
	prod := op.Sum(s, p, op.Const(s.SubScope("axes"), []int32{0, 1}))
	g, err := s.Finalize()
	if err != nil {
		b.Fatal(err)
	}
	sess, err := NewSession(g, &Options{GPU: os.Getenv("BENCH_GPU")})
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	values := func(r, c int) *tf.Tensor {
		v := make([]float32, r*c)
		for i := range v {
			v[i] = float32(i%7) * 0.01
		}
		t, err := TensorAs(v, tf.Float, int64(r), int64(c))
		if err != nil {
			b.Fatal(err)
		}
		return t
	}
	if err := InitVariables(sess, []*Variable{x, y}, []*tf.Tensor{values(m, k), values(k, n)}); err != nil {
		b.Fatal(err)
	}
	if _, err := sess.Run(nil, []tf.Output{prod}, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := sess.Run(nil, []tf.Output{prod}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(2*float64(m)*float64(k)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkCopy_256MiB copies 256 MiB (Go's copy, a memmove) and reports the bytes moved per
// second (read plus write): the memory bandwidth a large streaming operation gets.
func BenchmarkCopy_256MiB(b *testing.B) {
	const n = 256 << 20
	src, dst := make([]byte, n), make([]byte, n)
	for i := range src {
		src[i] = byte(i)
	}
	copy(dst, src)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		copy(dst, src)
	}
	b.ReportMetric(2*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
}
