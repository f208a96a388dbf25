package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// spin is a unit type written the way a user adds one: this type, its methods and one
// RegisterUnit call, nothing else in the package. Spins take the values −1 and +1:
// p(x = +1 | input) = σ(2(input + b)), SelfEnergy = −x·b.
type spin struct{}

func init() {
	RegisterUnit("spin", func(UnitSpec) (Unit, error) { return spin{}, nil })
}

func (spin) Name() string { return "spin" }
func (spin) Validate(n int) error {
	if n <= 0 {
		return errorf("spin layer of %d units", n)
	}
	return nil
}
func (spin) Stat(s *op.Scope, x tf.Output) tf.Output { return x }
func (spin) Mean(s *op.Scope, input, b tf.Output) tf.Output {
	s = s.SubScope("spin_mean")
	return op.Tanh(s, op.AddV2(s, input, b))
}
func (spin) Sample(s *op.Scope, input, b, mean, seed tf.Output) tf.Output {
	// P(+1) = (1 + mean)/2; x = 2·Bernoulli − 1.
	s = s.SubScope("spin_sample")
	half := tfops.ScalarLike(s, 0.5, mean)
	p := op.Mul(s, op.AddV2(s, mean, tfops.ScalarLike(s.SubScope("one"), 1, mean)), half)
	bit := tfops.BernoulliSample(s, p, seed)
	return op.Sub(s, op.Mul(s.SubScope("x2"), bit, tfops.ScalarLike(s.SubScope("two"), 2, mean)), tfops.ScalarLike(s.SubScope("one_"), 1, mean))
}
func (spin) LogPartition(s *op.Scope, input, b tf.Output) tf.Output {
	// log(e^a + e^−a) = softplus(2a) − a.
	s = s.SubScope("spin_log_partition")
	a := op.AddV2(s, input, b)
	two := op.Mul(s, a, tfops.ScalarLike(s, 2, a))
	return sumRows(s, op.Sub(s, tfops.Softplus(s, two), a))
}
func (spin) SelfEnergy(s *op.Scope, x, b tf.Output) tf.Output {
	s = s.SubScope("spin_self_energy")
	return op.Neg(s, sumRows(s, op.Mul(s, x, b)))
}
func (spin) BiasStat(s *op.Scope, x, b tf.Output) tf.Output { return x }
func (spin) States(n int) ([]float64, error) {
	out := make([]float64, 0, (1<<n)*n)
	for code := 0; code < 1<<n; code++ {
		for j := 0; j < n; j++ {
			out = append(out, float64(2*(code>>j&1)-1))
		}
	}
	return out, nil
}
func (spin) Domain() Domain   { return Discrete }
func (s spin) Spec() UnitSpec { return UnitSpec{Type: s.Name()} }
func (spin) Random(b []float64, n int, r *rand.Rand) []float64 {
	out := make([]float64, n*len(b))
	for i := range out {
		out[i] = float64(2*r.IntN(2) - 1)
	}
	return out
}

type errorString string

func (e errorString) Error() string { return string(e) }

func errorf(format string, a ...any) error { return errorString(fmt.Sprintf(format, a...)) }

// TestNewUnitTypeIsOneFile builds RBMs with the spin unit above as visible or hidden layer:
// log Z equals a brute-force sum over every joint state, the model saves and loads through
// model.json by the unit's registered name, and it trains with parallel tempering.
func TestNewUnitTypeIsOneFile(t *testing.T) {
	const nv, nh = 4, 3
	r := rand.New(rand.NewPCG(6, 7))
	w, b, c := make([]float64, nv*nh), make([]float64, nv), make([]float64, nh)
	for _, s := range [][]float64{w, b, c} {
		for i := range s {
			s[i] = r.NormFloat64() * 0.6
		}
	}
	vs, _ := spin{}.States(nv)
	hs, _ := Bernoulli{}.States(nh)
	var z float64
	for i := 0; i < len(vs)/nv; i++ {
		for j := 0; j < len(hs)/nh; j++ {
			v, h := vs[i*nv:(i+1)*nv], hs[j*nh:(j+1)*nh]
			e := 0.0
			for a := range v {
				e += b[a] * v[a]
				for k := range h {
					e += v[a] * w[a*nh+k] * h[k]
				}
			}
			for k := range h {
				e += c[k] * h[k]
			}
			z += math.Exp(e)
		}
	}
	m := newModel(t, Config{Visible: spin{}, NumVisible: nv, NumHidden: nh, DType: tf.Double, InitW: w, InitVisibleBias: b, InitHiddenBias: c,
		Method: Tempering{Replicas: 3}, BatchSize: 4, Epochs: 1})
	logZ, err := m.ExactLogZ()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(logZ-math.Log(z)) > 1e-12 {
		t.Errorf("log Z with spin visible units = %.15f, brute force %.15f", logZ, math.Log(z))
	}
	x := fixtures.BinaryData(8, nv, 1)
	for i := range x.Data {
		x.Data[i] = 2*x.Data[i] - 1
	}
	dir := t.TempDir()
	if _, err := m.Fit(t.Context(), x, nil, &FitOptions{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	if got := loaded.Config().Visible.Name(); got != "spin" {
		t.Errorf("loaded visible unit %q, want spin", got)
	}
	if u, err := ParseUnit("spin", 0, 0, nil); err != nil || u.Name() != "spin" {
		t.Errorf("ParseUnit(spin) = %v, %v", u, err)
	}
}
