package crbm

import (
	"context"
	"math"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/floats"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// unlabeledGradient runs the unlabeled gradient of the mean log p(x) on the rows of x with the
// random streams of update step.
func (m *CRBM) unlabeledGradient(t *testing.T, x Data, step int64) Params {
	t.Helper()
	n, _, _ := tfops.Dims(x)
	xt, err := tfops.RowsTensor(x, 0, n, m.cfg.DType)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tf.NewTensor(step)
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.run(map[tf.Output]*tf.Tensor{m.gx: xt, m.gStep: st}, m.gUnl.list())
	if err != nil {
		t.Fatal(err)
	}
	return Params{W: out[0], U: out[1], B: out[2], C: out[3], D: out[4]}
}

// TestUnlabeledGradientExact compares the CD-k estimate of the gradient of the mean log p(x)
// (k large, many copies of the rows) with the exact one: E_{y,h | x}[stats] − E_model[stats],
// both by enumeration.
func TestUnlabeledGradientExact(t *testing.T) {
	p := tinyParams(6)
	for _, v := range p.list() { // a smaller scale mixes fast
		for i := range v {
			v[i] *= 0.5
		}
	}
	m := newTiny(t, tf.Double, p, func(c *Config) { c.CDSteps = 25 })
	xs, _, _ := tinyData()
	const copies = 1500 // 24,000 rows
	var flat []float64
	for k := 0; k < copies; k++ {
		for _, x := range xs {
			flat = append(flat, x...)
		}
	}
	got := m.unlabeledGradient(t, &dataset.Matrix[float64]{Rows: copies * len(xs), Cols: tinyV, Data: flat}, 0)
	want := exactUnlabeled(p, xs)
	// As in TestGenerativeGradientExact: Monte Carlo means over 24,000 rows of statistics in
	// [−1, 1], standard deviation below 0.0065; the positive phase is exact.
	for k, name := range []string{"W", "U", "B", "C", "D"} {
		for i := range want.list()[k] {
			if d := math.Abs(got.list()[k][i] - want.list()[k][i]); d > 0.02 {
				t.Errorf("unlabeled ∂/∂%s[%d] = %.4f, want %.4f", name, i, got.list()[k][i], want.list()[k][i])
			}
		}
	}
}

// exactUnlabeled is the gradient of the mean of log p(x) over xs by enumeration: data term
// weights p(y, h | x), model term p(x, y, h).
func exactUnlabeled(p Params, xs [][]float64) Params {
	return enumGradient(p, func(add func(x []float64, y int, h []float64, w float64)) {
		n := float64(len(xs))
		for _, x := range xs {
			var lj []float64
			for y := 0; y < tinyC; y++ {
				lj = append(lj, enumLogJoint(p, x, y))
			}
			lx := floats.LogSumExp(lj)
			for y := 0; y < tinyC; y++ {
				for _, h := range binaries(tinyH) {
					add(x, y, h, math.Exp(negEnergy(p, x, y, h)-lx)/n)
				}
			}
		}
	})
}

// TestSemiSupervisedFit trains on 9 labeled and 300 unlabeled rows of the separable set: an
// epoch makes as many updates as the unlabeled rows need, the unlabeled rows change the
// weights, the same seed gives the same weights, and the held-out rows end up classified.
func TestSemiSupervisedFit(t *testing.T) {
	x, y := toy(309, 7)
	lab, labY := x.SliceRows(0, 9), y[:9]
	unl := x.SliceRows(9, 309)
	xt, yt := toy(200, 8)
	run := func(u Data) (*CRBM, Params) {
		m := toyModel(t, tf.Double, Hybrid, 3)
		if err := m.SetEpochs(5); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Fit(context.Background(), lab, labY, nil, nil, &FitOptions{Unlabeled: u}); err != nil {
			t.Fatal(err)
		}
		p, err := m.Params()
		if err != nil {
			t.Fatal(err)
		}
		return m, p
	}
	m, a := run(unl)
	_, b := run(unl)
	if want := int64(5 * 30); m.Updates() != want { // ⌈300/10⌉ updates per epoch
		t.Errorf("%d updates, want %d", m.Updates(), want)
	}
	_, sup := run(nil)
	for k, name := range []string{"W", "U", "B", "C", "D"} {
		if !slices.Equal(a.list()[k], b.list()[k]) {
			t.Errorf("%s differs between two semi-supervised runs with one seed", name)
		}
	}
	if slices.Equal(a.W, sup.W) {
		t.Errorf("W is the same with and without unlabeled rows")
	}
	if _, errRate, err := m.Evaluate(xt, yt); err != nil || errRate > 0.05 {
		t.Errorf("held-out error %g (%v), want ≤ 5%%", errRate, err)
	}
}
