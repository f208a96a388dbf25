package rbm

import (
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/fixtures"
)

// chainChi2 runs the training method on a tiny bimodal RBM with a learning rate too small to
// move it (1e-300), all chains started in one state, and returns the χ² of the persistent
// chains' visible states (at epochs 60, 120, …, 300; each epoch is one update of every chain)
// against the exact p(v), with its 1−1e-6 quantile.
func chainChi2(t *testing.T, method Method) (chi2, limit float64) {
	t.Helper()
	const chains = 1000
	tm := tinies[0].withParams(11)
	for i := range tm.w {
		tm.w[i] *= 12 // strong couplings: modes that Gibbs sampling leaves rarely
	}
	m := tm.model(t, tf.Double, func(c *Config) {
		c.Method, c.BatchSize, c.Epochs, c.UpdatesPerRun = method, chains, 300, 1
		c.LearningRate, c.Momentum, c.L2 = []float64{1e-300}, []float64{0}, F(0)
		c.SampleVisible = true
	})
	x := dataset.NewMatrix[float64](chains, tm.nv) // every chain starts at v = 0
	read := m.vars.chain.Read(m.scope.SubScope("test_read"))
	counts := make([]float64, 1<<tm.nv)
	total := 0.0
	if _, err := m.Fit(t.Context(), x, nil, &FitOptions{OnEpoch: func(st EpochStats) error {
		if st.Epoch%60 != 0 {
			return nil
		}
		out, err := m.run(nil, []tf.Output{read}, nil)
		if err != nil {
			return err
		}
		for i := 0; i < chains; i++ {
			code := 0
			for j := 0; j < tm.nv; j++ {
				code |= int(out[0][i*tm.nv+j]) << j
			}
			counts[code]++
			total++
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	logZ := tm.logZ()
	for code, v := range binaryStates(tm.nv) {
		want := total * math.Exp(-tm.freeEnergy(v)-logZ)
		chi2 += (counts[code] - want) * (counts[code] - want) / want
	}
	return chi2, distuv.ChiSquared{K: float64(len(counts) - 1)}.Quantile(1 - 1e-6)
}

// TestTemperingSamplesExact checks that parallel tempering's β = 1 chains sample the exact
// p(v) of a bimodal RBM (χ² test), where PCD's chains, started in the same state and run as
// long, do not: the test can tell a sampler that mixes from one that doesn't.
func TestTemperingSamplesExact(t *testing.T) {
	chi2, limit := chainChi2(t, Tempering{Replicas: 8})
	t.Logf("parallel tempering: χ² %.1f (limit %.1f)", chi2, limit)
	if chi2 > limit {
		t.Errorf("χ² of parallel tempering's chains against the exact p(v) = %.1f, want ≤ %.1f", chi2, limit)
	}
	chi2, _ = chainChi2(t, PCD{})
	t.Logf("PCD: χ² %.1f", chi2)
	if chi2 <= limit {
		t.Errorf("PCD's chains passed the χ² test (%.1f ≤ %.1f): the model is not bimodal enough to test mixing", chi2, limit)
	}
}

// TestTemperingSaveResume trains with parallel tempering, stops, loads and continues: the
// method and its replicas come back from the model directory and the weights equal an
// uninterrupted run's bit for bit.
func TestTemperingSaveResume(t *testing.T) {
	x := fixtures.BinaryData(40, 6, 3)
	cfg := Config{NumVisible: 6, NumHidden: 4, DType: tf.Double, Seed: 2, Epochs: 4, BatchSize: 10,
		Method: Tempering{Betas: []float64{1, 0.6, 0.3}}, LearningRate: []float64{0.05}}
	resumed := resumeMatches(t, cfg, x, 2)
	if tp, ok := resumed.Config().Method.(Tempering); !ok || len(tp.Betas) != 3 || tp.Betas[1] != 0.6 {
		t.Fatalf("loaded method %#v, want Tempering with betas [1 0.6 0.3]", resumed.Config().Method)
	}
}

func TestTemperingValidate(t *testing.T) {
	for name, c := range map[string]Config{
		"gaussian visible": {Visible: Gaussian{}, Method: Tempering{}},
		"dbm first":        {DBMFirst: true, Method: Tempering{}},
		"one replica":      {Method: Tempering{Replicas: 1}},
		"first beta":       {Method: Tempering{Betas: []float64{0.9, 0.5}}},
		"increasing":       {Method: Tempering{Betas: []float64{1, 0.5, 0.7}}},
		"negative":         {Method: Tempering{Betas: []float64{1, -0.5}}},
	} {
		c.NumVisible = 784
		err := c.Validate()
		if ce, ok := err.(*ConfigError); !ok || ce.Field != "Method" {
			t.Errorf("%s: Validate = %v, want a ConfigError for Method", name, err)
		}
	}
	if err := (Config{NumVisible: 784, Method: Tempering{}, Hidden: Multinomial{Draws: 2}}).Validate(); err != nil {
		t.Errorf("multinomial hidden units: %v", err)
	}
}
