package dbm

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// TestFromRBMs checks the composition rule for 2 and 3 RBMs (spec §4.2).
func TestFromRBMs(t *testing.T) {
	sizes := []int{4, 3, 2, 3}
	// stack returns the RBMs of an n-layer stack, trained for it (DBMFirst, DBMLast); the
	// flags do not change the initial weights.
	stack := func(n int) []*rbm.RBM {
		var rbms []*rbm.RBM
		for i := 0; i < n; i++ {
			r, err := rbm.New(rbm.Config{NumVisible: sizes[i], NumHidden: sizes[i+1], DType: tf.Double, Seed: int64(i + 1),
				WeightStd: 0.5, InitVisibleBias: []float64{float64(i) + 0.25}, InitHiddenBias: []float64{-float64(i) - 0.5},
				DBMFirst: i == 0 && n > 1, DBMLast: i == n-1 && n > 1})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			rbms = append(rbms, r)
		}
		return rbms
	}
	rbms := stack(3)
	weights := func(r *rbm.RBM) ([]float64, []float64, []float64) {
		w, vb, hb, err := r.Weights()
		if err != nil {
			t.Fatal(err)
		}
		return w, vb, hb
	}
	scaled := func(v []float64, f float64) []float64 {
		out := make([]float64, len(v))
		for i := range v {
			out[i] = v[i] * f
		}
		return out
	}
	add := func(a, b []float64) []float64 {
		out := make([]float64, len(a))
		for i := range a {
			out[i] = a[i] + b[i]
		}
		return out
	}
	w0, vb0, hb0 := weights(rbms[0])
	w1, vb1, hb1 := weights(rbms[1])
	w2, vb2, hb2 := weights(rbms[2])
	for _, tc := range []struct {
		n    int
		want Parameters
	}{
		// L = 2: W0, W1 unchanged; hb0 = ½hb_rbm0 + ½vb_rbm1; hb1 = hb_rbm1.
		{2, Parameters{W: [][]float64{w0, w1}, B: [][]float64{vb0, add(scaled(hb0, 0.5), scaled(vb1, 0.5)), hb1}}},
		// L = 3: the middle W halved; hb0 = ½hb0 + ¼vb1; hb1 = ¼hb1 + ½vb2; hb2 = hb2.
		{3, Parameters{W: [][]float64{w0, scaled(w1, 0.5), w2}, B: [][]float64{vb0, add(scaled(hb0, 0.5), scaled(vb1, 0.25)), add(scaled(hb1, 0.25), scaled(vb2, 0.5)), hb2}}},
		// L = 1: the RBM itself.
		{1, Parameters{W: [][]float64{w0}, B: [][]float64{vb0, hb0}}},
	} {
		m, err := FromRBMs(Config{DType: tf.Double}, stack(tc.n)...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Parameters()
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i := range tc.want.W {
			if !slices.Equal(got.W[i], tc.want.W[i]) {
				t.Errorf("L=%d: W%d differs", tc.n, i)
			}
		}
		for l := range tc.want.B {
			for j := range tc.want.B[l] {
				if math.Abs(got.B[l][j]-tc.want.B[l][j]) > 1e-15 {
					t.Errorf("L=%d: b%d = %v, want %v", tc.n, l, got.B[l], tc.want.B[l])
					break
				}
			}
		}
	}
	two := stack(2)
	if _, err := FromRBMs(Config{}, two[0], rbms[2]); !errors.Is(err, ErrShape) {
		t.Errorf("composing mismatched RBMs = %v, want ErrShape", err)
	}
	// RBMs not trained for a DBM: the bottom and middle ones of a 3-stack as a 2-stack, or the
	// top of a 2-stack below another.
	for _, pair := range [][]*rbm.RBM{{rbms[0], rbms[1]}, {two[1], rbms[2]}, {stack(1)[0], two[1]}} {
		if _, err := FromRBMs(Config{DType: tf.Double}, pair...); !errors.Is(err, ErrNotPretrained) {
			t.Errorf("composing RBMs not trained for it = %v, want ErrNotPretrained", err)
		}
	}
}

// TestConfigErrors checks that nonsense is reported by field.
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		field string
		c     Config
	}{
		{"Sizes", Config{Sizes: []int{5}}},
		{"Sizes[1]", Config{Sizes: []int{5, 0}}},
		{"Units", Config{Sizes: []int{2, 2}, Units: []rbm.Unit{nil}}},
		{"Units[1]", Config{Sizes: []int{2, 2}, Units: []rbm.Unit{nil, rbm.Gaussian{}}}},
		{"DType", Config{Sizes: []int{2, 2}, DType: tf.Int64}},
		{"Particles", Config{Sizes: []int{2, 2}, Particles: -1}},
		{"MeanFieldSteps", Config{Sizes: []int{2, 2}, MeanFieldSteps: -1}},
		{"LearningRate[0]", Config{Sizes: []int{2, 2}, LearningRate: []float64{-1}}},
		{"Momentum[0]", Config{Sizes: []int{2, 2}, Momentum: []float64{1}}},
		{"GibbsSteps[1]", Config{Sizes: []int{2, 2}, Epochs: 1, GibbsSteps: []int{1, 0}}},
		{"SparsityCost", Config{Sizes: []int{2, 2, 2}, SparsityCost: []float64{1, 2, 3}}},
		{"SparsityTarget[0]", Config{Sizes: []int{2, 2}, SparsityTarget: []float64{1.5}}},
		{"MaxNorm", Config{Sizes: []int{2, 2}, MaxNorm: -1}},
		{"L2", Config{Sizes: []int{2, 2}, L2: rbm.F(math.NaN())}},
		{"GPU", Config{Sizes: []int{2, 2}, GPU: "x"}},
	} {
		var ce *ConfigError
		if err := tc.c.Validate(); !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("Validate(%s) = %v", tc.field, err)
		}
	}
	if _, err := NewWithParameters(Config{Sizes: []int{2, 2}}, Parameters{W: [][]float64{{1}}, B: [][]float64{{0, 0}, {0, 0}}}); !errors.Is(err, ErrShape) {
		t.Errorf("wrong parameter shapes = %v, want ErrShape", err)
	}
}

