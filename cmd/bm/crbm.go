package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/boltzmann-go/boltzmann/crbm"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// crbmFlags are the flags of bm crbm.
type crbmFlags struct {
	data, out, mode, dtype string
	hidden                 int
	lr, momentum, l2       float64
	alpha, beta, weightStd float64
	nLabeled               int
	semi                   bool
	batch, epochs, cd      int
	patience               int
	nTrain, nVal           int
	splitSeed              uint64
	seed                   int64
	threads                int
	maxTime                time.Duration
	export, quiet, fresh   bool
}

func (f *crbmFlags) flagSet() *flag.FlagSet {
	fs := newFlagSet("crbm", "bm crbm -data MNIST [-mode discriminative|hybrid|generative] [flags]")
	fs.StringVar(&f.data, "data", "data/mnist", "MNIST (or CIFAR-10) folder of IDX files; pixels are scaled to [0, 1]")
	fs.StringVar(&f.out, "out", "runs/crbm", "folder for model/ (the epoch with the lowest validation error), y_pred.npy (test predictions), history.json and results.json")
	fs.StringVar(&f.mode, "mode", crbm.Hybrid, "training: discriminative (exact ∇ log p(y|x)), generative (CD-k on p(x, y)) or hybrid (discriminative + alpha·generative)")
	fs.IntVar(&f.hidden, "hidden", 500, "hidden units")
	fs.Float64Var(&f.lr, "lr", 0.5, "learning rate (of the gradient averaged over a minibatch: the papers' online rate 0.05 is about 1 with -batch 20)")
	fs.Float64Var(&f.momentum, "momentum", 0, "classical momentum (0: plain SGD)")
	fs.Float64Var(&f.l2, "l2", 0, "L2 weight decay of W and U")
	fs.Float64Var(&f.alpha, "alpha", 0.01, "hybrid: weight of the generative gradient")
	fs.IntVar(&f.nLabeled, "n-labeled", 0, "keep the labels of only the first N training rows (0: all); the other rows are dropped, or with -semi used unlabeled")
	fs.BoolVar(&f.semi, "semi", false, "semi-supervised: train on the training rows beyond -n-labeled as unlabeled data (gradient of log p(x), weight -beta)")
	fs.Float64Var(&f.beta, "beta", 0.1, "semi-supervised: weight of the unlabeled rows' generative gradient")
	fs.Float64Var(&f.weightStd, "weight-std", 0.01, "standard deviation of the initial W and U")
	fs.IntVar(&f.batch, "batch", 20, "minibatch size")
	fs.IntVar(&f.epochs, "epochs", 30, "maximum number of epochs")
	fs.IntVar(&f.cd, "cd", 1, "generative and hybrid: k of CD-k")
	fs.IntVar(&f.patience, "patience", 5, "stop after this many epochs without a lower validation error (0: train all epochs)")
	fs.IntVar(&f.nTrain, "n-train", 50000, "training rows, taken from the training file after a seeded shuffle")
	fs.IntVar(&f.nVal, "n-val", 10000, "validation rows (the rest of the training file; 0: none, no early stopping)")
	fs.Uint64Var(&f.splitSeed, "split-seed", 1337, "seed of the train/validation split")
	fs.Int64Var(&f.seed, "seed", 1, "seed of the initial weights, the row order and the Gibbs sampling")
	fs.StringVar(&f.dtype, "dtype", "float32", "float32 or float64")
	fs.IntVar(&f.threads, "threads", 0, "TensorFlow intra-op threads (0: one per core)")
	fs.DurationVar(&f.maxTime, "max-time", 0, "stop before an epoch that would end after this much training time, e.g. 25m (0: no limit)")
	fs.BoolVar(&f.export, "export", true, "also export the model as a SavedModel into <out>/savedmodel/crbm/1 (signatures serving_default and classify)")
	fs.BoolVar(&f.fresh, "fresh", false, "start a new model even if <out>/model holds one (default: continue it to -epochs)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	return fs
}

func cmdCRBM(args []string) int {
	var f crbmFlags
	return command("crbm", f.flagSet(), args, func() error { return runCRBM(&f) })
}

// crbmResult is what results.json holds.
type crbmResult struct {
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

func (f *crbmFlags) config() (crbm.Config, error) {
	dt, err := tfops.ParseDType(f.dtype)
	if err != nil {
		return crbm.Config{}, flagErr("dtype", "%v", err)
	}
	switch {
	case f.mode != crbm.Discriminative && f.mode != crbm.Generative && f.mode != crbm.Hybrid:
		return crbm.Config{}, flagErr("mode", "%q, want discriminative, hybrid or generative", f.mode)
	case f.hidden <= 0:
		return crbm.Config{}, flagErr("hidden", "%d, want > 0", f.hidden)
	case !(f.lr > 0):
		return crbm.Config{}, flagErr("lr", "%g, want > 0", f.lr)
	case !(f.alpha > 0):
		return crbm.Config{}, flagErr("alpha", "%g, want > 0", f.alpha)
	case !(f.weightStd > 0):
		return crbm.Config{}, flagErr("weight-std", "%g, want > 0", f.weightStd)
	case f.batch <= 0:
		return crbm.Config{}, flagErr("batch", "%d, want > 0", f.batch)
	case f.epochs <= 0:
		return crbm.Config{}, flagErr("epochs", "%d, want > 0", f.epochs)
	case f.cd <= 0:
		return crbm.Config{}, flagErr("cd", "%d, want > 0", f.cd)
	case f.patience < 0:
		return crbm.Config{}, flagErr("patience", "%d, want ≥ 0", f.patience)
	case !(f.beta > 0):
		return crbm.Config{}, flagErr("beta", "%g, want > 0", f.beta)
	case f.nLabeled < 0:
		return crbm.Config{}, flagErr("n-labeled", "%d, want ≥ 0", f.nLabeled)
	case f.semi && f.nLabeled == 0:
		return crbm.Config{}, flagErr("semi", "needs -n-labeled: the rows beyond it are the unlabeled data")
	case f.threads < 0:
		return crbm.Config{}, flagErr("threads", "%d, want ≥ 0", f.threads)
	case f.maxTime < 0:
		return crbm.Config{}, flagErr("max-time", "%v, want ≥ 0", f.maxTime)
	}
	c := crbm.Config{NumHidden: f.hidden, DType: dt, Mode: f.mode, Alpha: f.alpha, Beta: f.beta, LearningRate: f.lr, Momentum: f.momentum,
		L2: f.l2, BatchSize: f.batch, Epochs: f.epochs, CDSteps: f.cd, WeightStd: f.weightStd, Seed: f.seed, Threads: f.threads}
	return c, nil
}

func runCRBM(f *crbmFlags) error {
	start := time.Now()
	c, err := f.config()
	if err != nil {
		return err
	}
	d, err := pipeline.LoadLabeled(f.data, f.nTrain, f.nVal, f.splitSeed)
	if err != nil {
		return err
	}
	var unl *dataset.Matrix[float32]
	if f.nLabeled > 0 {
		if f.nLabeled >= d.Train.Rows {
			return flagErr("n-labeled", "%d, but there are %d training rows", f.nLabeled, d.Train.Rows)
		}
		if f.semi {
			unl = d.Train.SliceRows(f.nLabeled, d.Train.Rows)
		}
		d.Train, d.YTrain = d.Train.SliceRows(0, f.nLabeled), d.YTrain[:f.nLabeled]
	}
	c.NumVisible = d.Train.Cols
	c.Classes = 1 + maxLabel(d.YTrain, d.YVal, d.YTest)
	var val *dataset.Matrix[float32]
	if d.Val != nil && d.Val.Rows > 0 {
		val = d.Val
	} else if f.patience > 0 {
		return flagErr("patience", "%d needs validation rows (-n-val > 0)", f.patience)
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return err
	}
	modelDir := filepath.Join(f.out, "model")
	var hist []crbmEpoch
	var m *crbm.CRBM
	if _, err := os.Stat(filepath.Join(modelDir, "model.json")); err == nil && !f.fresh {
		if m, hist, err = resumeCRBM(modelDir, f, c); err != nil {
			return err
		}
	} else if m, err = crbm.New(c); err != nil {
		var ce *crbm.ConfigError
		if errors.As(err, &ce) {
			return flagErr(ce.Field, "%s", ce.Reason)
		}
		return err
	}
	defer m.Close()
	log.Printf("%s training on %d labeled rows (%d validation, %d test), %d visible, %d hidden units, %d classes", c.Mode, d.Train.Rows, d.Val.Rows, d.Test.Rows, c.NumVisible, c.NumHidden, c.Classes)
	if unl != nil {
		log.Printf("semi-supervised: %d unlabeled rows, beta %g", unl.Rows, c.Beta)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	perEpoch := (d.Train.Rows + c.BatchSize - 1) / c.BatchSize
	if unl != nil {
		perEpoch = (max(d.Train.Rows, unl.Rows) + c.BatchSize - 1) / c.BatchSize
	}
	bar := newProgress(f.quiet, m.Epoch(), c.Epochs, perEpoch)
	best := 0
	var bestErr *float64
	for _, h := range hist {
		if h.Best {
			best, bestErr = h.Epoch, h.ValError
		}
	}
	fitStart := time.Now()
	opts := &crbm.FitOptions{
		Patience:     f.patience,
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
			if err := writeJSON(filepath.Join(f.out, "history.json"), hist); err != nil {
				return err
			}
			if f.maxTime > 0 && time.Since(fitStart)+st.Elapsed > f.maxTime && st.Epoch < st.Epochs {
				log.Printf("stopping after epoch %d: another epoch would end after -max-time %v", st.Epoch, f.maxTime)
				return train.ErrStop
			}
			return nil
		},
	}
	_, fitErr := m.Fit(ctx, d.Train, d.YTrain, val, d.YVal, opts)
	bar.Finish()
	interrupted := errors.Is(fitErr, context.Canceled)
	if fitErr != nil && !interrupted {
		return fitErr
	}
	if interrupted {
		log.Printf("interrupted: evaluating the best epoch so far")
	}
	nll, testErr, err := m.Evaluate(d.Test, d.YTest)
	if err != nil {
		return err
	}
	pred, err := m.Predict(d.Test)
	if err != nil {
		return err
	}
	if err := dataset.WriteNPYLabels(filepath.Join(f.out, "y_pred.npy"), pred); err != nil {
		return err
	}
	r := crbmResult{Mode: c.Mode, Hidden: c.NumHidden, Epochs: len(hist), BestEpoch: best, TestError: testErr, TestNLL: nll,
		TrainRows: d.Train.Rows, Unlabeled: crbmRows(unl), Seconds: time.Since(start).Seconds(), Command: invocation, Interrupted: interrupted, ConfigApplied: m.Config()}
	for _, h := range hist {
		if h.Epoch == best {
			r.ValError = h.ValError
		}
	}
	if err := writeJSON(filepath.Join(f.out, "results.json"), r); err != nil {
		return err
	}
	if f.export {
		dir, err := export.Write(filepath.Join(f.out, "savedmodel"), "crbm", 1, m, &export.Options{Overwrite: true})
		if err != nil {
			return err
		}
		log.Printf("SavedModel in %s", dir)
	}
	fmt.Printf("test error %.2f%% (best epoch %d of %d, %s); wrote %s\n", 100*testErr, best, len(hist), time.Since(start).Round(time.Second), f.out)
	return nil
}

// crbmEpoch is one row of history.json.
type crbmEpoch struct {
	Epoch    int      `json:"epoch"`
	TrainNLL float64  `json:"train_nll"`
	ValNLL   *float64 `json:"val_nll,omitempty"`
	ValError *float64 `json:"val_error,omitempty"`
	Best     bool     `json:"best"`
	Seconds  float64  `json:"seconds"`
}

func historyRow(st crbm.EpochStats) crbmEpoch {
	h := crbmEpoch{Epoch: st.Epoch, TrainNLL: st.Loss, Best: st.Best, Seconds: st.Elapsed.Seconds()}
	if !math.IsNaN(st.ValError) {
		h.ValNLL, h.ValError = &st.ValLoss, &st.ValError
	}
	return h
}

// resumeCRBM loads the model a run left in dir (its best epoch so far) to continue it to
// -epochs, with the rows of history.json up to that epoch.
func resumeCRBM(dir string, f *crbmFlags, c crbm.Config) (*crbm.CRBM, []crbmEpoch, error) {
	m, err := crbm.Load(dir, f.threads)
	if err != nil {
		return nil, nil, err
	}
	got := m.Config()
	if got.Mode != c.Mode || got.NumHidden != c.NumHidden || got.DType != c.DType || got.NumVisible != c.NumVisible || got.Classes != c.Classes {
		m.Close()
		return nil, nil, flagErr("out", "%s holds a %s model of %d hidden units (%s); these flags ask for %s with %d: give -fresh or another -out", dir, got.Mode, got.NumHidden, tfops.DTypeName(got.DType), c.Mode, c.NumHidden)
	}
	if err := m.SetEpochs(f.epochs); err != nil {
		m.Close()
		return nil, nil, err
	}
	var hist []crbmEpoch
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(dir), "history.json")); err == nil {
		if err := json.Unmarshal(b, &hist); err != nil {
			log.Printf("history.json unreadable (%v): starting a new one", err)
			hist = nil
		}
	}
	for i, h := range hist {
		if h.Epoch > m.Epoch() {
			hist = hist[:i] // epochs after the saved (best) one are not in the model
			break
		}
	}
	log.Printf("continuing the model in %s from epoch %d to %d", dir, m.Epoch(), f.epochs)
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
