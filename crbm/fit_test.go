package crbm

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// toy is a separable set: class k of 3 lights pixels 4k..4k+3 of 12, each pixel flipped with
// probability 0.1.
func toy(n int, seed uint64) (*dataset.Matrix[float64], []int) {
	r := rand.New(rand.NewPCG(seed, 11))
	const cols = 12
	x := &dataset.Matrix[float64]{Rows: n, Cols: cols, Data: make([]float64, n*cols)}
	y := make([]int, n)
	for i := range y {
		y[i] = r.IntN(3)
		for j := 0; j < cols; j++ {
			on := j/4 == y[i]
			if r.Float64() < 0.1 {
				on = !on
			}
			if on {
				x.Data[i*cols+j] = 1
			}
		}
	}
	return x, y
}

func toyModel(t *testing.T, dt tf.DataType, mode string, seed int64) *CRBM {
	t.Helper()
	m, err := New(Config{NumVisible: 12, NumHidden: 6, Classes: 3, DType: dt, Mode: mode, LearningRate: 0.5, Momentum: 0.5,
		Alpha: 0.1, L2: 1e-4, BatchSize: 10, Epochs: 10, Seed: seed, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// TestTrainingReducesLoss trains each mode on the separable set and checks that −log p(y|x)
// on held-out rows falls to a fraction of its start and that every held-out row is classified
// right.
func TestTrainingReducesLoss(t *testing.T) {
	x, y := toy(300, 1)
	xt, yt := toy(200, 2)
	for _, mode := range []string{Discriminative, Hybrid, Generative} {
		t.Run(mode, func(t *testing.T) {
			m := toyModel(t, tf.Float, mode, 1)
			before, _, err := m.Evaluate(xt, yt)
			if err != nil {
				t.Fatal(err)
			}
			hist, err := m.Fit(context.Background(), x, y, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 10 {
				t.Fatalf("%d epochs, want 10", len(hist))
			}
			after, errRate, err := m.Evaluate(xt, yt)
			if err != nil {
				t.Fatal(err)
			}
			// log 3 ≈ 1.1 at the start; a classifier of these rows reaches well below 0.3.
			if !(after < 0.3*before) || errRate > 0.02 {
				t.Errorf("−log p(y|x): %.4f before, %.4f after training; test error %.3f, want < 30%% of the start and ≤ 2%%", before, after, errRate)
			}
			if mode != Generative && !(hist[len(hist)-1].Loss < hist[0].Loss) {
				t.Errorf("training loss %.4f at epoch 1, %.4f at the end", hist[0].Loss, hist[len(hist)-1].Loss)
			}
		})
	}
}

// TestSameSeedSameWeights trains twice with one seed (bit-identical parameters) and once with
// another (different ones), in both dtypes.
func TestSameSeedSameWeights(t *testing.T) {
	x, y := toy(100, 3)
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		t.Run(tfops.DTypeName(dt), func(t *testing.T) {
			run := func(seed int64) Params {
				m := toyModel(t, dt, Hybrid, seed)
				if err := m.SetEpochs(3); err != nil {
					t.Fatal(err)
				}
				if _, err := m.Fit(context.Background(), x, y, nil, nil, nil); err != nil {
					t.Fatal(err)
				}
				p, err := m.Params()
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			a, b, c := run(7), run(7), run(8)
			for k, name := range []string{"W", "U", "B", "C", "D"} {
				if !slices.Equal(a.list()[k], b.list()[k]) {
					t.Errorf("%s differs between two runs with seed 7", name)
				}
				if slices.Equal(a.list()[k], c.list()[k]) {
					t.Errorf("%s is the same with seeds 7 and 8", name)
				}
			}
		})
	}
}

// TestSaveLoadContinues saves after one epoch, loads, trains a second epoch and compares with
// two epochs uninterrupted, bit for bit; the loaded model predicts as the saved one.
func TestSaveLoadContinues(t *testing.T) {
	x, y := toy(100, 4)
	for _, dt := range []tf.DataType{tf.Float, tf.Double} {
		t.Run(tfops.DTypeName(dt), func(t *testing.T) {
			whole := toyModel(t, dt, Hybrid, 5)
			if err := whole.SetEpochs(2); err != nil {
				t.Fatal(err)
			}
			if _, err := whole.Fit(context.Background(), x, y, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
			want, err := whole.Params()
			if err != nil {
				t.Fatal(err)
			}

			dir := t.TempDir()
			first := toyModel(t, dt, Hybrid, 5)
			if err := first.SetEpochs(1); err != nil {
				t.Fatal(err)
			}
			if _, err := first.Fit(context.Background(), x, y, nil, nil, &FitOptions{Dir: dir}); err != nil {
				t.Fatal(err)
			}
			p1, err := first.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Load(dir, 1)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if m.Epoch() != 1 || m.Config().DType != dt || m.Config().Mode != Hybrid {
				t.Fatalf("loaded epoch %d dtype %v mode %q, want 1 %v hybrid", m.Epoch(), m.Config().DType, m.Config().Mode, dt)
			}
			p2, err := m.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p1, p2) {
				t.Errorf("loaded model predicts differently")
			}
			if err := m.SetEpochs(2); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Fit(context.Background(), x, y, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
			got, err := m.Params()
			if err != nil {
				t.Fatal(err)
			}
			for k, name := range []string{"W", "U", "B", "C", "D"} {
				if !slices.Equal(got.list()[k], want.list()[k]) {
					t.Errorf("%s after save, load and one more epoch differs from two epochs in one run", name)
				}
			}
		})
	}
	if _, err := Load(t.TempDir(), 1); !errors.Is(err, ErrNoModel) {
		t.Errorf("Load(empty dir) = %v, want ErrNoModel", err)
	}
}

// TestEarlyStopping validates on rows whose labels are shifted, so that learning the training
// set raises the validation error: training stops after Patience epochs without improvement
// and ends with the parameters of the best epoch.
func TestEarlyStopping(t *testing.T) {
	x, y := toy(150, 5)
	xv, yv := toy(60, 6)
	for i := range yv {
		yv[i] = (yv[i] + 1) % 3
	}
	m := toyModel(t, tf.Double, Discriminative, 1)
	if err := m.SetEpochs(20); err != nil {
		t.Fatal(err)
	}
	hist, err := m.Fit(context.Background(), x, y, xv, yv, &FitOptions{Patience: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) >= 20 {
		t.Fatalf("trained all %d epochs, want early stopping", len(hist))
	}
	best := math.Inf(1)
	for _, st := range hist {
		best = math.Min(best, st.ValError)
	}
	if last := hist[len(hist)-1]; last.Epoch-bestEpoch(hist) != 2 {
		t.Errorf("stopped at epoch %d, best epoch %d, want 2 epochs after the best", last.Epoch, bestEpoch(hist))
	}
	_, got, err := m.Evaluate(xv, yv)
	if err != nil {
		t.Fatal(err)
	}
	if got != best {
		t.Errorf("validation error after Fit %g, want the best epoch's %g", got, best)
	}
}

func bestEpoch(h []EpochStats) int {
	b := 0
	for _, st := range h {
		if st.Best {
			b = st.Epoch
		}
	}
	return b
}

// TestBadInput checks that bad configurations, shapes and labels are errors, not panics.
func TestBadInput(t *testing.T) {
	for _, c := range []Config{
		{NumVisible: 0, NumHidden: 2, Classes: 2},
		{NumVisible: 2, NumHidden: 2, Classes: 1},
		{NumVisible: 2, NumHidden: 2, Classes: 2, Mode: "adversarial"},
		{NumVisible: 2, NumHidden: 2, Classes: 2, Momentum: 1},
		{NumVisible: 2, NumHidden: 2, Classes: 2, LearningRate: math.NaN()},
		{NumVisible: 2, NumHidden: 2, Classes: 2, DType: tf.Int32},
	} {
		if _, err := New(c); !errors.Is(err, ErrConfig) {
			t.Errorf("New(%+v) = %v, want ErrConfig", c, err)
		}
	}
	m := toyModel(t, tf.Float, Hybrid, 1)
	x, y := toy(20, 1)
	ctx := context.Background()
	if _, err := m.Fit(ctx, x, y[:19], nil, nil, nil); !errors.Is(err, tfops.ErrShape) {
		t.Errorf("Fit with 19 labels for 20 rows: %v, want ErrShape", err)
	}
	bad := append([]int(nil), y...)
	bad[3] = 3
	if _, err := m.Fit(ctx, x, bad, nil, nil, nil); !errors.Is(err, tfops.ErrData) {
		t.Errorf("Fit with label 3 of 3 classes: %v, want ErrData", err)
	}
	if _, err := m.Fit(ctx, x, y, nil, nil, &FitOptions{Patience: 2}); !errors.Is(err, train.ErrConfig) {
		t.Errorf("Fit with Patience and no validation data: %v, want ErrConfig", err)
	}
	wide := &dataset.Matrix[float64]{Rows: 1, Cols: 13, Data: make([]float64, 13)}
	if _, err := m.Predict(wide); !errors.Is(err, tfops.ErrShape) {
		t.Errorf("Predict on 13 columns: %v, want ErrShape", err)
	}
	if err := m.SetParams(Params{}); !errors.Is(err, tfops.ErrShape) {
		t.Errorf("SetParams(empty): %v, want ErrShape", err)
	}
}

// TestBestValErrorToBeat continues a model with an unbeatable validation error: no epoch is
// saved and Fit ends with the parameters it started with.
func TestBestValErrorToBeat(t *testing.T) {
	x, y := toy(100, 9)
	xv, yv := toy(50, 10)
	m := toyModel(t, tf.Double, Discriminative, 1)
	before, err := m.Params()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	zero := 0.0
	hist, err := m.Fit(context.Background(), x, y, xv, yv, &FitOptions{Dir: dir, BestValError: &zero})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range hist {
		if st.Best {
			t.Errorf("epoch %d beat a validation error of 0", st.Epoch)
		}
	}
	after, err := m.Params()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before.W, after.W) {
		t.Errorf("W changed, want the starting parameters back")
	}
	if _, err := Load(dir, 1); !errors.Is(err, ErrNoModel) {
		t.Errorf("Load(dir) = %v, want ErrNoModel: no epoch should have been saved", err)
	}
}

// trainOrder is the order in which Fit visits n rows in epoch.
func trainOrder(n int, seed int64, epoch int) []int { return train.Order(n, seed, epoch, false) }
