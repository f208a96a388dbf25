package rbm

import (
	"context"
	"errors"
	"math"
	"os"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/mat"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

func fit(t *testing.T, m *RBM, x *dataset.Matrix[float64]) {
	t.Helper()
	if _, err := m.Fit(context.Background(), x, nil, nil); err != nil {
		t.Fatal(err)
	}
}

func newModel(t *testing.T, c Config) *RBM {
	t.Helper()
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func weights(t *testing.T, m *RBM) []float64 {
	t.Helper()
	w, vb, hb, err := m.Weights()
	if err != nil {
		t.Fatal(err)
	}
	return append(append(w, vb...), hb...)
}

// TestCD1UpdateByHand checks two deterministic CD-1 updates (hidden probabilities, visible
// means, L2, sparsity, momentum) number by number against the same computation in gonum.
func TestCD1UpdateByHand(t *testing.T) {
	for _, rule := range []string{optim.Classical, optim.Original} {
		t.Run(rule, func(t *testing.T) { testCD1UpdateByHand(t, rule) })
	}
}

func testCD1UpdateByHand(t *testing.T, rule string) {
	const nv, nh, lr, mom, l2, cost, target, damping = 4, 3, 0.1, 0.5, 0.01, 0.1, 0.2, 0.8
	x := fixtures.BinaryData(3, nv, 9)
	tm := tiny{nv: nv, nh: nh}.withParams(5)
	m := newModel(t, Config{NumVisible: nv, NumHidden: nh, DType: tf.Double, InitW: tm.w, InitVisibleBias: tm.b, InitHiddenBias: tm.c,
		HiddenMeans: true, L2: F(l2), SparsityCost: cost, SparsityTarget: target, SparsityDamping: damping,
		LearningRate: []float64{lr}, Momentum: []float64{mom}, MomentumRule: rule, BatchSize: 3, Epochs: 2, UpdatesPerRun: 1})
	fit(t, m, x)

	X := mat.NewDense(3, nv, x.Data)
	W := mat.NewDense(nv, nh, append([]float64(nil), tm.w...))
	b, c := mat.NewVecDense(nv, append([]float64(nil), tm.b...)), mat.NewVecDense(nh, append([]float64(nil), tm.c...))
	dW, db, dc := mat.NewDense(nv, nh, nil), mat.NewVecDense(nv, nil), mat.NewVecDense(nh, nil)
	q := mat.NewVecDense(nh, []float64{target, target, target})
	sigmoidRows := func(a *mat.Dense, bias *mat.VecDense) *mat.Dense {
		r, cc := a.Dims()
		out := mat.NewDense(r, cc, nil)
		out.Apply(func(i, j int, v float64) float64 { return 1 / (1 + math.Exp(-(v + bias.AtVec(j)))) }, a)
		return out
	}
	colMean := func(a *mat.Dense) *mat.VecDense {
		r, cc := a.Dims()
		out := mat.NewVecDense(cc, nil)
		for j := 0; j < cc; j++ {
			out.SetVec(j, mat.Sum(a.ColView(j))/float64(r))
		}
		return out
	}
	for step := 0; step < 2; step++ {
		var xw, hwt, vw mat.Dense
		xw.Mul(X, W)
		h0 := sigmoidRows(&xw, c)
		hwt.Mul(h0, W.T())
		v1 := sigmoidRows(&hwt, b)
		vw.Mul(v1, W)
		h1 := sigmoidRows(&vw, c)
		var pos, neg, gW mat.Dense
		pos.Mul(X.T(), h0)
		neg.Mul(v1.T(), h1)
		gW.Sub(&pos, &neg)
		gW.Scale(1.0/3, &gW)
		var l2W mat.Dense
		l2W.Scale(l2, W)
		gW.Sub(&gW, &l2W)
		var gb, gc mat.VecDense
		gb.SubVec(colMean(X), colMean(v1))
		gc.SubVec(colMean(h0), colMean(h1))
		q.AddScaledVec(mat.NewVecDense(nh, nil), damping, q)
		q.AddScaledVec(q, 1-damping, colMean(h0))
		pen := mat.NewVecDense(nh, nil)
		for j := 0; j < nh; j++ {
			pen.SetVec(j, cost*(q.AtVec(j)-target))
		}
		gc.SubVec(&gc, pen)
		var outer mat.Dense
		outer.Outer(1, colMean(X), pen)
		gW.Sub(&gW, &outer)
		if rule == optim.Original { // Δ ← lr·(momentum·Δ + g)
			dW.Scale(mom, dW)
			dW.Add(dW, &gW)
			dW.Scale(lr, dW)
			db.AddScaledVec(&gb, mom, db)
			db.ScaleVec(lr, db)
			dc.AddScaledVec(&gc, mom, dc)
			dc.ScaleVec(lr, dc)
		} else { // Δ ← momentum·Δ + lr·g
			dW.Scale(mom, dW)
			var lg mat.Dense
			lg.Scale(lr, &gW)
			dW.Add(dW, &lg)
			db.AddScaledVec(mat.NewVecDense(nv, nil), mom, db)
			db.AddScaledVec(db, lr, &gb)
			dc.AddScaledVec(mat.NewVecDense(nh, nil), mom, dc)
			dc.AddScaledVec(dc, lr, &gc)
		}
		W.Add(W, dW)
		b.AddVec(b, db)
		c.AddVec(c, dc)
	}
	gw, gvb, ghb, err := m.Weights()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < nv; i++ {
		for j := 0; j < nh; j++ {
			if got, want := gw[i*nh+j], W.At(i, j); math.Abs(got-want) > 1e-13 {
				t.Errorf("W[%d,%d] = %.17g, want %.17g", i, j, got, want)
			}
		}
		if got, want := gvb[i], b.AtVec(i); math.Abs(got-want) > 1e-13 {
			t.Errorf("vb[%d] = %.17g, want %.17g", i, got, want)
		}
	}
	for j := 0; j < nh; j++ {
		if got, want := ghb[j], c.AtVec(j); math.Abs(got-want) > 1e-13 {
			t.Errorf("hb[%d] = %.17g, want %.17g", j, got, want)
		}
	}
}

// stochasticConfig exercises every random part of training: PCD with sampled visible states,
// dropout, k = 2, schedules, sparsity and a short last minibatch (103 rows, batches of 10).
func stochasticConfig(dt tf.DataType, seed int64) Config {
	return Config{NumVisible: 20, NumHidden: 8, DType: dt, Seed: seed, Persistent: true, SampleVisible: true,
		Keep: 0.8, CDSteps: []int{1, 2, 2, 2}, LearningRate: []float64{0.1, 0.05, 0.05, 0.02},
		Momentum: []float64{0.5, 0.9}, SparsityCost: 0.01, BatchSize: 10, Epochs: 4, UpdatesPerRun: 4}
}

// TestResumeIsBitIdentical trains 4 epochs straight, and 2 epochs, save, load, 2 more: the
// weights must be identical bit for bit. A third run with one update per Session.Run must agree
// too: the random streams do not depend on how updates are grouped into runs.
func TestResumeIsBitIdentical(t *testing.T) {
	x := fixtures.BinaryData(103, 20, 1)
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		straight := newModel(t, stochasticConfig(dt, 42))
		fit(t, straight, x)
		want := weights(t, straight)

		// Interrupt a run after epoch 2 (it saves after every epoch), then resume from disk.
		half := newModel(t, stochasticConfig(dt, 42))
		dir := t.TempDir()
		stop := errors.New("interrupted")
		_, err := half.Fit(context.Background(), x, nil, &FitOptions{Dir: dir, OnEpoch: func(s EpochStats) error {
			if s.Epoch == 2 {
				return stop
			}
			return nil
		}})
		if !errors.Is(err, stop) {
			t.Fatalf("interrupted Fit = %v", err)
		}
		resumed, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resumed.Close() })
		if resumed.Epoch() != 2 || resumed.Updates() != 22 {
			t.Errorf("loaded epoch %d, updates %d; want 2, 22", resumed.Epoch(), resumed.Updates())
		}
		fit(t, resumed, x)
		if got := weights(t, resumed); !slices.Equal(got, want) {
			t.Errorf("%v: resumed weights differ from the uninterrupted run (first: %v vs %v)", dt, got[:3], want[:3])
		}

		c := stochasticConfig(dt, 42)
		c.UpdatesPerRun = 1
		single := newModel(t, c)
		fit(t, single, x)
		if got := weights(t, single); !slices.Equal(got, want) {
			t.Errorf("%v: one update per run gave different weights than four per run", dt)
		}
	}
}

