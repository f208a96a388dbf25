package pipeline

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/boltzmann-go/boltzmann/crbm"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// TrainCRBM trains a classification RBM (bm crbm; Larochelle & Bengio 2008) on a labeled data
// set split as the original's examples split it, keeping the epoch of the lowest validation
// error in <Out>/model and continuing it when run again; then it tests the model, writes
// y_pred.npy, history.json and results.json, and exports a SavedModel. The zero value of every
// field but Config is its documented default.
type TrainCRBM struct {
	// Config is the model's; NumVisible and Classes are set from the data.
	Config crbm.Config
	// Data is an MNIST or CIFAR-10 folder. Empty means "data/mnist".
	Data string
	// Out is the run folder. Empty means "runs/crbm".
	Out string
	// NTrain and NVal are the training and validation rows. Zero means 50000 and 10000; a
	// negative NVal means none (and no early stopping).
	NTrain, NVal int
	// SplitSeed seeds the train/validation split. Zero means 1337; ZeroSplitSeed seeds it
	// with 0.
	SplitSeed     uint64
	ZeroSplitSeed bool
	// NLabeled keeps the labels of the first NLabeled training rows only (0: all); the other
	// rows are dropped, or with Semi used unlabeled.
	NLabeled int
	Semi     bool
	// Patience stops after this many epochs without a lower validation error. Zero means 5;
	// negative: train every epoch.
	Patience int
	// MaxTime, if > 0, stops before an epoch that would end after this much training time.
	MaxTime time.Duration
	// NoExport skips the SavedModel (<Out>/savedmodel/crbm/1).
	NoExport bool
	// Fresh starts a new model even if <Out>/model holds one.
	Fresh bool
	// Command is the command line recorded in results.json.
	Command []string
}

// CRBMResult is what a TrainCRBM run measured, as results.json holds it.
type CRBMResult struct {
	Mode          string   `json:"mode"`
	Hidden        int      `json:"hidden"`
	Epochs        int      `json:"epochs_trained"`
	BestEpoch     int      `json:"best_epoch"`
	ValError      *float64 `json:"val_error"`
	TestError     float64  `json:"test_error"`
	TestNLL       float64  `json:"test_nll"`
	TrainRows     int      `json:"train_rows"`
	Unlabeled     int      `json:"unlabeled_rows,omitempty"`
	Seconds       float64  `json:"seconds"`
	Command       []string `json:"command"`
	Interrupted   bool     `json:"interrupted,omitempty"`
	ConfigApplied any      `json:"config"`
}

// Run trains (or continues) the model and tests it; a setting that does not fit the data is
// a *FieldError, a configuration crbm refuses its *crbm.ConfigError. The result's line goes to
// h.Output.
func (f TrainCRBM) Run(ctx context.Context, h Hooks) (*CRBMResult, error) {
	start := time.Now()
	f.Data, f.Out = cmp.Or(f.Data, "data/mnist"), cmp.Or(f.Out, "runs/crbm")
	f.NTrain, f.NVal, f.Patience = cmp.Or(f.NTrain, 50000), neg(f.NVal, 10000), neg(f.Patience, 5)
	if f.SplitSeed == 0 && !f.ZeroSplitSeed {
		f.SplitSeed = 1337
	}
	c := f.Config
	d, err := LoadLabeled(f.Data, f.NTrain, f.NVal, f.SplitSeed)
	if err != nil {
		return nil, err
	}
	var unl *dataset.Matrix[float32]
	if f.NLabeled > 0 {
		if f.NLabeled >= d.Train.Rows {
			return nil, fieldErr("NLabeled", "%d, but there are %d training rows", f.NLabeled, d.Train.Rows)
		}
		if f.Semi {
			unl = d.Train.SliceRows(f.NLabeled, d.Train.Rows)
		}
		d.Train, d.YTrain = d.Train.SliceRows(0, f.NLabeled), d.YTrain[:f.NLabeled]
	}
	c.NumVisible = d.Train.Cols
	c.Classes = 1 + maxLabel(d.YTrain, d.YVal, d.YTest)
	var val *dataset.Matrix[float32]
	if d.Val != nil && d.Val.Rows > 0 {
		val = d.Val
	} else if f.Patience > 0 {
		return nil, fieldErr("Patience", "%d needs validation rows (-n-val > 0)", f.Patience)
	}
	if err := os.MkdirAll(f.Out, 0o755); err != nil {
		return nil, err
	}
	modelDir := filepath.Join(f.Out, "model")
	var hist []CRBMEpoch
	var m *crbm.CRBM
	if _, err := os.Stat(filepath.Join(modelDir, "model.json")); err == nil && !f.Fresh {
		if m, hist, err = f.resume(modelDir, c, h); err != nil {
			return nil, err
		}
	} else if m, err = crbm.New(c); err != nil {
		return nil, err
	}
	defer m.Close()
	h.logf("%s training on %d labeled rows (%d validation, %d test), %d visible, %d hidden units, %d classes", c.Mode, d.Train.Rows, d.Val.Rows, d.Test.Rows, c.NumVisible, c.NumHidden, c.Classes)
	if unl != nil {
		h.logf("semi-supervised: %d unlabeled rows, beta %g", unl.Rows, c.Beta)
	}

	perEpoch := (d.Train.Rows + c.BatchSize - 1) / c.BatchSize
	if unl != nil {
		perEpoch = (max(d.Train.Rows, unl.Rows) + c.BatchSize - 1) / c.BatchSize
	}
	bar := h.startEpochs(m.Epoch(), c.Epochs, perEpoch)
	best := 0
	var bestErr *float64
	for _, e := range hist {
		if e.Best {
			best, bestErr = e.Epoch, e.ValError
		}
	}
	fitStart := time.Now()
	opts := &crbm.FitOptions{
		Patience:     f.Patience,
		BestValError: bestErr,
		Dir:          modelDir,
		OnBatch:      bar.Batch,
		Unlabeled: func() crbm.Data {
			if unl == nil {
				return nil
			}
			return unl
		}(),
		OnEpoch: func(st crbm.EpochStats) error {
			hist = append(hist, historyRow(st))
			if st.Best {
				best = st.Epoch
			}
			bar.Epoch(fmt.Sprintf("epoch %d/%d: train nll %.4f, val nll %.4f, val error %.2f%% (%s)%s", st.Epoch, st.Epochs, st.Loss, st.ValLoss, 100*st.ValError,
				st.Elapsed.Round(time.Second), map[bool]string{true: " best", false: ""}[st.Best]), fmt.Sprintf("epoch %d/%d val err %.2f%%", min(st.Epoch+1, st.Epochs), st.Epochs, 100*st.ValError))
			if err := writeJSON(filepath.Join(f.Out, "history.json"), hist); err != nil {
				return err
			}
			if f.MaxTime > 0 && time.Since(fitStart)+st.Elapsed > f.MaxTime && st.Epoch < st.Epochs {
				h.logf("stopping after epoch %d: another epoch would end after -max-time %v", st.Epoch, f.MaxTime)
				return train.ErrStop
			}
			return nil
		},
	}
	_, fitErr := m.Fit(ctx, d.Train, d.YTrain, val, d.YVal, opts)
	bar.Finish()
	interrupted := errors.Is(fitErr, context.Canceled)
	if fitErr != nil && !interrupted {
		return nil, fitErr
	}
	if interrupted {
		h.logf("interrupted: evaluating the best epoch so far")
	}
	nll, testErr, err := m.Evaluate(d.Test, d.YTest)
	if err != nil {
		return nil, err
	}
	pred, err := m.Predict(d.Test)
	if err != nil {
		return nil, err
	}
	if err := dataset.WriteNPYLabels(filepath.Join(f.Out, "y_pred.npy"), pred); err != nil {
		return nil, err
	}
	r := CRBMResult{Mode: c.Mode, Hidden: c.NumHidden, Epochs: len(hist), BestEpoch: best, TestError: testErr, TestNLL: nll,
		TrainRows: d.Train.Rows, Unlabeled: crbmRows(unl), Seconds: time.Since(start).Seconds(), Command: f.Command, Interrupted: interrupted, ConfigApplied: m.Config()}
	for _, e := range hist {
		if e.Epoch == best {
			r.ValError = e.ValError
		}
	}
	if err := writeJSON(filepath.Join(f.Out, "results.json"), r); err != nil {
		return nil, err
	}
	if !f.NoExport {
		dir, err := export.Write(filepath.Join(f.Out, "savedmodel"), "crbm", 1, m, &export.Options{Overwrite: true})
		if err != nil {
			return nil, err
		}
		h.logf("SavedModel in %s", dir)
	}
	h.output(fmt.Sprintf("test error %.2f%% (best epoch %d of %d, %s); wrote %s\n", 100*testErr, best, len(hist), time.Since(start).Round(time.Second), f.Out))
	return &r, nil
}

