package crbm

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/floats"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// The tiny model of the exact tests: 4 visible, 3 hidden units and 3 classes, 2⁴·3·2³ = 384
// joint states, enumerated by an independent Go reference of the energy.
const (
	tinyV, tinyH, tinyC = 4, 3, 3
)

var tinyDTypes = []struct {
	name string
	dt   tf.DataType
	tol  float64 // absolute tolerance on p(y | x) and on the discriminative gradient
}{
	// float32: a handful of roundings of values of order 1 (eps ≈ 1.2e-7), and the probabilities
	// are computed in float32 by the graph.
	{"float32", tf.Float, 1e-6},
	{"float64", tf.Double, 1e-12},
}

// tinyParams draws the tiny model's parameters with a fixed seed, at a scale where p(y | x) is
// far from uniform.
func tinyParams(seed uint64) Params {
	r := rand.New(rand.NewPCG(seed, 7))
	n := func(k int, std float64) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = r.NormFloat64() * std
		}
		return v
	}
	return Params{W: n(tinyV*tinyH, 1), U: n(tinyC*tinyH, 1), B: n(tinyV, 0.5), C: n(tinyH, 0.5), D: n(tinyC, 0.5)}
}

// roundTo returns p rounded to float32 (what a float32 model holds), or p for float64.
func roundTo(p Params, dt tf.DataType) Params {
	if dt == tf.Double {
		return p
	}
	r := func(v []float64) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(float32(x))
		}
		return out
	}
	return Params{W: r(p.W), U: r(p.U), B: r(p.B), C: r(p.C), D: r(p.D)}
}

// negEnergy is −E(x, y, h) = xᵀWh + bᵀx + cᵀh + d_y + Σ_j h_j U_yj, written from the definition.
func negEnergy(p Params, x []float64, y int, h []float64) float64 {
	e := p.D[y]
	for i := range x {
		e += p.B[i] * x[i]
		for j := range h {
			e += x[i] * p.W[i*tinyH+j] * h[j]
		}
	}
	for j := range h {
		e += p.C[j]*h[j] + h[j]*p.U[y*tinyH+j]
	}
	return e
}

// binaries lists the 2ⁿ binary vectors of length n.
func binaries(n int) [][]float64 {
	var out [][]float64
	for k := 0; k < 1<<n; k++ {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(k >> i & 1)
		}
		out = append(out, v)
	}
	return out
}

// enumLogJoint is log Σ_h exp(−E(x, y, h)) by enumerating h.
func enumLogJoint(p Params, x []float64, y int) float64 {
	var terms []float64
	for _, h := range binaries(tinyH) {
		terms = append(terms, negEnergy(p, x, y, h))
	}
	return floats.LogSumExp(terms)
}

// enumCond is p(y | x) for every y by enumeration of (y, h).
func enumCond(p Params, x []float64) []float64 {
	lj := make([]float64, tinyC)
	for y := range lj {
		lj[y] = enumLogJoint(p, x, y)
	}
	z := floats.LogSumExp(lj)
	for y := range lj {
		lj[y] = math.Exp(lj[y] - z)
	}
	return lj
}

// meanLogCond is the mean of log p(y_r | x_r) over rows, by enumeration.
func meanLogCond(p Params, xs [][]float64, ys []int) float64 {
	var s float64
	for r, x := range xs {
		s += math.Log(enumCond(p, x)[ys[r]])
	}
	return s / float64(len(xs))
}

// tinyData is every binary x with a label that depends on it.
func tinyData() ([][]float64, []int, *dataset.Matrix[float64]) {
	xs := binaries(tinyV)
	ys := make([]int, len(xs))
	var flat []float64
	for r, x := range xs {
		ys[r] = (r*7 + 1) % tinyC
		flat = append(flat, x...)
	}
	return xs, ys, &dataset.Matrix[float64]{Rows: len(xs), Cols: tinyV, Data: flat}
}