// TestSeedDeterminism checks same seed → same bits, other seed → other weights.
func TestSeedDeterminism(t *testing.T) {
	x := fixtures.BinaryData(50, 20, 2)
	a, b, c := newModel(t, stochasticConfig(tf.Float, 7)), newModel(t, stochasticConfig(tf.Float, 7)), newModel(t, stochasticConfig(tf.Float, 8))
	for _, m := range []*RBM{a, b, c} {
		fit(t, m, x)
	}
	if !slices.Equal(weights(t, a), weights(t, b)) {
		t.Error("two models with seed 7 trained to different weights")
	}
	if slices.Equal(weights(t, a), weights(t, c)) {
		t.Error("seeds 7 and 8 trained to the same weights")
	}
}

// TestFloat32MatchesFloat64 trains the same deterministic (mean-field) model in both dtypes.
func TestFloat32MatchesFloat64(t *testing.T) {
	x := fixtures.BinaryData(60, 12, 3)
	var ws [][]float64
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		m := newModel(t, Config{NumVisible: 12, NumHidden: 6, DType: dt, Seed: 3, HiddenMeans: true, Epochs: 5, LearningRate: []float64{0.1}})
		fit(t, m, x)
		ws = append(ws, weights(t, m))
	}
	maxDiff := 0.0
	for i := range ws[0] {
		maxDiff = math.Max(maxDiff, math.Abs(ws[0][i]-ws[1][i]))
	}
	if maxDiff > 1e-5 {
		t.Errorf("float32 and float64 weights differ by up to %g, want ≤ 1e-5", maxDiff)
	}
	if maxDiff == 0 {
		t.Errorf("float32 and float64 weights are identical: the dtype did not take effect")
	}
}

