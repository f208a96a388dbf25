package dbm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/floats"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// tinyDBM is a small DBM with an independent Go reference of its energy.
type tinyDBM struct {
	name  string
	sizes []int
	units []rbm.Unit
	sigma []float64 // Gaussian visible σ
	draws []int     // per layer: M for multinomial layers (one group), 0 otherwise
	p     Parameters
}

var tinyDBMs = []tinyDBM{
	{name: "binary-4-3-2", sizes: []int{4, 3, 2}},
	{name: "binary-3-2-3-2", sizes: []int{3, 2, 3, 2}},
	{name: "binary-4-3", sizes: []int{4, 3}},
	{name: "gaussian-2-3-2", sizes: []int{2, 3, 2}, units: []rbm.Unit{rbm.Gaussian{Sigma: []float64{1, 0.5}}, nil, nil}, sigma: []float64{1, 0.5}},
	{name: "multinomial-top-3-2-3", sizes: []int{3, 2, 3}, units: []rbm.Unit{nil, nil, rbm.Multinomial{Draws: 2}}, draws: []int{0, 0, 2}},
}

func (d tinyDBM) withParams(seed uint64) tinyDBM {
	r := rand.New(rand.NewPCG(seed, 7))
	d.p = Parameters{}
	for i := 0; i+1 < len(d.sizes); i++ {
		w := make([]float64, d.sizes[i]*d.sizes[i+1])
		for j := range w {
			w[j] = r.NormFloat64() * 0.8
		}
		d.p.W = append(d.p.W, w)
	}
	for _, n := range d.sizes {
		b := make([]float64, n)
		for j := range b {
			b[j] = r.NormFloat64() * 0.5
		}
		d.p.B = append(d.p.B, b)
	}
	return d
}

