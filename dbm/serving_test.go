package dbm_test

import (
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestExportRoundTrip exports DBMs as SavedModels (package export, which dbm does not
// import), loads them with the C++ loader and checks features and reconstructions against the
// in-memory model.
func TestExportRoundTrip(t *testing.T) {
	for _, d := range []struct {
		name  string
		sizes []int
		units []rbm.Unit
	}{
		{"binary-4-3-2", []int{4, 3, 2}, nil},
		{"gaussian-2-3-2", []int{2, 3, 2}, []rbm.Unit{rbm.Gaussian{Sigma: []float64{1, 0.5}}, nil, nil}},
		{"multinomial-top-3-2-3", []int{3, 2, 3}, []rbm.Unit{nil, nil, rbm.Multinomial{Draws: 2}}},
	} {
		t.Run(d.name, func(t *testing.T) {
			m, err := dbm.New(dbm.Config{Sizes: d.sizes, Units: d.units, DType: tf.Double, Seed: 8, WeightStd: 0.8})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			base := t.TempDir()
			dir, err := export.Write(base, "dbm", 1, m, nil)
			if err != nil {
				t.Fatal(err)
			}
			sm, err := tf.LoadSavedModel(dir, []string{"serve"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer sm.Session.Close()
			x := dataset.NewMatrix[float64](5, d.sizes[0])
			for i := range x.Data {
				x.Data[i] = float64((i*7)%3) / 2
			}
			feats, err := m.Transform(x)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := m.Reconstruct(x)
			if err != nil {
				t.Fatal(err)
			}
			for key, want := range map[string][]float64{"serving_default": feats.Data, "reconstruct": recs.Data} {
				sig := sm.Signatures[key]
				in, err := tfops.NewTensor(x.Data, int64(x.Rows), int64(x.Cols))
				if err != nil {
					t.Fatal(err)
				}
				var outName string
				for _, o := range sig.Outputs {
					outName = o.Name
				}
				out, err := sm.Session.Run(map[tf.Output]*tf.Tensor{sm.Graph.Operation(opName(sig.Inputs["visible"].Name)).Output(0): in},
					[]tf.Output{sm.Graph.Operation(opName(outName)).Output(0)}, nil)
				if err != nil {
					t.Fatal(err)
				}
				got, err := tfops.Values[float64](out[0])
				if err != nil {
					t.Fatal(err)
				}
				for i := range want {
					if math.Abs(got[i]-want[i]) > 1e-12 {
						t.Fatalf("%s[%d] = %.15g from the SavedModel, %.15g in memory", key, i, got[i], want[i])
					}
				}
			}
			// sample has the RBM's outputs: visible states and their means; no free_energy.
			sig := sm.Signatures["sample"]
			if _, ok := sig.Outputs["sample"]; !ok || len(sig.Outputs) != 2 || sig.Outputs["mean"].Name == "" {
				t.Errorf("sample signature outputs %v, want sample and mean", sig.Outputs)
			}
			if _, ok := sm.Signatures["free_energy"]; ok {
				t.Error("a DBM export has a free_energy signature")
			}
		})
	}
}

func opName(tensor string) string {
	for i := len(tensor) - 1; i >= 0; i-- {
		if tensor[i] == ':' {
			return tensor[:i]
		}
	}
	return tensor
}
