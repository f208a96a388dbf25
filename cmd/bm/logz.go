package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfevents"
)

// logzFlags are the flags of bm logz.
type logzFlags struct {
	model, data, method, base, schedule, binarize string
	reverseStart                                  string
	betas, runs, sweeps, burnIn, blocks           int
	quiet                                         bool
	dev                                           device
}

// logzResult is what bm logz writes into the model folder as logz.json.
type logzResult struct {
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

func cmdLogZ(args []string) int {
	var f logzFlags
	fs := newFlagSet("logz", "bm logz -model DIR [flags]")
	fs.StringVar(&f.model, "model", "runs/rbm_mnist/model", "model folder of an RBM or a DBM")
	fs.StringVar(&f.data, "data", "", "data for the average test bound (DBM) or exact log p (tiny RBM): an MNIST or CIFAR-10 folder (its test set; its training set gives -base base-rate its rates) or an IDX/.npy file")
	fs.StringVar(&f.method, "method", "ais", "ais (annealed importance sampling, tends to under-estimate log Z), reverse (reverse AIS from chains started at -data, tends to over-estimate it), both (the bracket) or exact (enumeration, tiny models)")
	fs.IntVar(&f.burnIn, "burn-in", 1000, "reverse AIS: transitions of the model before annealing down")
	fs.StringVar(&f.reverseStart, "reverse-start", "data", "reverse AIS (DBM): start the chains at data rows' posterior (data) or at the DBM's persistent particles (particles: the training's model samples, RAISE)")
	fs.IntVar(&f.betas, "betas", 20000, "AIS: intermediate distributions")
	fs.IntVar(&f.runs, "runs", 100, "AIS: runs")
	fs.StringVar(&f.base, "base", dbm.BaseBiases, "AIS base: biases (the model's), uniform (the original's) or base-rate (fitted to -data's marginals)")
	fs.StringVar(&f.schedule, "schedule", dbm.ScheduleUniform, "AIS schedule: uniform or segments (denser near β = 1)")
	fs.IntVar(&f.sweeps, "sweeps", 1, "AIS: transitions per intermediate distribution")
	fs.StringVar(&f.binarize, "binarize", "none", "binarize the test data: none or stochastic (the literature's protocol)")
	fs.IntVar(&f.blocks, "blocks", 0, "AIS: split the runs into this many blocks with random streams of their own (0: one per -cluster task, or 1); the estimate depends on the blocks, not on where they run")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	f.dev.register(fs, "AIS splits its runs into one block per task")
	return command("logz", fs, args, func() error { return runLogZ(&f) })
}

func (f *logzFlags) check() error {
	if err := f.dev.check(); err != nil {
		return err
	}
	if f.method == "rais" {
		f.method = "reverse" // the literature's name (Burda et al.'s RAISE)
	}
	switch {
	case f.method != "ais" && f.method != "exact" && f.method != "reverse" && f.method != "both":
		return flagErr("method", "%q, want ais, reverse, both or exact", f.method)
	case f.reverseStart != "data" && f.reverseStart != "particles":
		return flagErr("reverse-start", "%q, want data or particles", f.reverseStart)
	case (f.method == "reverse" || f.method == "both") && f.data == "" && f.reverseStart == "data":
		return flagErr("method", "%s needs -data: reverse AIS starts its chains at data rows", f.method)
	case f.burnIn < 0:
		return flagErr("burn-in", "%d, want ≥ 0", f.burnIn)
	case f.betas < 1:
		return flagErr("betas", "%d, want ≥ 1", f.betas)
	case f.runs < 2:
		return flagErr("runs", "%d, want ≥ 2", f.runs)
	case f.blocks < 0 || f.blocks > f.runs:
		return flagErr("blocks", "%d, want 0…%d (-runs)", f.blocks, f.runs)
	case f.blocks == 0 && len(f.tasks()) > f.runs:
		return flagErr("runs", "%d runs for %d cluster tasks: want at least one run per task (or -blocks)", f.runs, len(f.tasks()))
	case f.sweeps < 1 || f.sweeps > 1000:
		return flagErr("sweeps", "%d, want 1…1000", f.sweeps)
	case f.base != dbm.BaseBiases && f.base != dbm.BaseUniform && f.base != dbm.BaseRate:
		return flagErr("base", "%q, want biases, uniform or base-rate", f.base)
	case f.base == dbm.BaseRate && f.data == "":
		return flagErr("base", "base-rate needs -data (the rates are its training rows' means)")
	case f.schedule != dbm.ScheduleUniform && f.schedule != dbm.ScheduleSegments:
		return flagErr("schedule", "%q, want uniform or segments", f.schedule)
	case f.binarize != "none" && f.binarize != "stochastic":
		return flagErr("binarize", "%q, want none or stochastic", f.binarize)
	case f.binarize != "none" && f.data == "":
		return flagErr("binarize", "%s binarizes -data's test rows: give -data", f.binarize)
	}
	return nil
}

// tasks are the devices of -cluster's tasks (nil without -cluster or before the flags check).
func (f *logzFlags) tasks() []string {
	_, devices, _ := f.dev.plan()
	return devices
}

func runLogZ(f *logzFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	return f.dev.wrap(estimateLogZ(f))
}

// estimateLogZ is bm logz after its flags are checked.
func estimateLogZ(f *logzFlags) error {
	dir := pipeline.ResolveModelDir(f.model)
	kind, err := pipeline.ModelKind(dir)
	if err != nil {
		return err
	}
	var test, train *dataset.Matrix[float64]
	standardized := false
	if f.data != "" {
		// A folder gives its test set (and for -base base-rate its training set); a file gives
		// its rows for both. A set that cannot be read is an error naming the file, never a
		// quiet fall-back to another set.
		if st, err := os.Stat(f.data); err == nil && st.IsDir() {
			t, _, err := readSet(f.data, true)
			if err != nil {
				return fmt.Errorf("-data %s: its test set: %w", f.data, err)
			}
			test = dataset.Convert[float64](t)
			if f.base == dbm.BaseRate {
				tr, _, err := readSet(f.data, false)
				if err != nil {
					return fmt.Errorf("-data %s: its training set (for -base base-rate): %w", f.data, err)
				}
				train = dataset.Convert[float64](tr)
			}
		} else {
			x, _, err := readSet(f.data, false)
			if err != nil {
				return err
			}
			test, train = dataset.Convert[float64](x), dataset.Convert[float64](x)
		}
		if f.binarize == "stochastic" {
			dataset.BinarizeStochastic(test, 1)
		}
		// A model trained on standardized data (bm train -standardize) has its density on the
		// standardized rows: standardize -data's rows once, as its training rows were.
		std, err := pipeline.StandardizerFor(dir, logHooks())
		if err != nil {
			return err
		}
		if std != nil {
			for _, x := range []*dataset.Matrix[float64]{test, train} {
				if x == nil {
					continue
				}
				if err := dataset.Standardize(std, x); err != nil {
					return fmt.Errorf("%s: %w", f.data, err)
				}
			}
			standardized = true
		}
	}
	// An RBM is estimated as the 1-hidden-layer DBM it is (same weights and biases).
	var m *dbm.DBM
	var r *rbm.RBM
	if kind == "dbm" {
		if m, err = f.dev.loadDBM(dir); err != nil {
			return err
		}
	} else {
		if f.reverseStart == "particles" && f.method != "ais" && f.method != "exact" {
			return flagErr("reverse-start", "particles: an RBM has no persistent particles of a DBM; use -reverse-start data")
		}
		if r, err = f.dev.loadRBM(dir); err != nil {
			return err
		}
		defer r.Close()
		if m, err = dbm.FromRBMs(dbm.Config{DType: r.Config().DType, Target: r.Config().Target}, r); err != nil {
			return err
		}
	}
	defer m.Close()
	if err := checkFinite(dir, m); err != nil {
		return err
	}
	if f.method != "exact" {
		// Refused before anything is allocated: -runs 1e9 -betas 1e9 would grow for minutes
		// to many GiB before TensorFlow fails.
		_, devices, err := f.dev.plan()
		if err != nil {
			return err
		}
		runs := f.runs
		if f.method == "reverse" && f.reverseStart == "data" {
			runs = min(runs, test.Rows)
		}
		if err := checkAISMemory("runs", "betas", m.Config().Sizes, runs, f.betas+f.burnIn, valueBytes(m.Config().DType), devices == nil); err != nil {
			return err
		}
	}
	res := logzResult{Method: f.method, Epoch: m.Epoch(), Standardized: standardized}
	if r != nil {
		res.Epoch = r.Epoch()
	}
	start := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if f.method == "exact" {
		if res.LogZ, err = m.ExactLogZ(); err != nil {
			return fmt.Errorf("exact log Z: %w (use -method ais for models this large)", err)
		}
		log.Printf("log Z = %.4f (exact)", res.LogZ)
	} else {
		_, devices, err := f.dev.plan()
		if err != nil {
			return err
		}
		o := dbm.AISOptions{Betas: f.betas, Runs: f.runs, Base: f.base, Schedule: f.schedule, SweepsPerBeta: f.sweeps, Blocks: f.blocks, Devices: devices}
		if blocks, devs, _ := o.BlockPlan(); blocks > 1 || devices != nil {
			res.Blocks, res.Devices = blocks, devs
			log.Printf("AIS runs in %d blocks of their own random streams, on %s", blocks, placeList(devs))
		}
		if f.base == dbm.BaseRate {
			if train == nil {
				return flagErr("data", "%s has no training rows for the base rates", f.data)
			}
			o.BaseRates = meanRows(train)
		}
		res.Betas, res.Runs, res.Base, res.Schedule, res.Sweeps = f.betas, f.runs, f.base, f.schedule, f.sweeps
		if f.method != "reverse" {
			bar := newUnitProgress(f.quiet, 0, 1, f.betas, "β", fmt.Sprintf("AIS, %d runs", f.runs))
			o.OnProgress = func(done, total int) { bar.Batch(1, done, total) }
			z, err := m.AISLogZ(ctx, o)
			bar.Finish()
			if err != nil {
				return err
			}
			res.LogZ, res.Interval, res.SEM = z.LogZ, []*float64{finitePtr(z.Low), finitePtr(z.High)}, []*float64{finitePtr(z.SEMLow), finitePtr(z.SEMHigh)}
			res.ESS = z.ESS
			log.Printf("log Ẑ = %.4f by AIS (%d β, %d runs, base %s, schedule %s, %d sweeps/β); log(Ẑ ± σ) = %.4f, %.4f; log(Ẑ ± standard error) = %.4f, %.4f; effective sample size %.1f",
				z.LogZ, f.betas, f.runs, f.base, f.schedule, f.sweeps, z.Low, z.High, z.SEMLow, z.SEMHigh, z.ESS)
		}
		if f.method != "ais" {
			runs, from := f.runs, "the persistent particles"
			if f.reverseStart == "data" {
				runs, from = min(f.runs, test.Rows), "data rows"
			}
			bar := newUnitProgress(f.quiet, 0, 1, f.burnIn+f.betas, "step", fmt.Sprintf("reverse AIS, %d runs", runs))
			o.OnProgress = func(done, total int) { bar.Batch(1, done, total) }
			o.Runs = runs
			ro := dbm.ReverseOptions{Options: o, BurnIn: f.burnIn}
			var z *dbm.LogZEstimate
			if f.reverseStart == "particles" {
				z, err = m.ReverseAISFromParticles(ctx, ro)
			} else {
				z, err = m.ReverseAISLogZ(ctx, test, ro)
			}
			bar.Finish()
			if err != nil {
				return err
			}
			res.Reverse, res.ReverseSEM = &z.LogZ, []*float64{finitePtr(z.SEMLow), finitePtr(z.SEMHigh)}
			res.ReverseESS, res.ReverseStart = z.ESS, f.reverseStart
			log.Printf("log Ẑ = %.4f by reverse AIS (%d runs from %s, %d burn-in transitions); log(Ẑ ± standard error) = %.4f, %.4f; effective sample size %.1f",
				z.LogZ, runs, from, f.burnIn, z.SEMLow, z.SEMHigh, z.ESS)
			if f.method == "reverse" {
				res.LogZ = z.LogZ
			}
		}
	}
	if test != nil {
		res.Data, res.Rows = f.data, test.Rows
		if r != nil && f.method == "exact" {
			ll, err := r.LogLikelihood(test)
			if err != nil {
				return err
			}
			res.MeanLogP = &ll
			log.Printf("mean log p(x) over %d rows: %.4f (exact)", test.Rows, ll)
		} else {
			lb, err := m.LowerBound(test, res.LogZ)
			if err != nil {
				return err
			}
			mean := 0.0
			for _, v := range lb {
				mean += v / float64(len(lb))
			}
			res.MeanBound = &mean
			log.Printf("mean variational lower bound on log p(x) over %d rows: %.4f nats (with this log Z)", len(lb), mean)
			if f.method == "both" {
				rb := mean + res.LogZ - *res.Reverse
				res.BoundReverse = &rb
				log.Printf("with the reverse estimate of log Z: %.4f nats; the bracket of the mean bound: [%.4f, %.4f]", rb, min(rb, mean), max(rb, mean))
			}
		}
	}
	res.Seconds = time.Since(start).Seconds()
	if err := logzScalars(filepath.Join(dir, "logs_logz"), res); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(res, "", "  ")
	path := filepath.Join(dir, "logz.json")
	if err := atomicfile.WriteFile(path, append(b, '\n')); err != nil {
		return err
	}
	log.Printf("wrote %s", path)
	return nil
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
func logzScalars(dir string, r logzResult) error {
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