// TestSaveLoadRoundTrip checks that a loaded model has the same weights, config and features.
func TestSaveLoadRoundTrip(t *testing.T) {
	for _, tm := range tinies {
		tm := tm.withParams(6)
		t.Run(tm.name, func(t *testing.T) {
			m := tm.model(t, tf.Double, func(c *Config) { c.Epochs = 2; c.BatchSize = 4 })
			x := matrixOf(tm.testVisibles())
			fit(t, m, x)
			dir := t.TempDir()
			if err := m.Save(dir); err != nil {
				t.Fatal(err)
			}
			l, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if !slices.Equal(weights(t, m), weights(t, l)) {
				t.Error("loaded weights differ")
			}
			f1, err1 := m.Transform(x)
			f2, err2 := l.Transform(x)
			if err1 != nil || err2 != nil || !slices.Equal(f1.Data, f2.Data) {
				t.Errorf("loaded features differ (%v, %v)", err1, err2)
			}
			if l.Config().Visible.Name() != tm.v.Name() || l.Config().Hidden.Name() != tm.h.Name() || l.Epoch() != 2 {
				t.Errorf("loaded config %+v", l.Config())
			}
		})
	}
}

// TestConfigErrors checks that every nonsensical field is reported by name.
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		field string
		c     Config
	}{
		{"NumVisible", Config{NumVisible: -1}},
		{"NumVisible", Config{NumHidden: 3}}, // zero: no default (it was 784)
		{"NumHidden", Config{NumHidden: -3}},
		{"DType", Config{DType: tf.Int32}},
		{"WeightStd", Config{WeightStd: math.NaN()}},
		{"InitW", Config{NumVisible: 2, NumHidden: 2, InitW: []float64{1, 2, 3}}},
		{"InitW", Config{NumVisible: 1, NumHidden: 1, InitW: []float64{math.Inf(1)}}},
		{"InitVisibleBias", Config{NumVisible: 3, InitVisibleBias: []float64{1, 2}}},
		{"InitHiddenBias", Config{NumHidden: 3, InitHiddenBias: []float64{1, 2}}},
		{"Epochs", Config{Epochs: -1}},
		{"BatchSize", Config{BatchSize: -10}},
		{"LearningRate[0]", Config{LearningRate: []float64{-0.1}}},
		{"LearningRate", Config{LearningRate: []float64{}}},
		{"Momentum[1]", Config{Epochs: 2, Momentum: []float64{0.5, 1.5}}},
		{"MomentumRule", Config{MomentumRule: "nesterov"}},
		{"CDSteps[0]", Config{CDSteps: []int{0}}},
		{"L2", Config{L2: F(-1)}},
		{"Keep", Config{Keep: 1.5}},
		{"Keep", Config{Keep: -0.5}},
		{"SparsityTarget", Config{SparsityTarget: 1.2}},
		{"SparsityCost", Config{SparsityCost: -1}},
		{"SparsityDamping", Config{SparsityDamping: 1}},
		{"UpdatesPerRun", Config{UpdatesPerRun: -2}},
		{"Visible", Config{Visible: Gaussian{Sigma: []float64{0}}}},
		{"Visible", Config{Visible: Gaussian{Sigma: []float64{1, 2}}, NumVisible: 3}},
		{"Hidden", Config{Hidden: Multinomial{Groups: 3}, NumHidden: 10}},
		{"Hidden", Config{Hidden: Multinomial{Draws: -1}}},
		{"Hidden", Config{Hidden: Gaussian{}}},
		{"Metrics.PLL", Config{Visible: Gaussian{}, Metrics: Metrics{PLL: true}}},
		{"Metrics.TrainEvery", Config{Metrics: Metrics{TrainEvery: -1}}},
	} {
		if tc.c.NumVisible == 0 && tc.field != "NumVisible" {
			tc.c.NumVisible = 784 // NumVisible has no default
		}
		err := tc.c.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("Validate(%s) = %v, want a ConfigError for %s", tc.field, err, tc.field)
		}
		if _, err := New(tc.c); err == nil {
			t.Errorf("New accepted a config with a bad %s", tc.field)
		}
	}
	if err := (Config{NumVisible: 784}).Validate(); err != nil {
		t.Errorf("the zero Config with NumVisible set is invalid: %v", err)
	}
}

