package rbm

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/venv"
)

// TestPythonReadsCheckpoint saves a model and reads its checkpoint with TensorFlow's own
// Python reader (tf.train.load_checkpoint): every variable with its shape, and W's values.
func TestPythonReadsCheckpoint(t *testing.T) {
	python := venv.Tool(t, "python")
	m := newModel(t, Config{NumVisible: 5, NumHidden: 3, DType: tf.Double, Seed: 4})
	dir := t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	idx, _ := filepath.Glob(filepath.Join(dir, "ckpt-*.index"))
	if len(idx) != 1 {
		t.Fatalf("checkpoint index files: %v", idx)
	}
	prefix := idx[0][:len(idx[0])-len(".index")]
	const script = `
import json, sys
import tensorflow as tf
r = tf.train.load_checkpoint(sys.argv[1])
json.dump({"shapes": r.get_variable_to_shape_map(), "W": r.get_tensor("weights/W").ravel().tolist()}, sys.stdout)
`
	cmd := exec.Command(python, "-c", script, prefix)
	cmd.Env = venv.Env()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tf.train.load_checkpoint: %v", err)
	}
	var got struct {
		Shapes map[string][]int64
		W      []float64
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	want := map[string][]int64{"weights/W": {5, 3}, "weights/vb": {5}, "weights/hb": {3}, "velocities/dW": {5, 3},
		"velocities/dvb": {5}, "velocities/dhb": {3}, "sparsity/q": {3}, "persistent/chains": {10, 5}, "state/step": {}}
	for k, s := range want {
		if g, ok := got.Shapes[k]; !ok || !slices.Equal(g, s) {
			t.Errorf("checkpoint variable %s: shape %v (present %v), want %v", k, g, ok, s)
		}
	}
	w, _, _, err := m.Weights()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.W, w) {
		t.Errorf("Python reads W = %v, want %v", got.W, w)
	}
}
