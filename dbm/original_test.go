package dbm

import (
	"context"
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/venv"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// originalState is a DBM's whole training state as the NumPy re-statement reads and writes it.
type originalState struct {
	W, B, DW, DB, Particles, Mu, Q, Qmu [][][]float64 `json:",omitempty"`
	NMF                                 float64       `json:"nmf"`
}

// readState reads the state of m: matrices as rows, vectors as one row; absent variables as
// zeros of one value.
func readState(t *testing.T, m *DBM) originalState {
	t.Helper()
	s := m.scope.SubScope("test_state")
	c := m.cfg
	read := func(v *tfops.Variable, rows, cols int) [][]float64 {
		if v == nil {
			return [][]float64{{0}}
		}
		out, err := m.run(nil, []tf.Output{v.Read(s)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var r [][]float64
		for i := 0; i < rows; i++ {
			r = append(r, out[0][i*cols:(i+1)*cols])
		}
		return r
	}
	var st originalState
	v := m.vars
	for i, w := range v.W {
		st.W = append(st.W, read(w, c.Sizes[i], c.Sizes[i+1]))
		st.DW = append(st.DW, read(v.dW[i], c.Sizes[i], c.Sizes[i+1]))
	}
	at := func(vs []*tfops.Variable, l int) *tfops.Variable {
		if vs == nil {
			return nil
		}
		return vs[l]
	}
	for l := range v.b {
		st.B = append(st.B, read(v.b[l], 1, c.Sizes[l]))
		st.DB = append(st.DB, read(v.db[l], 1, c.Sizes[l]))
		st.Particles = append(st.Particles, read(v.particles[l], c.Particles, c.Sizes[l]))
		st.Q = append(st.Q, read(at(v.q, l), 1, c.Sizes[l]))
		st.Qmu = append(st.Qmu, read(at(v.qmu, l), 1, c.Sizes[l]))
		st.Mu = append(st.Mu, read(at(v.mu, l), c.BatchSize, c.Sizes[l]))
	}
	return st
}

// TestOriginalUpdateAgainstNumPy trains a tiny 3-layer DBM for one update with each point of the
// original's code path alone, all of them, and none, and compares the second update (from a
// non-zero stored μ and estimates) with a NumPy re-statement of the original's equations
// (testdata/original_update.py, written from the specification): weights, biases, velocities,
// particles, stored μ and sparsity estimates, to 1e-9 relative. The chains use means, so that
// every value is deterministic.
func TestOriginalUpdateAgainstNumPy(t *testing.T) {
	venv.Tool(t, "python") // skips without the virtualenv, before training
	base := Config{Sizes: []int{6, 4, 3}, DType: tf.Double, Seed: 3, WeightStd: 0.4, Particles: 7, GibbsSteps: []int{2},
		MeanFieldSteps: 4, MeanFieldTol: 1e-300, LearningRate: []float64{0.3}, Momentum: []float64{0.5}, BatchSize: 5,
		L2: rbm.F(1e-3), MaxNorm: 0.9, VisibleMeans: true, HiddenMeans: true, SparsityTarget: []float64{0.2, 0.1},
		SparsityCost: []float64{0.01, 0.02}, Metrics: Metrics{TrainEvery: 1}}
	for _, tc := range []struct {
		name string
		edit func(*Config)
	}{
		{"ours", func(*Config) {}},
		{"momentum", func(c *Config) { c.MomentumRule = optim.Original }},
		{"sparsity", func(c *Config) { c.SparsityRule = optim.Original }},
		// The stored μ follows the minibatch's row order: FixedOrder keeps it the data's.
		{"mean-field-start", func(c *Config) { c.MeanFieldStart, c.FixedOrder = MeanFieldPrevious, true }},
		{"side-effects", func(c *Config) { c.SideEffects = true }},
		{"side-effects-previous", func(c *Config) { c.SideEffects, c.MeanFieldStart, c.FixedOrder = true, MeanFieldPrevious, true }},
		{"all", func(c *Config) { *c = c.AsOriginal() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			tc.edit(&c)
			c.Epochs = 1
			m, err := New(c)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			x := dataset.NewMatrix[float64](5, 6)
			val := dataset.NewMatrix[float64](5, 6)
			for i := range x.Data {
				x.Data[i] = float64((i*7+3)%11) / 10
				val.Data[i] = float64((i*5+1)%13) / 12
			}
			var valData any
			var vd rbm.Data
			if c.SideEffects {
				vd = val
				valData = [][]float64(toRows(val))
			}
			if _, err := m.Fit(context.Background(), x, vd, nil); err != nil {
				t.Fatal(err)
			}
			before := readState(t, m)
			if err := m.SetEpochs(2); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Fit(context.Background(), x, vd, nil); err != nil {
				t.Fatal(err)
			}
			after := readState(t, m)
			in := map[string]any{"W": before.W, "b": flat(before.B), "dW": before.DW, "db": flat(before.DB), "particles": before.Particles,
				"mu": before.Mu, "q": flat(before.Q), "qmu": flat(before.Qmu), "x": toRows(x), "lr": 0.3, "momentum": 0.5, "l2": 1e-3, "k": 2,
				"mf_steps": 4, "mf_tol": 1e-300, "damping": 0.9, "cost": []float64{0.01, 0.02}, "target": []float64{0.2, 0.1}, "max_norm": 0.9,
				"previous": c.MeanFieldStart == MeanFieldPrevious, "sparsity_original": c.SparsityRule == optim.Original,
				"momentum_original": c.MomentumRule == optim.Original, "particle_means": c.SideEffects, "val": valData}
			var want struct {
				W, DW, Particles, Mu [][][]float64
				B, DB, Q, Qmu        [][]float64
			}
			venv.RunJSON(t, "testdata/original_update.py", in, &want)
			check := func(name string, got, want [][][]float64) {
				t.Helper()
				for l := range want {
					for i := range want[l] {
						for j := range want[l][i] {
							g, w := got[l][i][j], want[l][i][j]
							if math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
								t.Fatalf("%s[%d][%d][%d] = %.15g, NumPy %.15g", name, l, i, j, g, w)
							}
						}
					}
				}
			}
			check("W", after.W, want.W)
			check("dW", after.DW, want.DW)
			check("b", after.B, rowsOf1(want.B))
			check("db", after.DB, rowsOf1(want.DB))
			check("particles", after.Particles, want.Particles)
			check("q", after.Q[1:], rowsOf1(want.Q)[1:])
			if c.SparsityRule == optim.Original {
				check("qmu", after.Qmu[1:], rowsOf1(want.Qmu)[1:])
			}
			if c.MeanFieldStart == MeanFieldPrevious {
				check("mu", after.Mu[1:], want.Mu[1:])
			}
			if c.SparsityRule == optim.Original && after.Q[1][0][0] == after.Q[1][0][1] && after.Q[1][0][0] == 0 {
				t.Errorf("the original's estimate did not move: %v", after.Q[1])
			}
		})
	}
}

func toRows(m *dataset.Matrix[float64]) [][]float64 {
	var r [][]float64
	for i := 0; i < m.Rows; i++ {
		r = append(r, m.Data[i*m.Cols:(i+1)*m.Cols])
	}
	return r
}

func flat(m [][][]float64) [][]float64 {
	var out [][]float64
	for _, x := range m {
		out = append(out, x[0])
	}
	return out
}

func rowsOf1(v [][]float64) [][][]float64 {
	var out [][][]float64
	for _, x := range v {
		out = append(out, [][]float64{x})
	}
	return out
}

// TestActivity checks the dead and saturated fractions on a DBM whose hidden biases pin units
// off (−30) and on (+30), whatever the data.
func TestActivity(t *testing.T) {
	p := Parameters{W: [][]float64{make([]float64, 3*4), make([]float64, 4*2)},
		B: [][]float64{make([]float64, 3), {-30, 30, 0, -30}, {30, 0}}}
	m, err := NewWithParameters(Config{Sizes: []int{3, 4, 2}, DType: tf.Double}, p)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	x := dataset.NewMatrix[float64](5, 3)
	for i := range x.Data {
		x.Data[i] = float64(i % 2)
	}
	a, err := m.Activity(x)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 2 || a[0].Dead != 0.5 || a[0].Saturated != 0.25 || a[1].Dead != 0 || a[1].Saturated != 0.5 {
		t.Errorf("activity %+v, want layer 1: dead 0.5, saturated 0.25; layer 2: dead 0, saturated 0.5", a)
	}
	if math.Abs(a[0].Mean[2]-0.5) > 1e-12 {
		t.Errorf("a unit with zero weights and bias has mean %v, want 0.5", a[0].Mean[2])
	}
}