// CRBMEpoch is one row of history.json.
type CRBMEpoch struct {
	Epoch    int      `json:"epoch"`
	TrainNLL float64  `json:"train_nll"`
	ValNLL   *float64 `json:"val_nll,omitempty"`
	ValError *float64 `json:"val_error,omitempty"`
	Best     bool     `json:"best"`
	Seconds  float64  `json:"seconds"`
}

func historyRow(st crbm.EpochStats) CRBMEpoch {
	h := CRBMEpoch{Epoch: st.Epoch, TrainNLL: st.Loss, Best: st.Best, Seconds: st.Elapsed.Seconds()}
	if !math.IsNaN(st.ValError) {
		h.ValNLL, h.ValError = &st.ValLoss, &st.ValError
	}
	return h
}

// resume loads the model a run left in dir (its best epoch so far) to continue it to
// c.Epochs, with the rows of history.json up to that epoch.
func (f TrainCRBM) resume(dir string, c crbm.Config, h Hooks) (*crbm.CRBM, []CRBMEpoch, error) {
	m, err := crbm.Load(dir, c.Threads)
	if err != nil {
		return nil, nil, err
	}
	got := m.Config()
	if got.Mode != c.Mode || got.NumHidden != c.NumHidden || got.DType != c.DType || got.NumVisible != c.NumVisible || got.Classes != c.Classes {
		m.Close()
		return nil, nil, fieldErr("Out", "%s holds a %s model of %d hidden units (%s); these flags ask for %s with %d: give -fresh or another -out", dir, got.Mode, got.NumHidden, tfops.DTypeName(got.DType), c.Mode, c.NumHidden)
	}
	if err := m.SetEpochs(c.Epochs); err != nil {
		m.Close()
		return nil, nil, err
	}
	var hist []CRBMEpoch
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(dir), "history.json")); err == nil {
		if err := json.Unmarshal(b, &hist); err != nil {
			h.logf("history.json unreadable (%v): starting a new one", err)
			hist = nil
		}
	}
	for i, e := range hist {
		if e.Epoch > m.Epoch() {
			hist = hist[:i] // epochs after the saved (best) one are not in the model
			break
		}
	}
	h.logf("continuing the model in %s from epoch %d to %d", dir, m.Epoch(), c.Epochs)
	return m, hist, nil
}

func crbmRows(m *dataset.Matrix[float32]) int {
	if m == nil {
		return 0
	}
	return m.Rows
}

func maxLabel(ys ...[]int) int {
	mx := 0
	for _, y := range ys {
		for _, v := range y {
			mx = max(mx, v)
		}
	}
	return mx
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}
