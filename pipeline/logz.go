package pipeline

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/tfevents"
	"github.com/boltzmann-go/boltzmann/train"
)

// LogZResult is what the log Z workflow writes into the model folder as logz.json.
type LogZResult struct {
	Method       string     `json:"method"`
	Betas        int        `json:"betas,omitempty"`
	Runs         int        `json:"runs,omitempty"`
	Base         string     `json:"base,omitempty"`
	Schedule     string     `json:"schedule,omitempty"`
	Sweeps       int        `json:"sweeps_per_beta,omitempty"`
	Blocks       int        `json:"blocks,omitempty"`  // AIS blocks of runs with their own streams, if more than one
	Devices      []string   `json:"devices,omitempty"` // where the blocks ran, on a cluster
	LogZ         float64    `json:"log_z"`
	Interval     []*float64 `json:"log_z_plus_minus_std,omitempty"`
	Reverse      *float64   `json:"log_z_reverse,omitempty"`
	ReverseSEM   []*float64 `json:"log_z_reverse_plus_minus_sem,omitempty"`
	BoundReverse *float64   `json:"mean_lower_bound_reverse,omitempty"`
	SEM          []*float64 `json:"log_z_plus_minus_sem,omitempty"`
	ESS          float64    `json:"ess,omitempty"`           // effective sample size of the AIS runs
	ReverseESS   float64    `json:"reverse_ess,omitempty"`   // of the reverse runs
	ReverseStart string     `json:"reverse_start,omitempty"` // data or particles
	Data         string     `json:"data,omitempty"`
	Standardized bool       `json:"data_standardized,omitempty"` // -data standardized with the model's standardizer.json: the bound and log p are of the standardized rows
	Rows         int        `json:"rows,omitempty"`
	MeanBound    *float64   `json:"mean_lower_bound,omitempty"`
	MeanLogP     *float64   `json:"mean_log_p,omitempty"`
	Seconds      float64    `json:"seconds"`
	Epoch        int        `json:"model_epoch"`
}

// LogZ is the log Z workflow of bm logz: a trained RBM or DBM's log partition function estimated
// by AIS, reverse AIS, both (a bracket) or exact enumeration, with the mean test bound (or
// exact log p) of data rows, written to the model folder's logz.json and as TensorBoard scalars
// in logs_logz/. Zero values are the defaults noted; Check (called by Run) reports a setting
// out of range.
type LogZ struct {
	// Method is "ais" (also ""), "reverse", "both" or "exact".
	Method string
	// Data is the data of the bound: an MNIST or CIFAR-10 folder (its test set; its training
	// set gives BaseRate its rates) or a data file (ReadData). Empty: no bound.
	Data string
	// Binarize binarizes the test rows stochastically (the literature's protocol).
	Binarize bool
	// Betas, Runs, SweepsPerBeta, Blocks, Base and Schedule are AIS's (see dbm.AISOptions).
	Betas, Runs, SweepsPerBeta, Blocks int
	Base, Schedule                     string
	// BurnIn is reverse AIS's transitions of the model before annealing down.
	BurnIn int
	// ReverseStart is where reverse AIS starts its chains: "data" (also "") or "particles"
	// (a DBM's persistent particles).
	ReverseStart string
	// Devices are the cluster tasks AIS's blocks run on (nil: this process).
	Devices []string
	// GPU, Target and Threads place the model (Features's).
	GPU, Target string
	Threads     int
	// BeforeAIS, if set, is called with the model's configuration, the runs and the
	// transitions per run before annealing; an error stops the workflow (bm checks AIS's
	// memory there).
	BeforeAIS func(c dbm.Config, runs, steps int) error
}

// readSet reads the training or test rows of path (ReadSet).
func (f *LogZ) readSet(path string, test bool, h Hooks) (*dataset.Matrix[float32], error) {
	x, _, err := ReadSet(path, test, h)
	return x, err
}

