package mlp_test

import (
	"encoding/json"
	"errors"
	"math"
	"os/exec"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/internal/venv"
	"github.com/boltzmann-go/boltzmann/mlp"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestAugmentedExport exports an MLP trained on [x, q(x)], q a DBM's features (a multinomial
// top layer, so the features are probabilities), as an mlp.Augmented, loads it with the C++
// loader and checks that the SavedModel, fed x alone, gives the probabilities and classes of
// the in-memory MLP fed [x, DBM.Transform(x)].
func TestAugmentedExport(t *testing.T) {
	d, err := dbm.New(dbm.Config{Sizes: []int{4, 3, 3}, Units: []rbm.Unit{nil, nil, rbm.Multinomial{Draws: 2}}, DType: tf.Double, Seed: 8, WeightStd: 0.8})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	x := dataset.NewMatrix[float64](7, 4)
	for i := range x.Data {
		x.Data[i] = float64((i*5)%4) / 3
	}
	q, err := d.Transform(x)
	if err != nil {
		t.Fatal(err)
	}
	xq := dataset.NewMatrix[float64](x.Rows, 7)
	for r := 0; r < x.Rows; r++ {
		copy(xq.Data[r*7:], x.Data[r*4:(r+1)*4])
		copy(xq.Data[r*7+4:], q.Data[r*3:(r+1)*3])
	}
	m, err := mlp.New(mlp.Config{Inputs: 7, DType: tf.Double,
		Layers: []mlp.Layer{{Units: 5, Activation: mlp.Sigmoid, Seed: 1}, {Units: 3, Activation: mlp.Softmax, Seed: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	want, err := m.Predict(xq)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := export.Write(t.TempDir(), "aug", 1, mlp.Augmented{MLP: m, Features: d, Inputs: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := tf.LoadSavedModel(dir, []string{"serve"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sm.Session.Close()
	in, err := tfops.NewTensor(x.Data, int64(x.Rows), int64(x.Cols))
	if err != nil {
		t.Fatal(err)
	}
	run := func(key, output string) *tf.Tensor {
		sig, ok := sm.Signatures[key]
		if !ok {
			t.Fatalf("no %s signature", key)
		}
		out, err := sm.Session.Run(map[tf.Output]*tf.Tensor{sm.Graph.Operation(strings.Split(sig.Inputs["inputs"].Name, ":")[0]).Output(0): in},
			[]tf.Output{sm.Graph.Operation(strings.Split(sig.Outputs[output].Name, ":")[0]).Output(0)}, nil)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return out[0]
	}
	got, err := tfops.Values[float64](run("serving_default", "probabilities"))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range want.Data {
		if math.Abs(got[i]-v) > 1e-12 {
			t.Fatalf("probability %d: %.15g from the SavedModel, %.15g in memory", i, got[i], v)
		}
	}
	classes := run("classify", "classes").Value().([]int64)
	for i, c := range mlp.Argmax(want) {
		if int(classes[i]) != c {
			t.Errorf("row %d: class %d from the SavedModel, %d in memory", i, classes[i], c)
		}
	}

	// Python TensorFlow (and so TF Serving) runs the same graph: the DBM's mean field included.
	python := venv.Tool(t, "python")
	in64, _ := json.Marshal(x.Data)
	script := `
import json, sys
import numpy as np, tensorflow as tf
m = tf.saved_model.load(sys.argv[1])
x = tf.constant(np.array(json.loads(sys.argv[2]), dtype=np.float64).reshape(-1, 4))
print(json.dumps(m.signatures["serving_default"](inputs=x)["probabilities"].numpy().ravel().tolist()))
`
	cmd := exec.Command(python, "-c", script, dir, string(in64))
	cmd.Env = venv.Env()
	pyOut, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderrOf(err))
	}
	var py []float64
	if err := json.Unmarshal(pyOut, &py); err != nil {
		t.Fatalf("%v: %s", err, pyOut)
	}
	for i, v := range want.Data {
		if math.Abs(py[i]-v) > 1e-12 {
			t.Fatalf("probability %d: %.15g from Python, %.15g in memory", i, py[i], v)
		}
	}

	// Nonsense: no features, or an input width that leaves no room for them.
	for _, a := range []mlp.Augmented{{MLP: m, Inputs: 4}, {MLP: m, Features: d, Inputs: 7}, {MLP: m, Features: d, Inputs: 0}} {
		if _, err := a.BuildServing(op.NewScope(), serving.Options{}); err == nil {
			t.Errorf("%+v: want an error", a)
		}
	}
	// Features of the wrong width: the MLP's input does not fit.
	wide := mlp.Augmented{MLP: m, Features: d, Inputs: 3}
	if _, err := export.Write(t.TempDir(), "bad", 1, wide, nil); err == nil || errors.Is(err, export.ErrExists) {
		t.Errorf("features of the wrong width: %v, want an error", err)
	}
}
