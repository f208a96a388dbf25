package rbm

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// A tiny model and an independent Go reference of its energy, for exact enumeration.
type tiny struct {
	name   string
	nv, nh int
	v, h   Unit
	sigma  []float64 // Gaussian visible σ, per unit
	draws  int       // Multinomial hidden: M
	groups int       // Multinomial hidden: number of groups
	w      []float64 // nv×nh
	b, c   []float64
}

var tinies = []tiny{
	{name: "bernoulli-bernoulli", nv: 5, nh: 4, v: Bernoulli{}, h: Bernoulli{}},
	{name: "bernoulli-multinomial", nv: 5, nh: 3, v: Bernoulli{}, h: Multinomial{Draws: 3}, draws: 3, groups: 1},
	{name: "bernoulli-multinomial-2groups", nv: 4, nh: 4, v: Bernoulli{}, h: Multinomial{Draws: 2, Groups: 2}, draws: 2, groups: 2},
	{name: "gaussian-bernoulli", nv: 3, nh: 4, v: Gaussian{Sigma: []float64{0.5, 1, 2}}, h: Bernoulli{}, sigma: []float64{0.5, 1, 2}},
}

var tinyDTypes = []struct {
	name string
	dt   tf.DataType
	tol  float64 // absolute tolerance on free energies and log Z
}{
	{"float64", tf.Double, 1e-10},
	{"float32", tf.Float, 2e-4},
}

// withParams fills the tiny model's parameters from a fixed seed.
func (m tiny) withParams(seed uint64) tiny {
	r := rand.New(rand.NewPCG(seed, 99))
	m.w = make([]float64, m.nv*m.nh)
	for i := range m.w {
		m.w[i] = r.NormFloat64() * 0.7
	}
	m.b, m.c = make([]float64, m.nv), make([]float64, m.nh)
	for i := range m.b {
		m.b[i] = r.NormFloat64() * 0.5
	}
	for i := range m.c {
		m.c[i] = r.NormFloat64() * 0.5
	}
	return m
}