// Check reports the first setting out of range as a *FieldError, before anything is read:
// Method and ReverseStart (with defaults), Betas ≥ 1, Runs ≥ 2 (and one per cluster task
// without Blocks), Blocks 0…Runs, SweepsPerBeta 1…1000, BurnIn ≥ 0, Base and Schedule
// (with defaults), and the data that reverse AIS, BaseRate and Binarize need. Run calls it.
func (f *LogZ) Check() error {
	method, start := cmp.Or(f.Method, "ais"), cmp.Or(f.ReverseStart, "data")
	base, schedule := cmp.Or(f.Base, dbm.BaseBiases), cmp.Or(f.Schedule, dbm.ScheduleUniform)
	switch {
	case method != "ais" && method != "exact" && method != "reverse" && method != "both":
		return fieldErr("Method", "%q, want ais, reverse, both or exact", method)
	case start != "data" && start != "particles":
		return fieldErr("ReverseStart", "%q, want data or particles", start)
	case (method == "reverse" || method == "both") && f.Data == "" && start == "data":
		return fieldErr("Method", "%s needs -data: reverse AIS starts its chains at data rows", method)
	case f.BurnIn < 0:
		return fieldErr("BurnIn", "%d, want ≥ 0", f.BurnIn)
	case f.Betas < 1:
		return fieldErr("Betas", "%d, want ≥ 1", f.Betas)
	case f.Runs < 2:
		return fieldErr("Runs", "%d, want ≥ 2", f.Runs)
	case f.Blocks < 0 || f.Blocks > f.Runs:
		return fieldErr("Blocks", "%d, want 0…%d (-runs)", f.Blocks, f.Runs)
	case f.Blocks == 0 && len(f.Devices) > f.Runs:
		return fieldErr("Runs", "%d runs for %d cluster tasks: want at least one run per task (or -blocks)", f.Runs, len(f.Devices))
	case f.SweepsPerBeta < 1 || f.SweepsPerBeta > 1000:
		return fieldErr("SweepsPerBeta", "%d, want 1…1000", f.SweepsPerBeta)
	case base != dbm.BaseBiases && base != dbm.BaseUniform && base != dbm.BaseRate:
		return fieldErr("Base", "%q, want biases, uniform or base-rate", base)
	case base == dbm.BaseRate && f.Data == "":
		return fieldErr("Base", "base-rate needs -data (the rates are its training rows' means)")
	case schedule != dbm.ScheduleUniform && schedule != dbm.ScheduleSegments:
		return fieldErr("Schedule", "%q, want uniform or segments", schedule)
	case f.Binarize && f.Data == "":
		return fieldErr("Binarize", "stochastic binarizes -data's test rows: give -data")
	}
	return nil
}

