package rbm

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/train"
)

// TestExtendedRunEqualsLongerRun trains 1 epoch, saves, loads and extends to 3 epochs with
// SetEpochs: the weights must equal a 3-epoch run's bit for bit, because the saved schedules
// (longer than the first run) go on from epoch 2 as in the longer run.
func TestExtendedRunEqualsLongerRun(t *testing.T) {
	x := fixtures.BinaryData(60, 12, 4)
	cfg := func(epochs int) Config {
		return Config{NumVisible: 12, NumHidden: 5, DType: tf.Double, Seed: 8, Epochs: epochs, BatchSize: 10,
			LearningRate: []float64{0.1, 0.05, 0.02}, Momentum: []float64{0.5, 0.7, 0.9}, CDSteps: []int{1, 2, 3}}
	}
	long := newModel(t, cfg(3))
	fit(t, long, x)
	short := newModel(t, cfg(1))
	dir := t.TempDir()
	if _, err := short.Fit(t.Context(), x, nil, &FitOptions{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	resumed, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer resumed.Close()
	if err := resumed.SetEpochs(3); err != nil {
		t.Fatal(err)
	}
	st, err := resumed.Fit(t.Context(), x, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 2 || st[1].Momentum != 0.9 || st[1].CDSteps != 3 || st[1].LearningRate != 0.02 {
		t.Errorf("extended epochs used %+v, want epoch 3 at lr 0.02, momentum 0.9, k 3", st)
	}
	if got, want := weights(t, resumed), weights(t, long); !slices.Equal(got, want) {
		t.Errorf("extended run differs from the longer run (first: %v vs %v)", got[:3], want[:3])
	}
}

// TestDivergenceStopsTraining trains with an absurd learning rate: Fit must stop at the first
// non-finite epoch with ErrDiverged naming it, and the model directory keep the last finite one.
func TestDivergenceStopsTraining(t *testing.T) {
	x := fixtures.BinaryData(40, 8, 2)
	m := newModel(t, Config{NumVisible: 8, NumHidden: 4, DType: tf.Float, Seed: 1, Epochs: 6, BatchSize: 10,
		LearningRate: []float64{1e-3, 1e-3, 1e38}})
	dir := t.TempDir()
	st, err := m.Fit(t.Context(), x, x, &FitOptions{Dir: dir})
	if !errors.Is(err, train.ErrDiverged) || !strings.Contains(err.Error(), "at epoch 3") || !strings.Contains(err.Error(), "learning rate 1e+38") {
		t.Fatalf("Fit = %v, want ErrDiverged at epoch 3 naming the learning rate", err)
	}
	if len(st) != 2 {
		t.Errorf("%d epochs returned, want the 2 finite ones", len(st))
	}
	saved, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer saved.Close()
	w, _, _, err := saved.Weights()
	if err != nil {
		t.Fatal(err)
	}
	if saved.Epoch() != 2 || slices.ContainsFunc(w, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }) {
		t.Errorf("saved model at epoch %d (finite: %v), want the finite epoch 2", saved.Epoch(), !slices.ContainsFunc(w, math.IsNaN))
	}
}

// resumeMatches trains cfg straight to cfg.Epochs and, separately, to epoch stop, saves, loads
// and continues to cfg.Epochs; it fails the test unless both end with the same weights bit for
// bit, and returns the loaded model (closed at the end of the test) for further checks.
func resumeMatches(t *testing.T, cfg Config, x Data, stop int) *RBM {
	t.Helper()
	epochs := cfg.Epochs
	straight := newModel(t, cfg)
	if _, err := straight.Fit(t.Context(), x, nil, nil); err != nil {
		t.Fatal(err)
	}
	cfg.Epochs = stop
	half := newModel(t, cfg)
	dir := t.TempDir()
	if _, err := half.Fit(t.Context(), x, nil, &FitOptions{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	resumed, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resumed.Close() })
	if err := resumed.SetEpochs(epochs); err != nil {
		t.Fatal(err)
	}
	if _, err := resumed.Fit(t.Context(), x, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := weights(t, resumed), weights(t, straight); !slices.Equal(got, want) {
		t.Errorf("resumed after epoch %d: weights differ from the uninterrupted run (first: %v vs %v)", stop, got[:3], want[:3])
	}
	return resumed
}
