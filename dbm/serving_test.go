package dbm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/internal/venv"
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

// TestExportComplete calls the "complete" signature of an exported DBM from the Go loader and
// from Python TensorFlow: its mean field equals the in-memory Complete, the given units hold
// the images' values, and Python's Gibbs answers are Go's for the same seed.
func TestExportComplete(t *testing.T) {
	python := venv.Tool(t, "python")
	for _, dt := range []struct {
		name string
		dt   tf.DataType
		tol  float64
	}{{"float64", tf.Double, 1e-12}, {"float32", tf.Float, 1e-6}} {
		t.Run(dt.name, func(t *testing.T) {
			m, err := dbm.New(dbm.Config{Sizes: []int{6, 4, 3}, DType: dt.dt, Seed: 8, WeightStd: 0.8})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			dir, err := export.Write(t.TempDir(), "dbm", 1, m, nil)
			if err != nil {
				t.Fatal(err)
			}
			x := dataset.NewMatrix[float64](5, 6)
			for i := range x.Data {
				x.Data[i] = float64((i * 7) % 2)
			}
			given := []bool{true, true, true, false, false, false}
			const sweeps = dbm.ServingSteps
			want, err := m.Complete(context.Background(), x, rbm.CompleteOptions{Mask: given, MeanField: true, Sweeps: sweeps, Tol: math.SmallestNonzeroFloat64})
			if err != nil {
				t.Fatal(err)
			}
			mask := dataset.NewMatrix[float64](1, 6)
			for j, g := range given {
				if g {
					mask.Data[j] = 1
				}
			}
			// The Go loader.
			sm, err := tf.LoadSavedModel(dir, []string{"serve"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer sm.Session.Close()
			sig := sm.Signatures["complete"]
			feeds := map[tf.Output]*tf.Tensor{}
			for name, v := range map[string]any{"images": x, "mask": mask, "seed": []int64{1, 2}, "sweeps": int64(sweeps)} {
				var tt *tf.Tensor
				if mx, ok := v.(*dataset.Matrix[float64]); ok {
					tt, err = tfops.TensorAs(mx.Data, dt.dt, int64(mx.Rows), int64(mx.Cols))
				} else {
					tt, err = tf.NewTensor(v)
				}
				if err != nil {
					t.Fatal(err)
				}
				feeds[sm.Graph.Operation(opName(sig.Inputs[name].Name)).Output(0)] = tt
			}
			names := []string{"sample", "mean", "mean_field"}
			var fetches []tf.Output
			for _, name := range names {
				fetches = append(fetches, sm.Graph.Operation(opName(sig.Outputs[name].Name)).Output(0))
			}
			out, err := sm.Session.Run(feeds, fetches, nil)
			if err != nil {
				t.Fatal(err)
			}
			goOut := map[string][]float64{}
			for i, name := range names {
				if goOut[name], err = tfops.Values[float64](out[i]); err != nil {
					t.Fatal(err)
				}
				for k, v := range goOut[name] {
					if given[k%6] && v != x.Data[k] {
						t.Fatalf("complete.%s[%d] = %g at a given unit, want %g", name, k, v, x.Data[k])
					}
				}
			}
			if d := maxDiff(goOut["mean_field"], want.Means.Data); d > dt.tol {
				t.Errorf("complete.mean_field differs from Complete by %.3g", d)
			}
			// Python TensorFlow.
			const script = `
import json, sys
import numpy as np
import tensorflow as tf
dt = tf.float64 if sys.argv[2] == "float64" else tf.float32
x = tf.constant(json.loads(sys.argv[3]), dtype=dt)
mask = tf.constant(json.loads(sys.argv[4]), dtype=dt)
f = tf.saved_model.load(sys.argv[1]).signatures["complete"]
res = f(images=x, mask=mask, seed=tf.constant([1, 2], dtype=tf.int64), sweeps=tf.constant(int(sys.argv[5]), dtype=tf.int64))
json.dump({k: np.asarray(v.numpy(), dtype=np.float64).ravel().tolist() for k, v in res.items()}, sys.stdout)
`
			rows := func(mx *dataset.Matrix[float64]) string {
				var r [][]float64
				for i := range mx.Rows {
					r = append(r, mx.Row(i))
				}
				b, _ := json.Marshal(r)
				return string(b)
			}
			cmd := exec.Command(python, "-c", script, dir, dt.name, rows(x), rows(mask), fmt.Sprint(sweeps))
			cmd.Env = venv.Env()
			b, err := cmd.Output()
			if err != nil {
				t.Fatalf("python: %v", err)
			}
			var py map[string][]float64
			if err := json.Unmarshal(b, &py); err != nil {
				t.Fatalf("%v in %s", err, b)
			}
			for _, name := range names {
				if d := maxDiff(py[name], goOut[name]); d != 0 || len(py[name]) != len(goOut[name]) {
					t.Errorf("complete.%s: Python and Go differ by %.3g (%d and %d values)", name, d, len(py[name]), len(goOut[name]))
				}
			}
		})
	}
}

// maxDiff returns max |a_i − b_i| over the common length of a and b.
func maxDiff(a, b []float64) float64 {
	d := 0.0
	for i := range min(len(a), len(b)) {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}