// Run estimates the log Z of the model in modelDir (a model folder, or a run folder holding
// model/).
func (f *LogZ) Run(ctx context.Context, modelDir string, h Hooks) (*LogZResult, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	f.Method, f.ReverseStart = cmp.Or(f.Method, "ais"), cmp.Or(f.ReverseStart, "data")
	f.Base, f.Schedule = cmp.Or(f.Base, dbm.BaseBiases), cmp.Or(f.Schedule, dbm.ScheduleUniform)
	dir := ResolveModelDir(modelDir)
	kind, err := ModelKind(dir)
	if err != nil {
		return nil, err
	}
	var test, train *dataset.Matrix[float64]
	standardized := false
	if f.Data != "" {
		// A folder gives its test set (and for -base base-rate its training set); a file gives
		// its rows for both. A set that cannot be read is an error naming the file, never a
		// quiet fall-back to another set.
		if st, err := os.Stat(f.Data); err == nil && st.IsDir() {
			t, err := f.readSet(f.Data, true, h)
			if err != nil {
				return nil, fmt.Errorf("-data %s: its test set: %w", f.Data, err)
			}
			test = dataset.Convert[float64](t)
			if f.Base == dbm.BaseRate {
				tr, err := f.readSet(f.Data, false, h)
				if err != nil {
					return nil, fmt.Errorf("-data %s: its training set (for -base base-rate): %w", f.Data, err)
				}
				train = dataset.Convert[float64](tr)
			}
		} else {
			x, err := f.readSet(f.Data, false, h)
			if err != nil {
				return nil, err
			}
			test, train = dataset.Convert[float64](x), dataset.Convert[float64](x)
		}
		if f.Binarize {
			dataset.BinarizeStochastic(test, 1)
		}
		// A model trained on standardized data (bm train -standardize) has its density on the
		// standardized rows: standardize -data's rows once, as its training rows were.
		std, err := StandardizerFor(dir, h)
		if err != nil {
			return nil, err
		}
		if std != nil {
			for _, x := range []*dataset.Matrix[float64]{test, train} {
				if x == nil {
					continue
				}
				if err := dataset.Standardize(std, x); err != nil {
					return nil, fmt.Errorf("%s: %w", f.Data, err)
				}
			}
			standardized = true
		}
	}
	// An RBM is estimated as the 1-hidden-layer DBM it is (same weights and biases).
	if kind == "rbm" && f.ReverseStart == "particles" && f.Method != "ais" && f.Method != "exact" {
		return nil, fieldErr("ReverseStart", "particles: an RBM has no persistent particles of a DBM; use -reverse-start data")
	}
	model, err := OpenModel(dir, Placement{GPU: f.GPU, Target: f.Target, Threads: f.Threads})
	if err != nil {
		return nil, err
	}
	defer model.Close()
	m, err := model.AsDBM()
	if err != nil {
		return nil, err
	}
	defer m.Close()
	if err := CheckFinite(dir, m); err != nil {
		return nil, err
	}
	if f.Method != "exact" {
		// Refused before anything is allocated: -runs 1e9 -betas 1e9 would grow for minutes
		// to many GiB before TensorFlow fails.
		runs := f.Runs
		if f.Method == "reverse" && f.ReverseStart == "data" {
			runs = min(runs, test.Rows)
		}
		if f.BeforeAIS != nil {
			if err := f.BeforeAIS(m.Config(), runs, f.Betas+f.BurnIn); err != nil {
				return nil, err
			}
		}
	}
	res := &LogZResult{Method: f.Method, Epoch: model.Epoch(), Standardized: standardized}
	start := time.Now()
	if f.Method == "exact" {
		if res.LogZ, err = m.ExactLogZ(); err != nil {
			return nil, fmt.Errorf("exact log Z: %w (use -method ais for models this large)", err)
		}
		h.logf("log Z = %.4f (exact)", res.LogZ)
	} else {
		devices := f.Devices
		o := dbm.AISOptions{Betas: f.Betas, Runs: f.Runs, Base: f.Base, Schedule: f.Schedule, SweepsPerBeta: f.SweepsPerBeta, Blocks: f.Blocks, Devices: devices}
		if blocks, devs, _ := o.BlockPlan(); blocks > 1 || devices != nil {
			res.Blocks, res.Devices = blocks, devs
			h.logf("AIS runs in %d blocks of their own random streams, on %s", blocks, placeList(devs))
		}
		if f.Base == dbm.BaseRate {
			if train == nil {
				return nil, fieldErr("Data", "%s has no training rows for the base rates", f.Data)
			}
			o.BaseRates = meanRows(train)
		}
		res.Betas, res.Runs, res.Base, res.Schedule, res.Sweeps = f.Betas, f.Runs, f.Base, f.Schedule, f.SweepsPerBeta
		if f.Method != "reverse" {
			bar := h.start(Run{Epochs: 1, PerEpoch: f.Betas, Unit: "β", Desc: fmt.Sprintf("AIS, %d runs", f.Runs)})
			o.OnProgress = func(done, total int) { bar.Batch(1, done, total) }
			z, err := m.AISLogZ(ctx, o)
			bar.Finish()
			if err != nil {
				return nil, err
			}
			res.LogZ, res.Interval, res.SEM = z.LogZ, []*float64{finitePtr(z.Low), finitePtr(z.High)}, []*float64{finitePtr(z.SEMLow), finitePtr(z.SEMHigh)}
			res.ESS = z.ESS
			h.logf("log Ẑ = %.4f by AIS (%d β, %d runs, base %s, schedule %s, %d sweeps/β); log(Ẑ ± σ) = %.4f, %.4f; log(Ẑ ± standard error) = %.4f, %.4f; effective sample size %.1f",
				z.LogZ, f.Betas, f.Runs, f.Base, f.Schedule, f.SweepsPerBeta, z.Low, z.High, z.SEMLow, z.SEMHigh, z.ESS)
		}
		if f.Method != "ais" {
			runs, from := f.Runs, "the persistent particles"
			if f.ReverseStart == "data" {
				runs, from = min(f.Runs, test.Rows), "data rows"
			}
			bar := h.start(Run{Epochs: 1, PerEpoch: f.BurnIn + f.Betas, Unit: "step", Desc: fmt.Sprintf("reverse AIS, %d runs", runs)})
			o.OnProgress = func(done, total int) { bar.Batch(1, done, total) }
			o.Runs = runs
			ro := dbm.ReverseOptions{Options: o, BurnIn: f.BurnIn}
			var z *dbm.LogZEstimate
			if f.ReverseStart == "particles" {
				z, err = m.ReverseAISFromParticles(ctx, ro)
			} else {
				z, err = m.ReverseAISLogZ(ctx, test, ro)
			}
			bar.Finish()
			if err != nil {
				return nil, err
			}
			res.Reverse, res.ReverseSEM = &z.LogZ, []*float64{finitePtr(z.SEMLow), finitePtr(z.SEMHigh)}
			res.ReverseESS, res.ReverseStart = z.ESS, f.ReverseStart
			h.logf("log Ẑ = %.4f by reverse AIS (%d runs from %s, %d burn-in transitions); log(Ẑ ± standard error) = %.4f, %.4f; effective sample size %.1f",
				z.LogZ, runs, from, f.BurnIn, z.SEMLow, z.SEMHigh, z.ESS)
			if f.Method == "reverse" {
				res.LogZ = z.LogZ
			}
		}
	}
	if test != nil {
		res.Data, res.Rows = f.Data, test.Rows
		if r, ok := model.(rbmModel); ok && f.Method == "exact" {
			ll, err := r.LogLikelihood(test)
			if err != nil {
				return nil, err
			}
			res.MeanLogP = &ll
			h.logf("mean log p(x) over %d rows: %.4f (exact)", test.Rows, ll)
		} else {
			lb, err := m.LowerBound(test, res.LogZ)
			if err != nil {
				return nil, err
			}
			mean := 0.0
			for _, v := range lb {
				mean += v / float64(len(lb))
			}
			res.MeanBound = &mean
			h.logf("mean variational lower bound on log p(x) over %d rows: %.4f nats (with this log Z)", len(lb), mean)
			if f.Method == "both" {
				rb := mean + res.LogZ - *res.Reverse
				res.BoundReverse = &rb
				h.logf("with the reverse estimate of log Z: %.4f nats; the bracket of the mean bound: [%.4f, %.4f]", rb, min(rb, mean), max(rb, mean))
			}
		}
	}
	res.Seconds = time.Since(start).Seconds()
	if err := logzScalars(filepath.Join(dir, "logs_logz"), res); err != nil {
		return nil, err
	}
	b, _ := json.MarshalIndent(res, "", "  ")
	path := filepath.Join(dir, "logz.json")
	if err := atomicfile.WriteFile(path, append(b, '\n')); err != nil {
		return nil, err
	}
	h.logf("wrote %s", path)
	return res, nil
}

