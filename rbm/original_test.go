package rbm

import (
	"context"
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/venv"
	"github.com/boltzmann-go/boltzmann/optim"
)

// TestOriginalUpdateAgainstNumPy trains a tiny RBM for one CD-2 update with each point of the
// original's code path alone (its momentum rule, sparsity as coded, bias doubling for the
// bottom and the top RBM of a DBM stack), all of them, and none, and compares the second update
// (from non-zero velocities and estimates) and the features Transform then returns with a NumPy
// re-statement of the original's equations (testdata/original_update.py), to 1e-9 relative.
// The chains use means, so that every value is deterministic.
func TestOriginalUpdateAgainstNumPy(t *testing.T) {
	venv.Tool(t, "python") // skips without the virtualenv, before training
	base := Config{NumVisible: 6, NumHidden: 4, DType: tf.Double, Seed: 5, WeightStd: 0.3, BatchSize: 5, CDSteps: []int{2},
		LearningRate: []float64{0.2}, Momentum: []float64{0.5}, L2: F(1e-3), HiddenMeans: true, SparsityTarget: 0.2,
		SparsityCost: 0.03, InitVisibleBias: []float64{0.1}, InitHiddenBias: []float64{-0.2}}
	for _, tc := range []struct {
		name string
		edit func(*Config)
	}{
		{"ours", func(*Config) {}},
		{"momentum", func(c *Config) { c.MomentumRule = optim.Original }},
		{"sparsity", func(c *Config) { c.SparsityRule = optim.Original }},
		{"first-doubled-input", func(c *Config) { c.DBMFirst = true }},
		{"first-bias-doubling", func(c *Config) { c.DBMFirst, c.BiasDoubling = true, true }},
		{"last-bias-doubling", func(c *Config) { c.DBMLast, c.BiasDoubling = true, true }},
		{"chain-features", func(c *Config) { c.ChainFeatures = true }},
		{"all-first", func(c *Config) { c.DBMFirst = true; *c = c.AsOriginal() }},
		{"all-last", func(c *Config) { c.DBMLast = true; *c = c.AsOriginal() }},
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
			f := dataset.NewMatrix[float64](3, 6)
			for i := range x.Data {
				x.Data[i] = float64((i*7+3)%11) / 10
			}
			for i := range f.Data {
				f.Data[i] = float64((i*5+2)%9) / 8
			}
			if _, err := m.Fit(context.Background(), x, nil, nil); err != nil {
				t.Fatal(err)
			}
			read := func() map[string][]float64 {
				v := m.vars
				s := m.scope.SubScope("test_state")
				names := []string{"W", "vb", "hb", "dW", "dvb", "dhb", "q"}
				out, err := m.sess.Run(nil, []tf.Output{v.W.Read(s), v.vb.Read(s), v.hb.Read(s), v.dW.Read(s), v.dvb.Read(s), v.dhb.Read(s), v.q.Read(s)}, nil)
				if err != nil {
					t.Fatal(err)
				}
				st := map[string][]float64{}
				for i, o := range out {
					switch val := o.Value().(type) {
					case [][]float64:
						for _, r := range val {
							st[names[i]] = append(st[names[i]], r...)
						}
					case []float64:
						st[names[i]] = val
					}
				}
				return st
			}
			before := read()
			if err := m.SetEpochs(2); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Fit(context.Background(), x, nil, nil); err != nil {
				t.Fatal(err)
			}
			after := read()
			feat, err := m.Transform(f)
			if err != nil {
				t.Fatal(err)
			}
			rows := func(v []float64, cols int) [][]float64 {
				var r [][]float64
				for i := 0; i < len(v); i += cols {
					r = append(r, v[i:i+cols])
				}
				return r
			}
			in := map[string]any{"W": rows(before["W"], 4), "vb": before["vb"], "hb": before["hb"], "dW": rows(before["dW"], 4),
				"dvb": before["dvb"], "dhb": before["dhb"], "q": before["q"], "x": rows(x.Data, 6), "features_of": rows(f.Data, 6),
				"k": 2, "l2": 1e-3, "lr": 0.2, "momentum": 0.5, "damping": 0.9, "cost": 0.03, "target": 0.2,
				"first": c.DBMFirst, "last": c.DBMLast, "bias_doubling": c.BiasDoubling,
				"sparsity_original": c.SparsityRule == optim.Original, "momentum_original": c.MomentumRule == optim.Original}
			var want map[string]any
			venv.RunJSON(t, "testdata/original_update.py", in, &want)
			flatten := func(v any) []float64 {
				var r []float64
				var walk func(any)
				walk = func(v any) {
					switch x := v.(type) {
					case []any:
						for _, e := range x {
							walk(e)
						}
					case float64:
						r = append(r, x)
					}
				}
				walk(v)
				return r
			}
			for _, name := range []string{"W", "vb", "hb", "dW", "dvb", "dhb", "q"} {
				w := flatten(want[name])
				for i := range w {
					if g := after[name][i]; math.Abs(g-w[i]) > 1e-9*math.Max(1, math.Abs(w[i])) {
						t.Fatalf("%s[%d] = %.15g, NumPy %.15g", name, i, g, w[i])
					}
				}
			}
			if c.ChainFeatures {
				w := flatten(want["features"])
				for i := range w {
					if g := feat.Data[i]; math.Abs(g-w[i]) > 1e-9 {
						t.Fatalf("feature %d = %.15g, NumPy's chain end %.15g", i, g, w[i])
					}
				}
			}
		})
	}
}
