package crbm_test

import (
	"context"
	"encoding/json"
	"math"
	"os/exec"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/crbm"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/internal/venv"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestPythonLoadsExport exports a trained classification RBM of each dtype and calls both of
// its signatures from Python TensorFlow: the probabilities must equal Go's (to float32
// rounding, to 1e-12 in float64) and the classes exactly.
func TestPythonLoadsExport(t *testing.T) {
	python := venv.Tool(t, "python")
	x := dataset.NewMatrix[float64](8, 5)
	for i := range x.Data {
		x.Data[i] = 0.5 + 0.5*math.Sin(float64(i))
	}
	y := []int{0, 1, 2, 0, 1, 2, 0, 1}
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		t.Run(tfops.DTypeName(dt), func(t *testing.T) {
			m, err := crbm.New(crbm.Config{NumVisible: 5, NumHidden: 4, Classes: 3, DType: dt, LearningRate: 0.5, BatchSize: 4, Epochs: 20, WeightStd: 0.3, Seed: 2, Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if _, err := m.Fit(context.Background(), x, y, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
			dir, err := export.Write(t.TempDir(), "crbm", 1, m, nil)
			if err != nil {
				t.Fatal(err)
			}
			in, _ := json.Marshal(x.Data)
			script := `
import json, sys
import numpy as np, tensorflow as tf
m = tf.saved_model.load(sys.argv[1])
x = tf.constant(np.array(json.loads(sys.argv[2]), dtype=sys.argv[3]).reshape(-1, 5))
p = m.signatures["serving_default"](inputs=x)["probabilities"].numpy()
out = m.signatures["classify"](inputs=x)
c, p2 = out["classes"].numpy(), out["probabilities"].numpy()
print(json.dumps({"p": p.astype(float).ravel().tolist(), "p2": p2.astype(float).ravel().tolist(), "c": c.astype(int).tolist(), "cdtype": str(c.dtype)}))
`
			cmd := exec.Command(python, "-c", script, dir, string(in), tfops.DTypeName(dt))
			cmd.Env = venv.Env()
			out, err := cmd.Output()
			if err != nil {
				if ee, ok := err.(*exec.ExitError); ok {
					t.Fatalf("python: %v\n%s", err, ee.Stderr)
				}
				t.Fatal(err)
			}
			var res struct {
				P, P2  []float64
				C      []int
				CDType string
			}
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			p, err := m.PredictProba(x)
			if err != nil {
				t.Fatal(err)
			}
			pred, err := m.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			tol := 1e-12
			if dt == tf.Float {
				tol = 1e-6
			}
			far := 0.0
			for i, v := range p.Data {
				if math.Abs(v-res.P[i]) > tol || math.Abs(v-res.P2[i]) > tol {
					t.Errorf("probability %d: Python %g and %g, Go %g", i, res.P[i], res.P2[i], v)
				}
				far = math.Max(far, math.Abs(v-1.0/3))
			}
			if far < 0.1 {
				t.Errorf("probabilities within %g of uniform: the model learnt nothing to compare", far)
			}
			for i := range pred {
				if res.C[i] != pred[i] {
					t.Errorf("class %d: Python %d, Go %d", i, res.C[i], pred[i])
				}
			}
			if res.CDType != "int64" {
				t.Errorf("classes dtype %s, want int64", res.CDType)
			}
		})
	}
}