// TestBadData checks Fit's errors on wrong shapes and non-finite values.
func TestBadData(t *testing.T) {
	m := newModel(t, Config{NumVisible: 4, NumHidden: 2})
	good := fixtures.BinaryData(10, 4, 1)
	nan := fixtures.BinaryData(10, 4, 1)
	nan.Data[13] = math.NaN()
	for name, tc := range map[string]struct {
		x, val Data
		want   error
	}{
		"columns":     {fixtures.BinaryData(10, 5, 1), nil, ErrShape},
		"empty":       {dataset.NewMatrix[float64](0, 4), nil, ErrShape},
		"nan":         {nan, nil, ErrData},
		"val columns": {good, fixtures.BinaryData(3, 3, 1), ErrShape},
		"val nan":     {good, nan, ErrData},
		"broken":      {&dataset.Matrix[float32]{Rows: 2, Cols: 4, Data: make([]float32, 3)}, nil, dataset.ErrShape},
	} {
		if _, err := m.Fit(context.Background(), tc.x, tc.val, nil); !errors.Is(err, tc.want) {
			t.Errorf("%s: Fit = %v, want %v", name, err, tc.want)
		}
	}
	if _, err := m.Transform(fixtures.BinaryData(2, 3, 1)); !errors.Is(err, ErrShape) {
		t.Errorf("Transform of 3 columns = %v, want ErrShape", err)
	}
}

