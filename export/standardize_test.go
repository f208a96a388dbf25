package export

import (
	"path/filepath"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// inferer is what both an RBM and a DBM offer for the comparison.
type inferer interface {
	Model
	Transform(rbm.Data) (*dataset.Matrix[float64], error)
	Reconstruct(rbm.Data) (*dataset.Matrix[float64], error)
}

// TestStandardizerInsideExport exports Gaussian-visible models trained on standardized data
// with their standardizer: fed raw rows, the SavedModel's features equal the model's on the
// standardized rows, and its reconstructions are those mapped back to raw units (a constant
// column, whose std is below MinStd, included).
func TestStandardizerInsideExport(t *testing.T) {
	k := kinds[2] // gaussian-bernoulli, 3 visible units
	raw := k.data(7, 9)
	for i := 0; i < raw.Rows; i++ {
		raw.Data[i*raw.Cols+1] = 4 // a constant column
	}
	std := dataset.FitStandardizer(raw)
	z := &dataset.Matrix[float64]{Rows: raw.Rows, Cols: raw.Cols, Data: append([]float64(nil), raw.Data...)}
	if err := dataset.Standardize(std, z); err != nil {
		t.Fatal(err)
	}
	r, err := k.train(tf.Double)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d, err := dbm.New(dbm.Config{Sizes: []int{3, 4, 2}, Units: []rbm.Unit{rbm.Gaussian{Sigma: []float64{1}}, nil, nil}, DType: tf.Double, Seed: 2, WeightStd: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for name, m := range map[string]inferer{"rbm": r, "dbm": d} {
		dir, err := Write(t.TempDir(), name, 1, m, &Options{Standardizer: std})
		if err != nil {
			t.Fatal(err)
		}
		sm := load(t, dir)
		feats, err := m.Transform(z)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := m.Reconstruct(z)
		if err != nil {
			t.Fatal(err)
		}
		if err := dataset.Unstandardize(std, rec); err != nil {
			t.Fatal(err)
		}
		in := map[string]*tf.Tensor{"visible": matrixTensor(t, raw, tf.Double)}
		if diff := maxAbsDiff(values(t, run(t, sm, "serving_default", in)["features"]), feats.Data); diff > 1e-12 {
			t.Errorf("%s: features of raw rows differ from the model's on standardized rows by %g", name, diff)
		}
		if diff := maxAbsDiff(values(t, run(t, sm, "reconstruct", in)["reconstruction"]), rec.Data); diff > 1e-12 {
			t.Errorf("%s: reconstruction differs from the model's mapped back to raw units by %g", name, diff)
		}
		// Without the standardizer the same raw rows give other features: the test can fail.
		plain, err := Write(t.TempDir(), name, 1, m, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := maxAbsDiff(values(t, run(t, load(t, plain), "serving_default", in)["features"]), feats.Data); diff < 1e-6 {
			t.Errorf("%s: an export without the standardizer gave the same features (%g)", name, diff)
		}
	}
	if _, err := Write(filepath.Join(t.TempDir(), "x"), "rbm", 1, r, &Options{Standardizer: &dataset.Standardizer{Mean: []float64{0}, Std: []float64{1}}}); err == nil {
		t.Error("a standardizer of 1 feature for 3 visible units: no error")
	}
}
