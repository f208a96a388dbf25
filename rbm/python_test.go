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

// tensorBoardSteps prints, for each kind of summary in an event directory, the steps of each
// tag as TensorBoard's own reader sees them.
const tensorBoardSteps = `
import json, sys
from tensorboard.backend.event_processing import event_accumulator as ea
acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.IMAGES: 0})
acc.Reload()
tags = acc.Tags()
json.dump({
    "scalars": {t: [e.step for e in acc.Scalars(t)] for t in tags["scalars"]},
    "histograms": {t: [e.step for e in acc.Histograms(t)] for t in tags["histograms"]},
    "images": {t: [e.step for e in acc.Images(t)] for t in tags["images"]},
}, sys.stdout)
`

// TestTensorBoardReadsTraining trains with Summaries and reads the event files with
// TensorBoard's EventAccumulator: every scalar, histogram and image tag with the right steps.
func TestTensorBoardReadsTraining(t *testing.T) {
	python := venv.Tool(t, "python")
	x := binaryData(40, 16, 5)
	m := newModel(t, Config{NumVisible: 16, NumHidden: 6, DType: tf.Float, Epochs: 3, BatchSize: 10, UpdatesPerRun: 2,
		Metrics: Metrics{MSRE: true, PLL: true, FEG: true, L2Loss: true, Hidden: true, FEGEvery: 1, TrainEvery: 1}})
	dir := t.TempDir()
	s, err := NewSummaries(dir, SummaryOptions{ImageShape: []int{4, 4, 1}, Reconstruct: x.SliceRows(0, 3)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(t.Context(), x, x, &FitOptions{Summaries: s}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := []int64{4, 8, 12} // 3 epochs of 4 updates
	for sub, kinds := range map[string]map[string][]string{
		"train": {
			"scalars":    {"msre", "pll", "l2_loss", "hidden_mean", "hidden_dead", "schedule/learning_rate"},
			"histograms": {"weights/W", "weights/vb", "weights/hb", "velocities/dW", "hidden/mean_activation"},
			"images":     {"filters", "reconstructions"},
		},
		"val": {"scalars": {"msre", "pll", "feg"}},
	} {
		cmd := exec.Command(python, "-c", tensorBoardSteps, filepath.Join(dir, sub))
		cmd.Env = venv.Env()
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("TensorBoard reader on %s: %v", sub, err)
		}
		var got map[string]map[string][]int64
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v in %s", sub, err, out)
		}
		for kind, tags := range kinds {
			for _, tag := range tags {
				if steps := got[kind][tag]; !slices.Equal(steps, want) {
					t.Errorf("TensorBoard %s %s/%s: steps %v, want %v", kind, sub, tag, steps, want)
				}
			}
		}
	}
}

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
