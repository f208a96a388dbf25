package summaries

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/venv"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// tensorBoardSteps prints, for each kind of summary in an event directory, the steps of each
// tag as TensorBoard's own reader sees them.
const tensorBoardSteps = `
import json, sys
from tensorboard.backend.event_processing import event_accumulator as ea
acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.IMAGES: 0})
acc.Reload()
tags = acc.Tags()
try:
    graph = [n.name for n in acc.Graph().node]
except ValueError:
    graph = []
json.dump({
    "graph": {"weights/W": [1] if "weights/W/VarHandleOp" in graph else [], "nodes": [len(graph)]},
    "scalars": {t: [e.step for e in acc.Scalars(t)] for t in tags["scalars"]},
    "histograms": {t: [e.step for e in acc.Histograms(t)] for t in tags["histograms"]},
    "images": {t: [e.step for e in acc.Images(t)] for t in tags["images"]},
}, sys.stdout)
`

// TestTensorBoardReadsTraining trains an RBM with summaries and reads the event files with
// TensorBoard's EventAccumulator: every scalar, histogram and image tag with the right steps.
func TestTensorBoardReadsTraining(t *testing.T) {
	python := venv.Tool(t, "python")
	dir := trainRBM(t, 3, rbm.Metrics{MSRE: true, PLL: true, FEG: true, L2Loss: true, Hidden: true, FEGEvery: 1, TrainEvery: 1})
	want := []int64{4, 8, 12} // 3 epochs of 4 updates
	for sub, kinds := range map[string]map[string][]string{
		"train": {
			"scalars":    {"msre", "pll", "l2_loss", "hidden_mean", "hidden_dead", "schedule/learning_rate"},
			"histograms": {"weights/W", "weights/vb", "weights/hb", "velocities/dW", "hidden/mean_activation", "hidden_activations"},
			"images":     {"filters", "reconstructions", "hidden_activations/image"},
		},
		"train/graph": {"graph": {"weights/W"}},
		"train/iter":  {"scalars": {"iter/msre", "iter/pll"}},
		"val":         {"scalars": {"msre", "pll", "feg"}},
	} {
		want := want
		switch sub {
		case "train/graph": // the graph: once, holding the weight variable
			sub, want = "train", []int64{1}
		case "train/iter": // metrics within epochs: after every run of 2 updates (TrainEvery 1)
			sub, want = "train", []int64{2, 4, 6, 8, 10, 12}
		}
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