func (m tiny) model(t *testing.T, dt tf.DataType, extra func(*Config)) *RBM {
	t.Helper()
	c := Config{Visible: m.v, Hidden: m.h, NumVisible: m.nv, NumHidden: m.nh, DType: dt, Seed: 5,
		InitW: m.w, InitVisibleBias: m.b, InitHiddenBias: m.c}
	if extra != nil {
		extra(&c)
	}
	r, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func (m tiny) gaussian() bool { return m.sigma != nil }

// energy is E(v, h), written out from the definitions (independently of the graph code).
func (m tiny) energy(v, h []float64) float64 {
	var e float64
	for i := range v {
		if m.gaussian() {
			d := (v[i] - m.b[i]) / m.sigma[i]
			e += d * d / 2
		} else {
			e -= v[i] * m.b[i]
		}
	}
	for j := range h {
		e -= h[j] * m.c[j]
	}
	if m.draws > 0 { // −log multinomial coefficient of each group
		k := m.nh / m.groups
		for g := 0; g < m.groups; g++ {
			lm, _ := math.Lgamma(float64(m.draws + 1))
			e -= lm
			for _, x := range h[g*k : (g+1)*k] {
				lx, _ := math.Lgamma(x + 1)
				e += lx
			}
		}
	}
	for i := range v {
		s := v[i]
		if m.gaussian() {
			s /= m.sigma[i]
		}
		for j := range h {
			e -= s * m.w[i*m.nh+j] * h[j]
		}
	}
	return e
}

// binaryStates enumerates {0,1}^n.
func binaryStates(n int) [][]float64 {
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

// hiddenStates enumerates the hidden layer's states.
func (m tiny) hiddenStates() [][]float64 {
	if m.draws == 0 {
		return binaryStates(m.nh)
	}
	k := m.nh / m.groups
	var group [][]float64
	var rec func(prefix []float64, left int)
	rec = func(prefix []float64, left int) {
		if len(prefix) == k-1 {
			group = append(group, append(append([]float64(nil), prefix...), float64(left)))
			return
		}
		for c := 0; c <= left; c++ {
			rec(append(prefix, float64(c)), left-c)
		}
	}
	rec(nil, m.draws)
	out := [][]float64{nil}
	for g := 0; g < m.groups; g++ {
		var next [][]float64
		for _, p := range out {
			for _, s := range group {
				next = append(next, append(append([]float64(nil), p...), s...))
			}
		}
		out = next
	}
	return out
}

// freeEnergy is −log Σ_h exp(−E(v, h)).
func (m tiny) freeEnergy(v []float64) float64 {
	var terms []float64
	for _, h := range m.hiddenStates() {
		terms = append(terms, m.energy(v, h))
	}
	return -logSumExpNeg(terms) // logSumExpNeg(E) = log Σ exp(−E)
}

// hiddenFreeEnergy is −log ∫ exp(−E(v, h)) dv for Gaussian visible units, by the trapezoid
// rule on a grid of ±15 standard deviations around each unit's conditional mean (the
// integrand is a Gaussian, for which the rule converges spectrally).
func (m tiny) hiddenFreeEnergy(h []float64) float64 {
	f := 0.0
	for j := range h {
		f -= h[j] * m.c[j]
	}
	for i := 0; i < m.nv; i++ {
		a := 0.0
		for j := range h {
			a += m.w[i*m.nh+j] * h[j]
		}
		s := m.sigma[i]
		mu := m.b[i] + s*a
		const n = 4001
		lo, hi := mu-15*s, mu+15*s
		dx := (hi - lo) / (n - 1)
		// log of the integrand at its peak, to keep the sum in range
		peak := -((mu-m.b[i])/s)*((mu-m.b[i])/s)/2 + mu*a/s
		sum := 0.0
		for k := 0; k < n; k++ {
			x := lo + float64(k)*dx
			d := (x - m.b[i]) / s
			wt := 1.0
			if k == 0 || k == n-1 {
				wt = 0.5
			}
			sum += wt * math.Exp(-d*d/2+x*a/s-peak)
		}
		f -= peak + math.Log(sum*dx)
	}
	return f
}

// logZ enumerates (or integrates) the joint distribution.
func (m tiny) logZ() float64 {
	var terms []float64
	if m.gaussian() {
		for _, h := range m.hiddenStates() {
			terms = append(terms, m.hiddenFreeEnergy(h))
		}
	} else {
		for _, v := range binaryStates(m.nv) {
			terms = append(terms, m.freeEnergy(v))
		}
	}
	return logSumExpNeg(terms)
}

// testVisibles returns every binary visible state, or 16 random real vectors for Gaussian units.
func (m tiny) testVisibles() [][]float64 {
	if !m.gaussian() {
		return binaryStates(m.nv)
	}
	r := rand.New(rand.NewPCG(3, 4))
	var out [][]float64
	for i := 0; i < 16; i++ {
		v := make([]float64, m.nv)
		for j := range v {
			v[j] = r.NormFloat64() * 2
		}
		out = append(out, v)
	}
	return out
}

func matrixOf(rows [][]float64) *dataset.Matrix[float64] {
	m := dataset.NewMatrix[float64](len(rows), len(rows[0]))
	for i, r := range rows {
		copy(m.Row(i), r)
	}
	return m
}

// TestFreeEnergyExact checks F(v) = −log Σ_h exp(−E(v,h)) for every unit combination and dtype.
func TestFreeEnergyExact(t *testing.T) {
	for _, tm := range tinies {
		tm := tm.withParams(1)
		for _, dt := range tinyDTypes {
			t.Run(tm.name+"/"+dt.name, func(t *testing.T) {
				m := tm.model(t, dt.dt, nil)
				vs := tm.testVisibles()
				got, err := m.FreeEnergy(matrixOf(vs))
				if err != nil {
					t.Fatal(err)
				}
				for i, v := range vs {
					if want := tm.freeEnergy(v); math.Abs(got[i]-want) > dt.tol*math.Max(1, math.Abs(want)) {
						t.Errorf("F(%v) = %.12g, want %.12g", v, got[i], want)
					}
				}
			})
		}
	}
}

// TestLogZExact checks the exact log partition function against enumeration (or quadrature).
func TestLogZExact(t *testing.T) {
	for _, tm := range tinies {
		tm := tm.withParams(2)
		for _, dt := range tinyDTypes {
			t.Run(tm.name+"/"+dt.name, func(t *testing.T) {
				got, err := tm.model(t, dt.dt, nil).ExactLogZ()
				if err != nil {
					t.Fatal(err)
				}
				if want := tm.logZ(); math.Abs(got-want) > dt.tol*math.Max(1, math.Abs(want)) {
					t.Errorf("log Z = %.12g, want %.12g", got, want)
				}
			})
		}
	}
}

// sampleModel draws visible states from the model by Gibbs sampling from many chains.
func sampleModel(t *testing.T, m *RBM, chains, steps int) *dataset.Matrix[float64] {
	t.Helper()
	s, err := m.Sample(context.Background(), SampleOptions{Chains: chains, Steps: steps, Seed: 77})
	if err != nil {
		t.Fatal(err)
	}
	return s.States
}

// TestGibbsMarginalsExact checks the distribution of Gibbs samples against the exact one: a χ²
// test over the visible states of binary models (threshold: the 1−1e-6 quantile), and the
// first two moments of each unit within 4σ for Gaussian visible units.
func TestGibbsMarginalsExact(t *testing.T) {
	const chains, steps = 20000, 100
	for _, tm := range tinies {
		tm := tm.withParams(3)
		for _, dt := range tinyDTypes {
			t.Run(tm.name+"/"+dt.name, func(t *testing.T) {
				m := tm.model(t, dt.dt, nil)
				samples := sampleModel(t, m, chains, steps)
				logZ := tm.logZ()
				if tm.gaussian() {
					checkGaussianMoments(t, tm, samples, logZ)
					return
				}
				counts := make([]float64, 1<<tm.nv)
				for i := 0; i < samples.Rows; i++ {
					code := 0
					for j, x := range samples.Row(i) {
						code |= int(x) << j
					}
					counts[code]++
				}
				chi2 := 0.0
				for code, v := range binaryStates(tm.nv) {
					want := chains * math.Exp(-tm.freeEnergy(v)-logZ)
					chi2 += (counts[code] - want) * (counts[code] - want) / want
				}
				limit := distuv.ChiSquared{K: float64(len(counts) - 1)}.Quantile(1 - 1e-6)
				if chi2 > limit {
					t.Errorf("χ² of Gibbs samples against the exact p(v) = %.1f, want ≤ %.1f (%d states)", chi2, limit, len(counts))
				}
			})
		}
	}
}

// checkGaussianMoments compares sample means and second moments of Gaussian visible units with
// their exact values Σ_h p(h)·E[v|h] and Σ_h p(h)·(E[v|h]² + σ²).
func checkGaussianMoments(t *testing.T, tm tiny, samples *dataset.Matrix[float64], logZ float64) {
	t.Helper()
	for i := 0; i < tm.nv; i++ {
		var m1, m2 float64
		for _, h := range tm.hiddenStates() {
			p := math.Exp(-tm.hiddenFreeEnergy(h) - logZ)
			mu := tm.b[i]
			for j := range h {
				mu += tm.sigma[i] * tm.w[i*tm.nh+j] * h[j]
			}
			m1 += p * mu
			m2 += p * (mu*mu + tm.sigma[i]*tm.sigma[i])
		}
		var s1, s2, s4 float64
		n := float64(samples.Rows)
		for r := 0; r < samples.Rows; r++ {
			x := samples.Row(r)[i]
			s1 += x
			s2 += x * x
			s4 += x * x * x * x
		}
		s1, s2, s4 = s1/n, s2/n, s4/n
		se1 := math.Sqrt((s2 - s1*s1) / n)
		se2 := math.Sqrt((s4 - s2*s2) / n)
		if math.Abs(s1-m1) > 4*se1 {
			t.Errorf("unit %d: sample mean %.4f, exact %.4f ± 4·%.4f", i, s1, m1, se1)
		}
		if math.Abs(s2-m2) > 4*se2 {
			t.Errorf("unit %d: sample E[v²] %.4f, exact %.4f ± 4·%.4f", i, s2, m2, se2)
		}
	}
}

// TestCDInfinityGradientExact estimates the model term of the likelihood gradient,
// E_model[Stat(v)·E[h|v]ᵀ], from many long Gibbs chains (the expected CD-∞ gradient) and
// checks the resulting gradient ∂ log L/∂W against the exact one within 4σ per weight.
func TestCDInfinityGradientExact(t *testing.T) {
	const chains, steps = 20000, 100
	for _, tm := range tinies {
		tm := tm.withParams(4)
		for _, dt := range tinyDTypes {
			t.Run(tm.name+"/"+dt.name, func(t *testing.T) {
				m := tm.model(t, dt.dt, nil)
				logZ := tm.logZ()
				data := tm.testVisibles()[:4]
				// Exact: data term − Σ_v p(v)·Stat(v)·E[h|v]ᵀ (Gaussian: Σ_h p(h)·E[Stat(v)|h]·hᵀ).
				exact := make([]float64, tm.nv*tm.nh)
				for _, v := range data {
					addOuter(exact, tm.stat(v), tm.hiddenMean(v), 1/float64(len(data)))
				}
				if tm.gaussian() {
					for _, h := range tm.hiddenStates() {
						p := math.Exp(-tm.hiddenFreeEnergy(h) - logZ)
						sv := make([]float64, tm.nv)
						for i := range sv {
							mu := tm.b[i]
							for j := range h {
								mu += tm.sigma[i] * tm.w[i*tm.nh+j] * h[j]
							}
							sv[i] = mu / tm.sigma[i]
						}
						addOuter(exact, sv, h, -p)
					}
				} else {
					for _, v := range binaryStates(tm.nv) {
						addOuter(exact, tm.stat(v), tm.hiddenMean(v), -math.Exp(-tm.freeEnergy(v)-logZ))
					}
				}
				// Estimate: the same data term, minus the chain average of Stat(v)·E[h|v]ᵀ.
				samples := sampleModel(t, m, chains, steps)
				hm, err := m.Transform(samples)
				if err != nil {
					t.Fatal(err)
				}
				scale := 1.0
				if tm.draws > 0 {
					scale = float64(tm.draws) // Transform gives probabilities; E[h|v] = M·p
				}
				for i := 0; i < tm.nv; i++ {
					for j := 0; j < tm.nh; j++ {
						var s1, s2 float64
						for r := 0; r < chains; r++ {
							x := tm.stat(samples.Row(r))[i] * hm.Row(r)[j] * scale
							s1 += x
							s2 += x * x
						}
						mean := s1 / chains
						se := math.Sqrt((s2/chains - mean*mean) / chains)
						dataTerm := 0.0
						for _, v := range data {
							dataTerm += tm.stat(v)[i] * tm.hiddenMean(v)[j] / float64(len(data))
						}
						est := dataTerm - mean
						if math.Abs(est-exact[i*tm.nh+j]) > 4*se {
							t.Errorf("∂logL/∂W[%d,%d]: CD-∞ estimate %.5f, exact %.5f ± 4·%.5f", i, j, est, exact[i*tm.nh+j], se)
						}
					}
				}
			})
		}
	}
}

func (m tiny) stat(v []float64) []float64 {
	if !m.gaussian() {
		return v
	}
	s := make([]float64, len(v))
	for i := range v {
		s[i] = v[i] / m.sigma[i]
	}
	return s
}

// hiddenMean is E[h | v] from the definitions.
func (m tiny) hiddenMean(v []float64) []float64 {
	sv := m.stat(v)
	in := make([]float64, m.nh)
	for j := range in {
		in[j] = m.c[j]
		for i := range sv {
			in[j] += sv[i] * m.w[i*m.nh+j]
		}
	}
	if m.draws == 0 {
		for j := range in {
			in[j] = 1 / (1 + math.Exp(-in[j]))
		}
		return in
	}
	k := m.nh / m.groups
	for g := 0; g < m.groups; g++ {
		z := 0.0
		for _, x := range in[g*k : (g+1)*k] {
			z += math.Exp(x)
		}
		for j := g * k; j < (g+1)*k; j++ {
			in[j] = float64(m.draws) * math.Exp(in[j]) / z
		}
	}
	return in
}

func addOuter(dst, a, b []float64, scale float64) {
	for i := range a {
		for j := range b {
			dst[i*len(b)+j] += scale * a[i] * b[j]
		}
	}
}