// TestLoadErrors checks that a missing or corrupt model directory gives a clear error.
func TestLoadErrors(t *testing.T) {
	if _, err := Load(t.TempDir()); !errors.Is(err, ErrNoModel) {
		t.Errorf("Load(empty dir) = %v, want ErrNoModel", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/model.json", []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil {
		t.Error("Load(corrupt model.json) gave no error")
	}
}

// TestTrainingImprovesLikelihood checks on a tiny model that CD-1 raises the exact
// log-likelihood of the training data.
func TestTrainingImprovesLikelihood(t *testing.T) {
	x := fixtures.BinaryData(200, 8, 4)
	m := newModel(t, Config{NumVisible: 8, NumHidden: 6, DType: tf.Double, Seed: 1, Epochs: 20, LearningRate: []float64{0.05}, Momentum: []float64{0.5}})
	before, err := m.LogLikelihood(x)
	if err != nil {
		t.Fatal(err)
	}
	fit(t, m, x)
	after, err := m.LogLikelihood(x)
	if err != nil {
		t.Fatal(err)
	}
	if after < before+0.5 {
		t.Errorf("log-likelihood %.3f → %.3f, want a gain of at least 0.5 nats", before, after)
	}
}

// TestInitFrom copies a trained model into one with other graph settings and another dtype.
func TestInitFrom(t *testing.T) {
	x := fixtures.BinaryData(30, 6, 8)
	a := newModel(t, Config{NumVisible: 6, NumHidden: 3, DType: tf.Double, Epochs: 2})
	fit(t, a, x)
	b := newModel(t, Config{NumVisible: 6, NumHidden: 3, DType: tf.Double, Keep: 0.5, Seed: 9})
	if err := b.InitFrom(a); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(weights(t, a), weights(t, b)) {
		t.Error("InitFrom did not copy the weights")
	}
	if err := newModel(t, Config{NumVisible: 5, NumHidden: 3}).InitFrom(a); !errors.Is(err, ErrShape) {
		t.Errorf("InitFrom across shapes = %v, want ErrShape", err)
	}
}

// TestPointerUnits checks that *Gaussian and friends behave as their values (their methods have
// value receivers, so they are Units too), through training defaults and save/load.
func TestPointerUnits(t *testing.T) {
	m := newModel(t, Config{NumVisible: 3, NumHidden: 2, Visible: &Gaussian{Sigma: []float64{0.5}}, Hidden: &Multinomial{Draws: 3}})
	c := m.Config()
	if g, ok := c.Visible.(Gaussian); !ok || g.Sigma[0] != 0.5 || c.LearningRate[0] != 0.001 {
		t.Errorf("pointer Gaussian visible: %#v, learning rate %v", c.Visible, c.LearningRate)
	}
	dir := t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	l, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if !SameUnit(l.Config().Visible, &Gaussian{Sigma: []float64{0.5}}) || !SameUnit(l.Config().Hidden, Multinomial{Draws: 3, Groups: 1}) {
		t.Errorf("loaded units %#v, %#v", l.Config().Visible, l.Config().Hidden)
	}
	if SameUnit(Gaussian{}, Gaussian{Sigma: []float64{2}}) || SameUnit(Multinomial{}, Multinomial{Draws: 5}) || SameUnit(Bernoulli{}, Gaussian{}) {
		t.Error("SameUnit confuses different units")
	}
	if !SameUnit(Gaussian{}, Gaussian{Sigma: []float64{1}}) || !SameUnit(Multinomial{}, &Multinomial{Draws: 100, Groups: 1}) {
		t.Error("SameUnit misses equal units")
	}
	if err := (Config{NumVisible: 4, Hidden: &Gaussian{}}).Validate(); err == nil {
		t.Error("a *Gaussian hidden layer passed Validate")
	}
}

// TestFusedMomentumBitIdentical checks that classical momentum applied by boltzmann-go's
// momentum kernel (the default where `make deps` built it) and by TensorFlow's fused
// ResourceApplyKerasMomentum give the weights and velocities of the unfused ops bit for bit:
// float32 and float64, CD and PCD, several updates per Session.Run, with L2 and a momentum
// schedule, with sparsity (the kernel then takes no weight decay) and without (it takes it).
func TestFusedMomentumBitIdentical(t *testing.T) {
	kernels := fixtures.KernelsBuilt(t)
	x := fixtures.BinaryData(60, 9, 4)
	type path struct {
		name               string
		unfused, noKernels bool
	}
	paths := []path{{"unfused", true, true}, {"ResourceApplyKerasMomentum", false, true}}
	if kernels {
		paths = append(paths, path{"kernel", false, false})
	}
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		for _, pcd := range []bool{false, true} {
			for _, sparsity := range []float64{0, 0.01} {
				c := Config{NumVisible: 9, NumHidden: 5, DType: dt, Seed: 7, Persistent: pcd, BatchSize: 10, Epochs: 3, UpdatesPerRun: 4,
					LearningRate: []float64{0.1, 0.05}, Momentum: []float64{0.5, 0.9}, L2: F(1e-3), SparsityCost: sparsity, SparsityTarget: 0.1}
				state := func(p path) []train.Tensor {
					fusedMomentumOff, kernelsOff = p.unfused, p.noKernels
					defer func() { fusedMomentumOff, kernelsOff = false, false }()
					m := newModel(t, c)
					if m.fusedMomentum() == p.unfused || m.kernelMomentum() == p.noKernels {
						t.Fatalf("%s: fusedMomentum() = %v, kernelMomentum() = %v", p.name, m.fusedMomentum(), m.kernelMomentum())
					}
					if p.name == "kernel" && m.foldsDecay() != (sparsity == 0) {
						t.Fatalf("foldsDecay() = %v with sparsity cost %g", m.foldsDecay(), sparsity)
					}
					fit(t, m, x)
					st, err := m.State()
					if err != nil {
						t.Fatal(err)
					}
					return st
				}
				plain := state(paths[0])
				if plain[0].Values[0] == 0 || plain[3].Values[0] == 0 {
					t.Fatalf("%s pcd=%v: no training happened", tfops.DTypeName(dt), pcd)
				}
				for _, p := range paths[1:] {
					got := state(p)
					for i := range got {
						for j, v := range got[i].Values {
							if w := plain[i].Values[j]; v != w {
								t.Fatalf("%s pcd=%v sparsity=%g: %s[%d] = %.17g with %s, %.17g unfused",
									tfops.DTypeName(dt), pcd, sparsity, got[i].Name, j, v, p.name, w)
							}
						}
					}
				}
			}
		}
	}
}