// placeList names the devices of AIS blocks ("" is this process's).
func placeList(devs []string) string {
	out := make([]string, len(devs))
	for i, d := range devs {
		out[i] = cmp.Or(d, "this process")
	}
	return strings.Join(out, ", ")
}

// meanRows returns the mean of each column of x.
func meanRows(x *dataset.Matrix[float64]) []float64 {
	out := make([]float64, x.Cols)
	for i := 0; i < x.Rows; i++ {
		for j, v := range x.Row(i) {
			out[j] += v / float64(x.Rows)
		}
	}
	return out
}

// finitePtr returns a pointer to v, or nil for NaN and infinities (not JSON).
func finitePtr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// logzScalars writes the estimates as TensorBoard scalars under dir, at the model's epoch.
func logzScalars(dir string, r *LogZResult) error {
	w, err := tfevents.NewWriter(dir)
	if err != nil {
		return err
	}
	step := int64(r.Epoch)
	vals := map[string]*float64{"logz/" + r.Method: &r.LogZ, "logz/reverse": r.Reverse, "bound/mean": r.MeanBound,
		"bound/mean_reverse": r.BoundReverse, "log_p/mean_exact": r.MeanLogP}
	for tag, v := range vals {
		if v != nil {
			if err := w.Scalar(tag, step, *v); err != nil {
				w.Close()
				return err
			}
		}
	}
	return w.Close()
}

// CheckFinite refuses a model (*rbm.RBM, *dbm.DBM), saved in dir, whose trained tensors hold
// NaN or infinities (a run that diverged before divergence was detected, or a damaged
// checkpoint).
func CheckFinite(dir string, m interface {
	State() ([]train.Tensor, error)
}) error {
	st, err := m.State()
	if err != nil {
		return err
	}
	if err := train.CheckFinite(st); err != nil {
		return fmt.Errorf("the model in %s is unusable: %v (it diverged: train it again with a smaller learning rate)", dir, err)
	}
	return nil
}