func (d tinyDBM) model(t *testing.T, dt tf.DataType, extra func(*Config)) *DBM {
	t.Helper()
	c := Config{Sizes: d.sizes, Units: d.units, DType: dt, Seed: 3, Particles: 50, BatchSize: 8}
	if extra != nil {
		extra(&c)
	}
	m, err := NewWithParameters(c, d.p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func (d tinyDBM) gaussian() bool { return d.sigma != nil }

func (d tinyDBM) multi(l int) int {
	if d.draws == nil {
		return 0
	}
	return d.draws[l]
}

// layerStates enumerates the states of layer l (binary, or counts of a multinomial layer).
func (d tinyDBM) layerStates(l int) [][]float64 {
	n := d.sizes[l]
	if m := d.multi(l); m > 0 {
		var out [][]float64
		var rec func(prefix []float64, left int)
		rec = func(prefix []float64, left int) {
			if len(prefix) == n-1 {
				out = append(out, append(append([]float64(nil), prefix...), float64(left)))
				return
			}
			for c := 0; c <= left; c++ {
				rec(append(prefix, float64(c)), left-c)
			}
		}
		rec(nil, m)
		return out
	}
	var out [][]float64
	for code := 0; code < 1<<n; code++ {
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(code >> i & 1)
		}
		out = append(out, s)
	}
	return out
}

// visibleStates returns every visible state, both as rows of a slice and as a matrix.
func (d tinyDBM) visibleStates() ([][]float64, *dataset.Matrix[float64]) {
	vs := d.layerStates(0)
	x := dataset.NewMatrix[float64](len(vs), d.sizes[0])
	for i, v := range vs {
		copy(x.Row(i), v)
	}
	return vs, x
}

// energy is E(x) from the definitions; x[0] may be nil for Gaussian visible units, then the
// visible layer's terms are left out (see logIntegralV).
func (d tinyDBM) energy(x [][]float64) float64 {
	var e float64
	for l, s := range x {
		if s == nil {
			continue
		}
		for j, v := range s {
			if l == 0 && d.gaussian() {
				z := (v - d.p.B[0][j]) / d.sigma[j]
				e += z * z / 2
			} else {
				e -= v * d.p.B[l][j]
			}
		}
		if m := d.multi(l); m > 0 {
			lm, _ := math.Lgamma(float64(m + 1))
			e -= lm
			for _, v := range s {
				lv, _ := math.Lgamma(v + 1)
				e += lv
			}
		}
	}
	for i := 0; i+1 < len(x); i++ {
		if x[i] == nil {
			continue
		}
		for a, va := range x[i] {
			if i == 0 && d.gaussian() {
				va /= d.sigma[a]
			}
			for b, vb := range x[i+1] {
				e -= va * d.p.W[i][a*d.sizes[i+1]+b] * vb
			}
		}
	}
	return e
}

// logIntegralV is log ∫ exp(−E_v(v; h₁)) dv for Gaussian visible units, by the trapezoid rule.
func (d tinyDBM) logIntegralV(h1 []float64) float64 {
	var total float64
	for i := 0; i < d.sizes[0]; i++ {
		a := 0.0
		for j, h := range h1 {
			a += d.p.W[0][i*d.sizes[1]+j] * h
		}
		s, b := d.sigma[i], d.p.B[0][i]
		mu := b + s*a
		peak := -((mu-b)/s)*((mu-b)/s)/2 + mu*a/s
		const n = 4001
		lo, dx := mu-15*s, 30*s/(n-1)
		sum := 0.0
		for k := 0; k < n; k++ {
			x := lo + float64(k)*dx
			z := (x - b) / s
			w := 1.0
			if k == 0 || k == n-1 {
				w = 0.5
			}
			sum += w * math.Exp(-z*z/2+x*a/s-peak)
		}
		total += peak + math.Log(sum*dx)
	}
	return total
}

// joint enumerates every hidden configuration, calling f with the layers (x[0] nil).
func (d tinyDBM) joint(f func(x [][]float64)) {
	x := make([][]float64, len(d.sizes))
	var rec func(l int)
	rec = func(l int) {
		if l == len(d.sizes) {
			f(x)
			return
		}
		for _, s := range d.layerStates(l) {
			x[l] = s
			rec(l + 1)
		}
	}
	rec(1)
}

// logZ is log Σ exp(−E) over every state (visible integrated for Gaussian units).
func (d tinyDBM) logZ() float64 {
	var terms []float64
	d.joint(func(x [][]float64) {
		if d.gaussian() {
			terms = append(terms, -d.energy(x)+d.logIntegralV(x[1]))
			return
		}
		for _, v := range d.layerStates(0) {
			x[0] = v
			terms = append(terms, -d.energy(x))
		}
		x[0] = nil
	})
	return floats.LogSumExp(terms)
}

// logUnnormalized is log Σ_h exp(−E(v, h)) for a visible vector v.
func (d tinyDBM) logUnnormalized(v []float64) float64 {
	var terms []float64
	d.joint(func(x [][]float64) {
		x[0] = v
		terms = append(terms, -d.energy(x))
		x[0] = nil
	})
	return floats.LogSumExp(terms)
}

var dtypes = []struct {
	name string
	dt   tf.DataType
	tol  float64
}{{"float64", tf.Double, 1e-9}, {"float32", tf.Float, 3e-4}}

// TestExactLogZ checks the odd-layer enumeration against brute force over every layer.
func TestExactLogZ(t *testing.T) {
	for _, d := range tinyDBMs {
		d := d.withParams(1)
		for _, dt := range dtypes {
			t.Run(d.name+"/"+dt.name, func(t *testing.T) {
				got, err := d.model(t, dt.dt, nil).ExactLogZ()
				if err != nil {
					t.Fatal(err)
				}
				if want := d.logZ(); math.Abs(got-want) > dt.tol*math.Max(1, math.Abs(want)) {
					t.Errorf("exact log Z = %.10g, want %.10g", got, want)
				}
			})
		}
	}
}

// TestAISLogZ checks the AIS estimate against the exact log Z (1,000 distributions, 200 runs:
// on models this small the estimate is within a few hundredths of a nat).
func TestAISLogZ(t *testing.T) {
	for _, d := range tinyDBMs {
		d := d.withParams(2)
		t.Run(d.name, func(t *testing.T) {
			est, err := d.model(t, tf.Double, nil).AISLogZ(context.Background(), AISOptions{Betas: 1000, Runs: 200})
			if err != nil {
				t.Fatal(err)
			}
			want := d.logZ()
			if math.Abs(est.LogZ-want) > 0.05 {
				t.Errorf("AIS log Z = %.4f (%.4f, %.4f), exact %.4f", est.LogZ, est.Low, est.High, want)
			}
			if len(est.Runs) != 200 || !(est.High > est.LogZ) {
				t.Errorf("AIS runs %d, high %.4f ≤ estimate %.4f", len(est.Runs), est.High, est.LogZ)
			}
		})
	}
}

// TestLowerBoundSaturated checks the bound of a 1-hidden-layer DBM with saturated hidden units
// (μ within 1e-7 of 0 or 1): mean field is exact there, so the bound must equal log p(x) and
// never exceed it (a clipped entropy made it exceed by ~1.7e-6 nats per saturated unit).
func TestLowerBoundSaturated(t *testing.T) {
	d := tinyDBMs[2].withParams(4) // 4-3
	for i := range d.p.W[0] {
		d.p.W[0][i] *= 25
	}
	m := d.model(t, tf.Double, func(c *Config) { c.MeanFieldSteps = 50; c.MeanFieldTol = 1e-12 })
	logZ := d.logZ()
	vs, x := d.visibleStates()
	lb, err := m.LowerBound(x, logZ)
	if err != nil {
		t.Fatal(err)
	}
	mus, err := m.MeanField(x)
	if err != nil {
		t.Fatal(err)
	}
	saturated := 0
	for _, mu := range mus[0].Data {
		if mu < 1e-7 || mu > 1-1e-7 {
			saturated++
		}
	}
	if saturated == 0 {
		t.Fatal("no saturated hidden unit: the test would not test clipping")
	}
	for i, v := range vs {
		exact := d.logUnnormalized(v) - logZ
		if lb[i] > exact+1e-12 || lb[i] < exact-1e-9 {
			t.Errorf("bound %.12f, exact log p(%v) = %.12f: want equal, never above", lb[i], v, exact)
		}
	}
}

// TestLowerBound checks that the variational bound lies below the exact log p(x) and that
// the mean-field parameters are a fixed point of the mean-field equations.
func TestLowerBound(t *testing.T) {
	for _, d := range tinyDBMs[:3] { // Bernoulli hidden layers
		d := d.withParams(3)
		t.Run(d.name, func(t *testing.T) {
			m := d.model(t, tf.Double, func(c *Config) { c.MeanFieldSteps = 200; c.MeanFieldTol = 1e-12 })
			logZ := d.logZ()
			vs, x := d.visibleStates()
			lb, err := m.LowerBound(x, logZ)
			if err != nil {
				t.Fatal(err)
			}
			var gap float64
			for i, v := range vs {
				exact := d.logUnnormalized(v) - logZ
				if lb[i] > exact+1e-9 {
					t.Errorf("bound %.6f above log p(%v) = %.6f", lb[i], v, exact)
				}
				gap += exact - lb[i]
			}
			if gap/float64(len(vs)) > 1 {
				t.Errorf("mean gap between log p(x) and its bound = %.3f nats, want < 1", gap/float64(len(vs)))
			}
			mus, err := m.MeanField(x)
			if err != nil {
				t.Fatal(err)
			}
			for r := 0; r < x.Rows; r++ {
				layers := [][]float64{x.Row(r)}
				for _, mu := range mus {
					layers = append(layers, mu.Row(r))
				}
				for l := 1; l < len(layers); l++ {
					for j := range layers[l] {
						in := d.p.B[l][j]
						for i, v := range layers[l-1] {
							in += v * d.p.W[l-1][i*d.sizes[l]+j]
						}
						if l+1 < len(layers) {
							for k, v := range layers[l+1] {
								in += v * d.p.W[l][j*d.sizes[l+1]+k]
							}
						}
						if want := 1 / (1 + math.Exp(-in)); math.Abs(layers[l][j]-want) > 1e-9 {
							t.Fatalf("row %d: μ[%d][%d] = %.12f is not a mean-field fixed point (%.12f)", r, l, j, layers[l][j], want)
						}
					}
				}
			}
		})
	}
}

// TestSampleMarginals checks that Gibbs chains through all layers reach the exact visible means.
func TestSampleMarginals(t *testing.T) {
	for _, d := range []tinyDBM{tinyDBMs[0], tinyDBMs[3]} {
		d := d.withParams(4)
		t.Run(d.name, func(t *testing.T) {
			m := d.model(t, tf.Double, nil)
			s, err := m.Sample(context.Background(), SampleOptions{Chains: 20000, Steps: 100, Seed: 5})
			if err != nil {
				t.Fatal(err)
			}
			logZ := d.logZ()
			for i := 0; i < d.sizes[0]; i++ {
				// Exact E[v_i] = Σ_h p(h)·E[v_i | h₁].
				want := 0.0
				d.joint(func(x [][]float64) {
					var lp float64
					a := d.p.B[0][i]
					in := 0.0
					for j, h := range x[1] {
						in += d.p.W[0][i*d.sizes[1]+j] * h
					}
					if d.gaussian() {
						lp = -d.energy(x) + d.logIntegralV(x[1]) - logZ
						a += d.sigma[i] * in
					} else {
						var terms []float64
						for _, v := range d.layerStates(0) {
							x[0] = v
							terms = append(terms, -d.energy(x))
						}
						x[0] = nil
						lp = floats.LogSumExp(terms) - logZ
						a = 1 / (1 + math.Exp(-(a + in)))
					}
					want += math.Exp(lp) * a
				})
				var s1, s2 float64
				for r := 0; r < s.Rows; r++ {
					v := s.Row(r)[i]
					s1, s2 = s1+v, s2+v*v
				}
				n := float64(s.Rows)
				mean := s1 / n
				se := math.Sqrt((s2/n - mean*mean) / n)
				if math.Abs(mean-want) > 4*se {
					t.Errorf("E[v_%d]: chains %.4f, exact %.4f ± 4·%.4f", i, mean, want, se)
				}
			}
		})
	}
}

// TestTrainingImprovesLikelihood trains a tiny DBM jointly and checks the exact log-likelihood
// of its training data rises.
func TestTrainingImprovesLikelihood(t *testing.T) {
	d := tinyDBM{name: "train", sizes: []int{6, 4, 3}}.withParams(5)
	for i := range d.p.W {
		for j := range d.p.W[i] {
			d.p.W[i][j] *= 0.1
		}
	}
	x := dataset.NewMatrix[float64](64, 6)
	for i := 0; i < x.Rows; i++ {
		for j := 0; j < 6; j++ {
			if (i%2 == 0) == (j < 3) {
				x.Data[i*6+j] = 1
			}
		}
	}
	ll := func(m *DBM) float64 {
		p, err := m.Parameters()
		if err != nil {
			t.Fatal(err)
		}
		e := d
		e.p = p
		logZ := e.logZ()
		var s float64
		for i := 0; i < x.Rows; i++ {
			s += e.logUnnormalized(x.Row(i)) - logZ
		}
		return s / float64(x.Rows)
	}
	m := d.model(t, tf.Double, func(c *Config) { c.Epochs = 30; c.LearningRate = []float64{0.05}; c.Momentum = []float64{0.5} })
	before := ll(m)
	if _, err := m.Fit(context.Background(), x, x, nil); err != nil {
		t.Fatal(err)
	}
	after := ll(m)
	if after < before+1 {
		t.Errorf("exact log-likelihood %.3f → %.3f, want a gain of at least 1 nat", before, after)
	}
}

// TestResumeIsBitIdentical trains 4 epochs straight, and 2 + save + load + 2.
func TestResumeIsBitIdentical(t *testing.T) {
	for _, centering := range []float64{0, 0.1} {
		t.Run(fmt.Sprintf("centering=%g", centering), func(t *testing.T) { testResume(t, centering) })
	}
}

func testResume(t *testing.T, centering float64) {
	d := tinyDBMs[0].withParams(6)
	r := rand.New(rand.NewPCG(1, 1))
	x := dataset.NewMatrix[float64](37, 4)
	for i := range x.Data {
		x.Data[i] = float64(r.IntN(2))
	}
	cfg := func(c *Config) {
		c.Epochs = 4
		c.SparsityCost = []float64{0.01}
		c.MaxNorm = 1.5
		c.GibbsSteps = []int{1, 2}
		c.UpdatesPerRun = 2
		c.Centering = centering
	}
	straight := d.model(t, tf.Float, cfg)
	if _, err := straight.Fit(context.Background(), x, nil, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	half := d.model(t, tf.Float, func(c *Config) { cfg(c); c.Epochs = 2 })
	if _, err := half.Fit(context.Background(), x, nil, &FitOptions{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	resumed, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer resumed.Close()
	if err := resumed.SetEpochs(4); err != nil {
		t.Fatal(err)
	}
	if _, err := resumed.Fit(context.Background(), x, nil, nil); err != nil {
		t.Fatal(err)
	}
	a, _ := straight.Parameters()
	b, _ := resumed.Parameters()
	for i := range a.W {
		if !slices.Equal(a.W[i], b.W[i]) {
			t.Errorf("W%d differs after resume", i)
		}
	}
	for l := range a.B {
		if !slices.Equal(a.B[l], b.B[l]) {
			t.Errorf("b%d differs after resume", l)
		}
	}
}