// TestBadData checks Fit's errors on bad data.
func TestBadData(t *testing.T) {
	m, err := New(Config{Sizes: []int{3, 2}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	nan := dataset.NewMatrix[float64](4, 3)
	nan.Data[5] = math.Inf(1)
	if _, err := m.Fit(context.Background(), dataset.NewMatrix[float64](4, 2), nil, nil); !errors.Is(err, rbm.ErrShape) {
		t.Errorf("Fit on 2 columns = %v", err)
	}
	if _, err := m.Fit(context.Background(), nan, nil, nil); !errors.Is(err, rbm.ErrData) {
		t.Errorf("Fit on Inf = %v", err)
	}
	if _, err := Load(t.TempDir()); !errors.Is(err, ErrNoModel) {
		t.Errorf("Load(empty) = %v", err)
	}
}

// TestReviewFixes covers what a review of the package found: mismatched RBMs, pointer unit
// types, non-finite parameters, seed-key ranges, and a metric that depended on run grouping.
func TestReviewFixes(t *testing.T) {
	a, err := rbm.New(rbm.Config{NumVisible: 4, NumHidden: 10, Hidden: rbm.Multinomial{Draws: 5, Groups: 2}, DBMFirst: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := rbm.New(rbm.Config{NumVisible: 10, NumHidden: 3, Visible: rbm.Gaussian{Sigma: []float64{3}}, DBMLast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := FromRBMs(Config{}, a, b); !errors.Is(err, ErrShape) {
		t.Errorf("composing multinomial hidden with gaussian visible units = %v, want ErrShape", err)
	}

	// A pointer unit behaves as its value, also through save and load.
	m, err := New(Config{Sizes: []int{2, 3}, Units: []rbm.Unit{&rbm.Gaussian{Sigma: []float64{0.3}}, nil}, DType: tf.Double})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	dir := t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	l, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if g, ok := l.Config().Units[0].(rbm.Gaussian); !ok || len(g.Sigma) != 1 || g.Sigma[0] != 0.3 {
		t.Errorf("loaded visible unit %#v, want Gaussian σ = 0.3", l.Config().Units[0])
	}
	if err := (Config{Sizes: []int{2, 2}, Units: []rbm.Unit{nil, &rbm.Gaussian{}}}).Validate(); err == nil {
		t.Error("a *Gaussian hidden layer passed Validate")
	}

	bad := Parameters{W: [][]float64{{0, math.NaN()}}, B: [][]float64{{0}, {0, 0}}}
	if _, err := NewWithParameters(Config{Sizes: []int{1, 2}}, bad); !errors.Is(err, rbm.ErrData) {
		t.Errorf("NaN weight = %v, want ErrData", err)
	}
	if err := (Config{Sizes: []int{2, 2}, WeightStd: math.Inf(1)}).Validate(); err == nil {
		t.Error("WeightStd = +Inf passed Validate")
	}
	if err := (Config{Sizes: []int{2, 2}, GibbsSteps: []int{200}}).Validate(); err == nil {
		t.Error("200 Gibbs sweeps passed Validate (their seed keys would reach sampling's)")
	}

	// mf_sweeps is a mean over updates, whatever UpdatesPerRun is.
	rr := rand.New(rand.NewPCG(5, 5))
	x := dataset.NewMatrix[float64](37, 4)
	for i := range x.Data {
		x.Data[i] = float64(rr.IntN(2))
	}
	var sweeps []float64
	for _, u := range []int{1, 4} {
		d := tinyDBMs[0].withParams(11)
		m := d.model(t, tf.Double, func(c *Config) { c.Epochs = 1; c.UpdatesPerRun = u; c.MeanFieldTol = 1e-6; c.MeanFieldSteps = 50 })
		st, err := m.Fit(context.Background(), x, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		sweeps = append(sweeps, st[0].Train["mf_sweeps"])
	}
	if math.Abs(sweeps[0]-sweeps[1]) > 1e-9 {
		t.Errorf("mf_sweeps = %v with 1 and 4 updates per run, want equal", sweeps)
	}
}