func newTiny(t *testing.T, dt tf.DataType, p Params, extra func(*Config)) *CRBM {
	t.Helper()
	c := Config{NumVisible: tinyV, NumHidden: tinyH, Classes: tinyC, DType: dt, Seed: 3, Threads: 1}
	if extra != nil {
		extra(&c)
	}
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if err := m.SetParams(p); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPredictProbaExact compares p(y | x) with the enumeration of the joint, for every x.
func TestPredictProbaExact(t *testing.T) {
	for _, tc := range tinyDTypes {
		t.Run(tc.name, func(t *testing.T) {
			p := roundTo(tinyParams(1), tc.dt)
			m := newTiny(t, tc.dt, p, nil)
			xs, ys, x := tinyData()
			got, err := m.PredictProba(x)
			if err != nil {
				t.Fatal(err)
			}
			lp, err := m.LogProba(x)
			if err != nil {
				t.Fatal(err)
			}
			far := 0.0
			for r, xr := range xs {
				want := enumCond(p, xr)
				for y := range want {
					if g := got.Row(r)[y]; math.Abs(g-want[y]) > tc.tol {
						t.Errorf("p(y=%d | x=%v) = %.15g, want %.15g", y, xr, g, want[y])
					}
					if g := math.Exp(lp.Row(r)[y]); math.Abs(g-want[y]) > tc.tol {
						t.Errorf("exp log p(y=%d | x=%v) = %.15g, want %.15g", y, xr, g, want[y])
					}
					far = math.Max(far, math.Abs(want[y]-1.0/tinyC))
				}
			}
			if far < 0.2 { // the test must see a model whose conditionals differ from uniform
				t.Fatalf("p(y|x) within %g of uniform: parameters too small for a test", far)
			}
			pred, err := m.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			loss, errRate, err := m.Evaluate(x, ys)
			if err != nil {
				t.Fatal(err)
			}
			var wantLoss float64
			wrong := 0
			for r, xr := range xs {
				want := enumCond(p, xr)
				if pred[r] != argmax(want) {
					t.Errorf("Predict(%v) = %d, want %d", xr, pred[r], argmax(want))
				}
				if argmax(want) != ys[r] {
					wrong++
				}
				wantLoss -= math.Log(want[ys[r]])
			}
			wantLoss /= float64(len(xs))
			if math.Abs(loss-wantLoss) > 10*tc.tol || errRate != float64(wrong)/float64(len(xs)) {
				t.Errorf("Evaluate = %.12g, %g, want %.12g, %g", loss, errRate, wantLoss, float64(wrong)/float64(len(xs)))
			}
		})
	}
}

// TestDiscriminativeGradientExact compares the discriminative gradient with central finite
// differences of the enumerated mean log p(y | x), for every parameter.
func TestDiscriminativeGradientExact(t *testing.T) {
	for _, tc := range tinyDTypes {
		t.Run(tc.name, func(t *testing.T) {
			p := roundTo(tinyParams(2), tc.dt)
			m := newTiny(t, tc.dt, p, nil)
			xs, ys, x := tinyData()
			g, _, loss, err := m.Gradients(x, ys, 0)
			if err != nil {
				t.Fatal(err)
			}
			if want := -meanLogCond(p, xs, ys); math.Abs(loss-want) > 10*tc.tol {
				t.Errorf("loss = %.15g, want %.15g", loss, want)
			}
			// Central differences with step 1e-5: truncation error ~ ε²·f‴ ≈ 1e-10, rounding
			// ~ 1e-16/ε ≈ 1e-11, so the float64 comparison is to 1e-8; float32 gradients carry
			// float32 rounding of values of order 1.
			tol := 1e-8
			if tc.dt == tf.Float {
				tol = 1e-5
			}
			const eps = 1e-5
			names := []string{"W", "U", "B", "C", "D"}
			for k, got := range [][]float64{g.W, g.U, g.B, g.C, g.D} {
				for i := range got {
					q := clone(p)
					v := q.list()[k]
					v[i] += eps
					up := meanLogCond(q, xs, ys)
					v[i] -= 2 * eps
					down := meanLogCond(q, xs, ys)
					want := (up - down) / (2 * eps)
					if math.Abs(got[i]-want) > tol {
						t.Errorf("∂ log p(y|x) / ∂%s[%d] = %.12g, want %.12g", names[k], i, got[i], want)
					}
				}
			}
		})
	}
}

func clone(p Params) Params {
	c := func(v []float64) []float64 { return append([]float64(nil), v...) }
	return Params{W: c(p.W), U: c(p.U), B: c(p.B), C: c(p.C), D: c(p.D)}
}

// TestGenerativeGradientExact compares the CD-k estimate, with k large enough for the chain to
// forget its start, on many copies of the data with the exact gradient of the mean log p(x, y):
// E[stats | x, y] − E_model[stats], both by enumeration.
func TestGenerativeGradientExact(t *testing.T) {
	p := tinyParams(4)
	for _, v := range p.list() { // a smaller scale mixes fast
		for i := range v {
			v[i] *= 0.5
		}
	}
	m := newTiny(t, tf.Double, p, func(c *Config) { c.CDSteps = 25 })
	xs, ys, _ := tinyData()
	const copies = 1500 // 24,000 rows
	var flat []float64
	var yy []int
	for k := 0; k < copies; k++ {
		for r, x := range xs {
			flat = append(flat, x...)
			yy = append(yy, ys[r])
		}
	}
	_, got, _, err := m.Gradients(&dataset.Matrix[float64]{Rows: len(yy), Cols: tinyV, Data: flat}, yy, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := exactGenerative(p, xs, ys)
	// Every statistic lies in [−1, 1] per row, so its Monte Carlo mean over 24,000 rows has a
	// standard deviation below 1/√24000 ≈ 0.0065 (well below: most are products of values in
	// [0, 1]); 0.02 is 3σ at the worst, far more in practice.
	names := []string{"W", "U", "B", "C", "D"}
	for k := range names {
		for i := range want.list()[k] {
			if d := math.Abs(got.list()[k][i] - want.list()[k][i]); d > 0.02 {
				t.Errorf("generative ∂/∂%s[%d] = %.4f, want %.4f", names[k], i, got.list()[k][i], want.list()[k][i])
			}
		}
	}
}

// exactGenerative is the gradient of the mean of log p(x, y) over the rows: the data term
// E_{h|x,y}[stats] minus the model term E_{x,y,h}[stats], by enumeration.
func exactGenerative(p Params, xs [][]float64, ys []int) Params {
	return enumGradient(p, func(add func(x []float64, y int, h []float64, w float64)) {
		n := float64(len(xs))
		for r, x := range xs {
			lj := enumLogJoint(p, x, ys[r])
			for _, h := range binaries(tinyH) {
				add(x, ys[r], h, math.Exp(negEnergy(p, x, ys[r], h)-lj)/n)
			}
		}
	})
}

// enumGradient returns a data term minus the model term E_{x,y,h}[stats] of the tiny model's
// sufficient statistics: data adds the data term's configurations (x, y, h) with their weights
// through add; the model term is enumerated over every configuration.
func enumGradient(p Params, data func(add func(x []float64, y int, h []float64, w float64))) Params {
	g := Params{W: make([]float64, tinyV*tinyH), U: make([]float64, tinyC*tinyH), B: make([]float64, tinyV), C: make([]float64, tinyH), D: make([]float64, tinyC)}
	add := func(x []float64, y int, h []float64, w float64) {
		for i := range x {
			g.B[i] += w * x[i]
			for j := range h {
				g.W[i*tinyH+j] += w * x[i] * h[j]
			}
		}
		for j := range h {
			g.C[j] += w * h[j]
			g.U[y*tinyH+j] += w * h[j]
		}
		g.D[y] += w
	}
	data(add)
	var all []float64
	for _, x := range binaries(tinyV) {
		for y := 0; y < tinyC; y++ {
			all = append(all, enumLogJoint(p, x, y))
		}
	}
	logZ := floats.LogSumExp(all)
	for _, x := range binaries(tinyV) {
		for y := 0; y < tinyC; y++ {
			for _, h := range binaries(tinyH) {
				add(x, y, h, -math.Exp(negEnergy(p, x, y, h)-logZ))
			}
		}
	}
	return g
}

// TestUpdateIsModeDirection checks that one training update of each mode moves the parameters
// by LearningRate times the mode's direction (plain SGD, with L2), the gradients read at the
// same random streams.
func TestUpdateIsModeDirection(t *testing.T) {
	for _, mode := range []string{Discriminative, Generative, Hybrid} {
		t.Run(mode, func(t *testing.T) {
			const lr, alpha, l2 = 0.1, 0.3, 0.01
			p := tinyParams(5)
			_, ys, x := tinyData()
			m := newTiny(t, tf.Double, p, func(c *Config) {
				c.Mode, c.LearningRate, c.Alpha, c.L2, c.BatchSize, c.Epochs = mode, lr, alpha, l2, x.Rows, 1
			})
			// The epoch's single minibatch, in its order.
			order := trainOrder(x.Rows, m.cfg.Seed, 1)
			xo, yo := x.Gather(order), make([]int, len(order))
			for i, r := range order {
				yo[i] = ys[r]
			}
			gd, gg, _, err := m.Gradients(xo, yo, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Fit(context.Background(), x, ys, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
			got, err := m.Params()
			if err != nil {
				t.Fatal(err)
			}
			names := []string{"W", "U", "B", "C", "D"}
			for k := range names {
				for i, old := range p.list()[k] {
					dir := gd.list()[k][i]
					switch mode {
					case Generative:
						dir = gg.list()[k][i]
					case Hybrid:
						dir += alpha * gg.list()[k][i]
					}
					if k < 2 {
						dir -= l2 * old
					}
					if want := old + lr*dir; math.Abs(got.list()[k][i]-want) > 1e-12 {
						t.Errorf("%s %s[%d] = %.15g, want %.15g", mode, names[k], i, got.list()[k][i], want)
					}
				}
			}
		})
	}
}
