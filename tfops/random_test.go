package tfops

import (
	"math"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

const nSamples = 20000

// sampleGraph draws from one of the samplers with seed (key, step).
type sampler func(s *op.Scope, dt tf.DataType, seed tf.Output) tf.Output

var samplers = map[string]sampler{
	"bernoulli": func(s *op.Scope, dt tf.DataType, seed tf.Output) tf.Output {
		p := op.Fill(s, op.Const(s.SubScope("shape"), []int64{nSamples, 3}), Scalar(s, 0, dt))
		p = op.AddV2(s, p, op.Const(s.SubScope("p"), mustTensor([]float64{0.1, 0.5, 0.9}, dt)))
		return BernoulliSample(s, p, seed)
	},
	"normal": func(s *op.Scope, dt tf.DataType, seed tf.Output) tf.Output {
		mean := op.Fill(s, op.Const(s.SubScope("shape"), []int64{nSamples}), Scalar(s, 2, dt))
		return NormalSample(s, mean, Scalar(s, 3, dt), seed)
	},
	"multinomial": func(s *op.Scope, dt tf.DataType, seed tf.Output) tf.Output {
		logits := op.Log(s, op.Const(s.SubScope("p"), mustTensor(rep([]float64{0.1, 0.2, 0.3, 0.4}, 4000), dt, 4000, 4)))
		return MultinomialCounts(s, logits, 50, seed)
	},
	"categorical": func(s *op.Scope, dt tf.DataType, seed tf.Output) tf.Output {
		logits := op.Log(s, op.Const(s.SubScope("p"), mustTensor(rep([]float64{0.25, 0.75}, nSamples), dt, nSamples, 2)))
		return op.Cast(s, CategoricalSample(s, logits, seed), tf.Double)
	},
}

func mustTensor(v []float64, dt tf.DataType, shape ...int64) *tf.Tensor {
	t, err := TensorAs(v, dt, shape...)
	if err != nil {
		panic(err) // test-only helper with constant inputs
	}
	return t
}

func rep(row []float64, n int) []float64 {
	out := make([]float64, 0, len(row)*n)
	for i := 0; i < n; i++ {
		out = append(out, row...)
	}
	return out
}

func draw(t *testing.T, name string, dt tf.DataType, key, step int64) []float64 {
	t.Helper()
	return runGraph(t, func(s *op.Scope) []tf.Output {
		return []tf.Output{samplers[name](s, dt, Seed(s, key, op.Const(s.SubScope("step"), step)))}
	})[0]
}

// within4σ reports whether got is within 4 standard errors of want.
func within4σ(t *testing.T, what string, got, want, se float64) {
	t.Helper()
	if math.Abs(got-want) > 4*se {
		t.Errorf("%s = %.5f, want %.5f ± 4·%.5f", what, got, want, se)
	}
}

// TestSampleMoments checks sample means and variances of every sampler within 4σ.
func TestSampleMoments(t *testing.T) {
	for _, tc := range dtypes {
		t.Run(tc.name, func(t *testing.T) {
			b := draw(t, "bernoulli", tc.dt, 7, 0)
			for j, p := range []float64{0.1, 0.5, 0.9} {
				var col []float64
				for i := j; i < len(b); i += 3 {
					if b[i] != 0 && b[i] != 1 {
						t.Fatalf("bernoulli sample %g is not 0/1", b[i])
					}
					col = append(col, b[i])
				}
				m, _ := meanVar(col)
				within4σ(t, "bernoulli mean", m, p, math.Sqrt(p*(1-p)/nSamples))
			}

			n := draw(t, "normal", tc.dt, 7, 0)
			m, v := meanVar(n)
			within4σ(t, "normal mean", m, 2, 3/math.Sqrt(nSamples))
			within4σ(t, "normal variance", v, 9, 9*math.Sqrt(2.0/(nSamples-1)))

			c := draw(t, "multinomial", tc.dt, 7, 0)
			probs := []float64{0.1, 0.2, 0.3, 0.4}
			for r := 0; r < 4000; r++ {
				if sum := c[4*r] + c[4*r+1] + c[4*r+2] + c[4*r+3]; sum != 50 {
					t.Fatalf("multinomial row %d sums to %g, want 50", r, sum)
				}
			}
			for k, p := range probs {
				var col []float64
				for r := 0; r < 4000; r++ {
					col = append(col, c[4*r+k])
				}
				m, v := meanVar(col)
				within4σ(t, "multinomial count mean", m, 50*p, math.Sqrt(50*p*(1-p)/4000))
				// Var(s²) = σ⁴(2/(n−1) + κ/n), κ = (1−6p(1−p))/(m·p(1−p)) the binomial excess kurtosis.
				s2 := 50 * p * (1 - p)
				kurt := (1 - 6*p*(1-p)) / s2
				within4σ(t, "multinomial count variance", v, s2, s2*math.Sqrt(2.0/3999+kurt/4000))
			}

			k := draw(t, "categorical", tc.dt, 7, 0)
			m, _ = meanVar(k)
			within4σ(t, "categorical P(1)", m, 0.75, math.Sqrt(0.75*0.25/nSamples))
		})
	}
}

// TestSeedDeterminism checks that the same (key, step) gives bit-identical samples in a new
// session and a new graph, and that another key or another step gives different ones.
func TestSeedDeterminism(t *testing.T) {
	for _, tc := range dtypes {
		for name := range samplers {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				a := draw(t, name, tc.dt, 11, 3)
				b := draw(t, name, tc.dt, 11, 3)
				if !slices.Equal(a, b) {
					t.Errorf("same seed gave different samples")
				}
				if slices.Equal(a, draw(t, name, tc.dt, 12, 3)) {
					t.Errorf("key 12 gave the same samples as key 11")
				}
				if slices.Equal(a, draw(t, name, tc.dt, 11, 4)) {
					t.Errorf("step 4 gave the same samples as step 3")
				}
			})
		}
	}
}

// TestSeederKeys checks that keys are reproducible, distinct and depend on the model seed.
func TestSeederKeys(t *testing.T) {
	a, b, c := NewSeeder(1), NewSeeder(1), NewSeeder(2)
	seen := map[int64]bool{}
	for i := 0; i < 1000; i++ {
		ka, kb, kc := a.Next(), b.Next(), c.Next()
		if ka != kb {
			t.Fatalf("key %d: %d and %d from the same seed", i, ka, kb)
		}
		if ka == kc {
			t.Fatalf("key %d: seeds 1 and 2 both gave %d", i, ka)
		}
		if ka < 0 || seen[ka] {
			t.Fatalf("key %d = %d is negative or repeated", i, ka)
		}
		seen[ka] = true
	}
}
