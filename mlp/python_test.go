package mlp_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/internal/venv"
	"github.com/boltzmann-go/boltzmann/mlp"
)

// TestPythonLoadsExport exports a trained classifier and calls both of its signatures from
// Python TensorFlow: the probabilities must equal Go's to float32 rounding and the classes
// exactly.
func TestPythonLoadsExport(t *testing.T) {
	for _, bn := range []bool{false, true} {
		t.Run(map[bool]string{false: "dense", true: "batchnorm"}[bn], func(t *testing.T) { testPythonLoadsExport(t, bn) })
	}
}

// testPythonLoadsExport is TestPythonLoadsExport with or without batch normalization on the
// hidden layer (its running statistics must travel into the export).
func testPythonLoadsExport(t *testing.T, batchNorm bool) {
	python := venv.Tool(t, "python")
	x := dataset.NewMatrix[float64](6, 4)
	for i := range x.Data {
		x.Data[i] = math.Sin(float64(i))
	}
	y := []int{0, 1, 2, 0, 1, 2}
	m, err := mlp.New(mlp.Config{Inputs: 4, Epochs: 20, BatchSize: 3, LearningRate: 0.05,
		Layers: []mlp.Layer{{Units: 5, Activation: mlp.Sigmoid, Seed: 1, BatchNorm: batchNorm}, {Units: 3, Activation: mlp.Softmax, Seed: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Fit(context.Background(), x, y, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	dir, err := export.Write(t.TempDir(), "clf", 1, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(x.Data)
	script := `
import json, sys
import numpy as np, tensorflow as tf
m = tf.saved_model.load(sys.argv[1])
x = tf.constant(np.array(json.loads(sys.argv[2]), dtype=np.float32).reshape(-1, 4))
p = m.signatures["serving_default"](inputs=x)["probabilities"].numpy()
c = m.signatures["classify"](inputs=x)["classes"].numpy()
print(json.dumps({"p": p.astype(float).ravel().tolist(), "c": c.astype(int).tolist(), "cdtype": str(c.dtype)}))
`
	cmd := exec.Command(python, "-c", script, dir, string(in))
	cmd.Env = venv.Env()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderrOf(err))
	}
	var res struct {
		P      []float64
		C      []int
		CDType string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	p, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	pred := mlp.Argmax(p)
	for i, v := range p.Data {
		if math.Abs(v-res.P[i]) > 1e-6 {
			t.Errorf("probability %d: Python %g, Go %g", i, res.P[i], v)
		}
	}
	for i := range pred {
		if res.C[i] != pred[i] {
			t.Errorf("class %d: Python %d, Go %d", i, res.C[i], pred[i])
		}
	}
	if res.CDType != "int64" {
		t.Errorf("classes dtype %s, want int64", res.CDType)
	}
	if _, err := os.Stat(filepath.Join(dir, "saved_model.pb")); err != nil {
		t.Error(err)
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
