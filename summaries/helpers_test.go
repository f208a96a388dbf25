package summaries

import (
	"path/filepath"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfevents"
)

// trainRBM trains a 16×6 RBM on 40 rows of 4×4 images for the given epochs (4 updates each)
// with RBM summaries and returns their directory.
func trainRBM(t *testing.T, epochs int, metrics rbm.Metrics) string {
	t.Helper()
	x := fixtures.BinaryData(40, 16, 5)
	m, err := rbm.New(rbm.Config{NumVisible: 16, NumHidden: 6, DType: tf.Float, Epochs: epochs, BatchSize: 10, UpdatesPerRun: 2, Metrics: metrics})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	dir := t.TempDir()
	s, err := NewRBM(dir, RBMOptions{ImageShape: []int{4, 4, 1}, Reconstruct: x.SliceRows(0, 3), Hidden: x.SliceRows(0, 4)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(t.Context(), x, x, &rbm.FitOptions{OnEpoch: func(st rbm.EpochStats) error { return s.Epoch(m, st) }, OnMetrics: s.Iteration}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// steps reads the single event file of dir/sub and returns the steps of each tag.
func steps(t *testing.T, dir, sub string) map[string][]int64 {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, sub, "events.out.tfevents.*"))
	if len(files) != 1 {
		t.Fatalf("%s: %d event files", sub, len(files))
	}
	events, err := tfevents.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]int64{}
	for _, e := range events {
		if e.Summary == nil {
			continue
		}
		for _, v := range e.Summary.Value {
			out[v.Tag] = append(out[v.Tag], e.Step)
		}
	}
	return out
}
