package rbm

import (
	"path/filepath"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/tfevents"
)

// TestSummaries trains with TensorBoard summaries and reads the event files back.
func TestSummaries(t *testing.T) {
	x := binaryData(40, 16, 5)
	m := newModel(t, Config{NumVisible: 16, NumHidden: 6, DType: tf.Float, Epochs: 2, BatchSize: 10, UpdatesPerRun: 2,
		Metrics: Metrics{MSRE: true, PLL: true, FEG: true, Hidden: true, FEGEvery: 1, TrainEvery: 1}})
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
	for sub, want := range map[string][]string{
		"train": {"msre", "pll", "hidden_mean", "weights/W", "velocities/dW", "hidden/mean_activation", "filters", "reconstructions"},
		"val":   {"msre", "pll", "feg"},
	} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "events.out.tfevents.*"))
		if len(files) != 1 {
			t.Fatalf("%s: %d event files", sub, len(files))
		}
		events, err := tfevents.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		steps := map[string][]int64{}
		for _, e := range events {
			if e.Summary == nil {
				continue
			}
			for _, v := range e.Summary.Value {
				steps[v.Tag] = append(steps[v.Tag], e.Step)
			}
		}
		for _, tag := range want {
			// Two epochs of 4 updates each: steps 4 and 8.
			if got := steps[tag]; len(got) != 2 || got[0] != 4 || got[1] != 8 {
				t.Errorf("%s/%s: steps %v, want [4 8]", sub, tag, got)
			}
		}
	}
}
