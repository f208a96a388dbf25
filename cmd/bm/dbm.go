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
	"slices"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/summaries"
	"github.com/boltzmann-go/boltzmann/tfevents"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// dbmFlags are the flags of bm dbm; their defaults are the original's dbm_mnist.py.
type dbmFlags struct {
	data    dataFlags
	hiddens ints

	rbmEpochs, rbmBatch, rbmSeeds, rbmK ints
	rbmLR, rbmL2, rbmWInit              floats
	increaseKEvery                      int

	epochs, batch, particles, gibbs, mfSteps int
	lr, momentum, spTarget, spCost           floats
	l2, maxNorm, mfTol, centering            float64
	visible, hiddenUnits                     string
	sigma                                    floats
	draws, groups                            int
	rbmSampleV                               ints
	momentumRule                             string
	seed                                     int64
	orig                                     originalPath // the original's code path (asoriginal.go)

	aisBetas, aisRuns int
	dtype, out, gpu   string
	threads           int
	quiet             bool
	cluster           cluster
	set               []string          // the flags given on the command line (bm dbm), checked on resume
	spell             map[string]string // how the command spells them where not -name (originalResume)

	// Model folders; empty means <out>/rbm<i>/model and <out>/dbm/model (bm dbm-mnist sets
	// them from the original's --rbm1-dirpath, --rbm2-dirpath and --dbm-dirpath).
	rbmDirs []string
	dbmDir  string

	// Set by the original's CIFAR programs: prep transforms the loaded data before anything
	// trains (smoothing, standardization); with pretrainOnTrain the RBMs train on the training
	// rows and measure on the validation rows instead of training on both; rbmMomentum, if
	// set, replaces the pretraining RBMs' momentum schedule.
	prep            func(*pipeline.Data) error
	pretrainOnTrain bool
	rbmMomentum     []float64

	// Set by the original's programs that fine-tune after the DBM: needTest reads the test set
	// before anything trains, preflight checks the fine-tuning's outputs (checkLocations).
	needTest  bool
	preflight func() error
}

// rbmDir is the model folder of pretraining RBM i (0-based).
func (f *dbmFlags) rbmDir(i int) string {
	if i < len(f.rbmDirs) && f.rbmDirs[i] != "" {
		return f.rbmDirs[i]
	}
	return filepath.Join(f.out, fmt.Sprintf("rbm%d", i+1), "model")
}

// modelDir is the DBM's model folder.
func (f *dbmFlags) modelDir() string {
	if f.dbmDir != "" {
		return f.dbmDir
	}
	return filepath.Join(f.out, "dbm", "model")
}

func (f *dbmFlags) flagSet() *flag.FlagSet {
	fs := newFlagSet("dbm", "bm dbm [flags]")
	f.data.nTrain, f.data.nVal = 59000, 1000 // dbm_mnist.py's
	f.data.register(fs)
	f.hiddens = ints{512, 1024}
	fs.Var(&f.hiddens, "n-hiddens", "hidden layer sizes, bottom first")
	fs.StringVar(&f.visible, "visible", "bernoulli", "visible units: bernoulli or gaussian (then standardize the data: -standardize)")
	f.sigma = floats{1}
	fs.Var(&f.sigma, "sigma", "gaussian visible units: σ, one value or one per unit")
	fs.StringVar(&f.hiddenUnits, "hidden-units", "", "unit type of each hidden layer, bottom first, comma-separated: bernoulli or multinomial (empty: all bernoulli)")
	fs.IntVar(&f.draws, "draws", 100, "multinomial hidden layers: draws M per group")
	fs.IntVar(&f.groups, "groups", 1, "multinomial hidden layers: number of softmax groups")
	f.rbmSampleV = ints{}
	fs.Var(&f.rbmSampleV, "rbm-sample-v", "per pretraining RBM, 1 to sample its visible states in the chain, 0 to use their means (default: all 1)")
	f.rbmEpochs, f.rbmBatch, f.rbmSeeds, f.rbmK = ints{64, 120}, ints{48, 48}, ints{1337, 1111}, ints{1, 1}
	// The pretraining RBMs' learning rates are the original's (0.05, 0.01) divided by 5 for
	// classical momentum, as bm train's; the DBM keeps the original's schedule without momentum
	// (see docs/RESULTS.md).
	f.rbmLR, f.rbmL2, f.rbmWInit = floats{0.01, 0.002}, floats{1e-3, 2e-4}, floats{0.001, 0.005}
	fs.Var(&f.rbmEpochs, "rbm-epochs", "epochs of each pretraining RBM")
	fs.Var(&f.rbmBatch, "rbm-batch-size", "batch size of each pretraining RBM")
	fs.Var(&f.rbmSeeds, "rbm-seeds", "seed of each pretraining RBM")
	fs.Var(&f.rbmK, "rbm-k", "Gibbs steps (CD-k) of each pretraining RBM; above the first, the k it starts from")
	fs.Var(&f.rbmLR, "rbm-lr", "learning rate of each pretraining RBM (momentum 0.5 for 5 epochs, then 0.9)")
	fs.Var(&f.rbmL2, "rbm-l2", "L2 weight decay of each pretraining RBM")
	fs.Var(&f.rbmWInit, "rbm-w-init", "initial weight std of each pretraining RBM")
	fs.IntVar(&f.increaseKEvery, "increase-n-gibbs-steps-every", 20, "RBMs above the first: k grows by 1 and the learning rate is divided by k every this many epochs (0: constant)")
	fs.IntVar(&f.epochs, "epochs", 500, "DBM epochs")
	fs.IntVar(&f.batch, "batch-size", 100, "DBM batch size")
	fs.IntVar(&f.particles, "n-particles", 100, "persistent chains (started at training images and their features)")
	fs.IntVar(&f.gibbs, "n-gibbs-steps", 1, "Gibbs sweeps per DBM update")
	fs.IntVar(&f.mfSteps, "max-mf-updates", 50, "maximum mean-field sweeps")
	fs.Float64Var(&f.mfTol, "mf-tol", 1e-7, "mean-field tolerance")
	f.lr = floats{}
	fs.Var(&f.lr, "lr", "DBM learning rate schedule (default geom:2e-3,5e-6,400, the original's)")
	f.momentum = floats{}
	fs.Var(&f.momentum, "momentum", "DBM momentum schedule (default 0: the original's momentum rule makes its momentum inert, and classical momentum destabilises the persistent chains; docs/RESULTS.md)")
	fs.Float64Var(&f.l2, "l2", 1e-7, "DBM L2 weight decay")
	fs.StringVar(&f.momentumRule, "momentum-rule", "classical", "momentum of the RBMs and the DBM: classical (v ← m·v + lr·g) or original (the original project's v ← lr·(m·v + g))")
	fs.Float64Var(&f.maxNorm, "max-norm", 6, "maximum L2 norm of a weight column (0: none)")
	fs.Float64Var(&f.centering, "centering", 0, "DBM: the centering trick (Montavon & Müller 2012) with this rate of the hidden offsets' running averages, e.g. 0.01 (0: none)")
	f.spTarget, f.spCost = floats{0.2, 0.1}, floats{1e-4, 5e-5}
	fs.Var(&f.spTarget, "sparsity-target", "sparsity target per hidden layer")
	fs.Var(&f.spCost, "sparsity-cost", "sparsity cost per hidden layer")
	fs.Int64Var(&f.seed, "seed", 2222, "DBM seed")
	fs.IntVar(&f.aisBetas, "ais-betas", 20000, "AIS intermediate distributions for log Z (0: no AIS and no lower bound)")
	fs.IntVar(&f.aisRuns, "ais-runs", 100, "AIS runs")
	fs.StringVar(&f.dtype, "dtype", "float32", "float32 or float64")
	fs.StringVar(&f.out, "out", "runs/dbm_mnist", "output folder: rbm1/, rbm2/, dbm/ models, dbm/logs (TensorBoard), results.json and pictures")
	fs.StringVar(&f.gpu, "gpu", "", "GPU ids to use, e.g. 0; empty means CPU")
	fs.IntVar(&f.threads, "threads", 0, "TensorFlow intra-op threads (0: one per core)")
	f.cluster.register(fs, "the pretraining RBMs share every update's rows among the job's tasks, AIS its runs (the DBM's joint training runs on task 0)")
	f.orig.register(fs)
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	return fs
}

func cmdDBM(args []string) int {
	var f dbmFlags
	fs := f.flagSet()
	return command("dbm", fs, args, func() error {
		fs.Visit(func(fl *flag.Flag) { f.set = append(f.set, fl.Name) })
		if f.orig.all {
			f.asOriginal()
		}
		return f.cluster.wrap(runDBM(&f))
	})
}

// perStage checks that a per-RBM flag has one value per hidden layer.
func perStage[T any](name string, v []T, n int) error {
	if len(v) != n {
		return flagErr(name, "%d values for %d hidden layers", len(v), n)
	}
	return nil
}

// asOriginal sets, for -as-original, the original's momentum rule and, unless given, its
// pretraining learning rates (0.05, 0.01) and the DBM's momentum geomspace(0.5, 0.9, 10); a
// resumed DBM is then checked against every point of its code path.
func (f *dbmFlags) asOriginal() {
	f.momentumRule = optim.Original
	if !slices.Contains(f.set, "rbm-lr") && len(f.rbmLR) == 2 {
		f.rbmLR = floats{0.05, 0.01}
	}
	if !slices.Contains(f.set, "momentum") {
		f.momentum = train.Geom(0.5, 0.9, 10)
	}
	f.set = append(f.set, "momentum-rule", "momentum", "sparsity-rule", "mf-start", "side-effects", "fixed-order", "schedule-index")
}

func (f *dbmFlags) check() error {
	if err := f.orig.resolve(); err != nil {
		return err
	}
	if f.momentumRule != optim.Classical && f.momentumRule != optim.Original {
		return flagErr("momentum-rule", "%q, want %s or %s", f.momentumRule, optim.Classical, optim.Original)
	}
	n := len(f.hiddens)
	if n < 1 {
		return flagErr("n-hiddens", "no hidden layers")
	}
	for _, h := range f.hiddens {
		if h <= 0 {
			return flagErr("n-hiddens", "%d units", h)
		}
	}
	for _, err := range []error{perStage("rbm-epochs", f.rbmEpochs, n), perStage("rbm-batch-size", f.rbmBatch, n),
		perStage("rbm-seeds", f.rbmSeeds, n), perStage("rbm-k", f.rbmK, n), perStage("rbm-lr", f.rbmLR, n), perStage("rbm-l2", f.rbmL2, n),
		perStage("rbm-w-init", f.rbmWInit, n)} {
		if err != nil {
			return err
		}
	}
	for i := 0; i < n; i++ {
		switch {
		case f.rbmEpochs[i] < 1:
			return flagErr("rbm-epochs", "%d for RBM %d, want ≥ 1", f.rbmEpochs[i], i+1)
		case f.rbmBatch[i] < 1:
			return flagErr("rbm-batch-size", "%d for RBM %d, want ≥ 1", f.rbmBatch[i], i+1)
		case f.rbmK[i] < 1:
			return flagErr("rbm-k", "%d for RBM %d, want ≥ 1", f.rbmK[i], i+1)
		case !(f.rbmLR[i] > 0) || math.IsInf(f.rbmLR[i], 0):
			return flagErr("rbm-lr", "%g for RBM %d, want > 0", f.rbmLR[i], i+1)
		case !(f.rbmL2[i] >= 0) || math.IsInf(f.rbmL2[i], 0):
			return flagErr("rbm-l2", "%g for RBM %d, want ≥ 0", f.rbmL2[i], i+1)
		case !(f.rbmWInit[i] >= 0) || math.IsInf(f.rbmWInit[i], 0):
			return flagErr("rbm-w-init", "%g for RBM %d, want ≥ 0", f.rbmWInit[i], i+1)
		}
	}
	if f.increaseKEvery < 0 {
		return flagErr("increase-n-gibbs-steps-every", "%d, want ≥ 0", f.increaseKEvery)
	}
	if len(f.rbmSampleV) == 0 {
		for range f.hiddens {
			f.rbmSampleV = append(f.rbmSampleV, 1)
		}
	}
	if err := perStage("rbm-sample-v", f.rbmSampleV, n); err != nil {
		return err
	}
	for _, v := range f.rbmSampleV {
		if v != 0 && v != 1 {
			return flagErr("rbm-sample-v", "%d, want 0 or 1 per RBM", v)
		}
	}
	if _, err := f.units(); err != nil {
		return err
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"epochs", f.epochs}, {"batch-size", f.batch}, {"n-particles", f.particles}, {"n-gibbs-steps", f.gibbs}, {"max-mf-updates", f.mfSteps}} {
		if c.v < 1 {
			return flagErr(c.name, "%d, want ≥ 1", c.v)
		}
	}
	if f.threads < 0 {
		return flagErr("threads", "%d, want ≥ 0 (0: one per core)", f.threads)
	}
	if f.aisBetas < 0 {
		return flagErr("ais-betas", "%d, want ≥ 0 (0: no AIS)", f.aisBetas)
	}
	if f.aisRuns < 2 {
		return flagErr("ais-runs", "%d, want ≥ 2", f.aisRuns)
	}
	if len(f.lr) == 0 {
		f.lr = dbm.DefaultLearningRate()
	}
	if len(f.momentum) == 0 {
		f.momentum = floats{0}
	}
	if _, err := tfops.ConfigProto(&tfops.Options{GPU: f.gpu}); err != nil {
		return flagErr("gpu", "%v", err)
	}
	if err := f.cluster.check(f.gpu); err != nil {
		return err
	}
	// Everything the DBM's Config checks, checked now rather than after pretraining.
	sizes := append([]int{max(1, len(f.sigma))}, f.hiddens...)
	if err := f.dbmConfig(sizes, tf.Float).Validate(); err != nil {
		return dbmFlagErr(err)
	}
	return nil
}

// units returns the unit type of every layer, visible first.
func (f *dbmFlags) units() ([]rbm.Unit, error) {
	if f.draws < 1 || f.groups < 1 {
		return nil, flagErr("draws", "%d draws in %d groups, want ≥ 1 each", f.draws, f.groups)
	}
	var us []rbm.Unit
	switch f.visible {
	case "bernoulli":
		us = append(us, rbm.Bernoulli{})
	case "gaussian":
		us = append(us, rbm.Gaussian{Sigma: f.sigma})
	default:
		return nil, flagErr("visible", "%q, want bernoulli or gaussian", f.visible)
	}
	names := strings.Split(f.hiddenUnits, ",")
	if f.hiddenUnits == "" {
		names = make([]string, len(f.hiddens))
	}
	if len(names) != len(f.hiddens) {
		return nil, flagErr("hidden-units", "%d unit types for %d hidden layers", len(names), len(f.hiddens))
	}
	for i, name := range names {
		switch strings.TrimSpace(name) {
		case "", "bernoulli":
			us = append(us, rbm.Bernoulli{})
		case "multinomial":
			if f.hiddens[i]%f.groups != 0 {
				return nil, flagErr("groups", "%d groups don't divide hidden layer %d's %d units", f.groups, i+1, f.hiddens[i])
			}
			us = append(us, rbm.Multinomial{Draws: f.draws, Groups: f.groups})
		default:
			return nil, flagErr("hidden-units", "%q, want bernoulli or multinomial", name)
		}
	}
	return us, nil
}

// dbmConfig maps the flags onto the DBM's configuration for layers of the given sizes.
func (f *dbmFlags) dbmConfig(sizes []int, dt tf.DataType) dbm.Config {
	us, _ := f.units() // checked by check
	c := dbm.Config{Sizes: sizes, Units: us, DType: dt, Seed: f.seed, Particles: f.particles, GibbsSteps: []int{f.gibbs}, MeanFieldSteps: f.mfSteps,
		MeanFieldTol: f.mfTol, LearningRate: schedule(f.orig, f.lr), Momentum: schedule(f.orig, f.momentum), Epochs: f.epochs,
		BatchSize: f.batch, L2: f.l2, MaxNorm: f.maxNorm, Centering: f.centering, SparsityTarget: f.spTarget, SparsityCost: f.spCost,
		Metrics: dbm.Metrics{MSRE: true, TrainEvery: 400}, Threads: f.threads, GPU: f.gpu, MomentumRule: f.momentumRule, Target: f.target()}
	f.orig.dbm(&c)
	return c
}

// target is the session target of -cluster or -target, or "" (the flags are checked before).
func (f *dbmFlags) target() string {
	target, _, _ := f.cluster.plan()
	return target
}

// tasks are the devices of -cluster's tasks, or nil.
func (f *dbmFlags) tasks() []string {
	_, devices, _ := f.cluster.plan()
	return devices
}

// dbmFlagErr maps a dbm.ConfigError to a usage error naming the bm dbm flag that sets the field.
func dbmFlagErr(err error) error {
	var ce *dbm.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	field, _, _ := strings.Cut(ce.Field, "[")
	name, ok := map[string]string{
		"LearningRate": "lr", "Momentum": "momentum", "MomentumRule": "momentum-rule", "MeanFieldTol": "mf-tol",
		"MeanFieldSteps": "max-mf-updates", "MaxNorm": "max-norm", "Particles": "n-particles", "GibbsSteps": "n-gibbs-steps",
		"BatchSize": "batch-size", "SparsityTarget": "sparsity-target", "SparsityCost": "sparsity-cost", "L2": "l2",
		"Epochs": "epochs", "Centering": "centering", "Threads": "threads", "GPU": "gpu", "DType": "dtype", "Sizes": "n-hiddens",
	}[field]
	if !ok {
		return err
	}
	return flagErr(name, "%v", err)
}

func runDBM(f *dbmFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	if err := f.checkLocations(); err != nil {
		return err
	}
	dt, err := tfops.ParseDType(f.dtype)
	if err != nil {
		return flagErr("dtype", "%v", err)
	}
	d, err := f.data.load()
	if err != nil {
		return err
	}
	if f.prep != nil {
		if err := f.prep(d); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if d := f.orig.describe(); d != "" {
		log.Printf("the original's code path:%s", d)
	}

	// Greedy pretraining on the training and validation rows together (the original's
	// X = concat(X_train, X_val)): the bottom RBM with doubled input to its hidden units, the
	// top one with doubled input to its visible units (Salakhutdinov & Hinton 2009).
	sizes := append([]int{d.Train.Cols}, f.hiddens...)
	units, _ := f.units() // checked by check
	input := dataset.Convert[float64](d.Train)
	var valInput *dataset.Matrix[float64]
	if d.Val != nil && f.pretrainOnTrain {
		valInput = dataset.Convert[float64](d.Val)
	} else if d.Val != nil {
		input = &dataset.Matrix[float64]{Rows: d.Train.Rows + d.Val.Rows, Cols: input.Cols,
			Data: append(input.Data, dataset.Convert[float64](d.Val).Data...)}
	}
	if f.particles > input.Rows {
		return flagErr("n-particles", "%d persistent chains, but only %d training rows to start them at", f.particles, input.Rows)
	}
	features := []*dataset.Matrix[float64]{input}
	var rbms []*rbm.RBM
	defer func() {
		for _, r := range rbms {
			r.Close()
		}
	}()
	// A DBM already in its folder resumes from there: its RBMs are not needed again (their
	// folders need not exist), only for a new DBM's weights and particles.
	_, statErr := os.Stat(filepath.Join(f.modelDir(), "model.json"))
	haveDBM := statErr == nil
	for i := range f.hiddens {
		if haveDBM {
			break
		}
		dir := f.rbmDir(i)
		c := rbm.Config{CDSteps: []int{f.rbmK[i]}, NumVisible: sizes[i], NumHidden: sizes[i+1], DType: dt, Seed: int64(f.rbmSeeds[i]),
			Visible: units[i], Hidden: units[i+1],
			WeightStd: f.rbmWInit[i], Epochs: f.rbmEpochs[i], BatchSize: f.rbmBatch[i], L2: rbm.F(f.rbmL2[i]),
			SampleVisible: f.rbmSampleV[i] == 1, DBMFirst: i == 0, DBMLast: i == len(f.hiddens)-1 && i > 0,
			Momentum: schedule(f.orig, f.rbmMomentumOr([]float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.9})), LearningRate: []float64{f.rbmLR[i]},
			Metrics: rbm.Metrics{MSRE: true, PLL: units[i].Domain() == rbm.Binary, TrainEvery: 500}, Threads: f.threads, GPU: f.gpu, MomentumRule: f.momentumRule,
			Target: f.target(), Devices: f.tasks()}
		if i > 0 && f.increaseKEvery > 0 {
			c.CDSteps, c.LearningRate = increasingK(f.rbmK[i], f.rbmLR[i], c.Epochs, f.increaseKEvery)
			c.CDSteps, c.LearningRate = schedule(f.orig, c.CDSteps), schedule(f.orig, c.LearningRate)
		}
		f.orig.rbm(&c)
		r, err := trainOrLoadRBM(ctx, dir, c, input, pipeline.DataOf(valInput), f.quiet, fmt.Sprintf("RBM %d (%d→%d)", i+1, sizes[i], sizes[i+1]), nil)
		if err != nil {
			return err
		}
		rbms = append(rbms, r)
		if i == 0 {
			if err := pipeline.SaveStandardizer(dir, d.Std); err != nil {
				return err
			}
		}
		if input, err = r.Transform(input); err != nil {
			return err
		}
		if valInput != nil {
			if valInput, err = r.Transform(valInput); err != nil {
				return err
			}
		}
		features = append(features, input)
	}

	// Joint training.
	dir := f.modelDir()
	m, err := resumeDBM(dir, f.epochs, f.target(), f.threads)
	if err != nil {
		return err
	}
	if err := f.checkResumed(m, dt, dir); err != nil {
		return err
	}
	if m == nil {
		c := f.dbmConfig(nil, dt)
		if m, err = dbm.FromRBMs(c, rbms...); err != nil {
			return dbmFlagErr(err)
		}
		// Start the persistent chains at training images and their features (the original).
		var parts []rbm.Data
		for _, x := range features {
			parts = append(parts, x.SliceRows(0, min(f.particles, x.Rows)))
		}
		if err := m.SetParticles(parts...); err != nil {
			m.Close()
			return err
		}
	}
	defer m.Close()
	if err := pipeline.SaveStandardizer(dir, d.Std); err != nil {
		return err
	}
	if err := fitDBM(ctx, f, m, d.Train, pipeline.DataOf(d.Val), d); err != nil {
		return err
	}
	return dbmResults(ctx, f, m, d)
}

// checkResumed returns a usage error, and closes m, if the DBM m resumed from dir (nil: none)
// was saved with another configuration than the flags given on the command line (f.set) ask
// for; dt is the run's dtype.
func (f *dbmFlags) checkResumed(m *dbm.DBM, dt tf.DataType, dir string) error {
	if m == nil {
		return nil
	}
	err := pipeline.CheckResume(f.dbmConfig(nil, dt), m.Config(), givenFields(dbmDynamicsFields, f.set), m.Epoch(), f.epochs)
	if err := resumeFlagErr(err, dbmDynamicsFields, f.set, "delete "+dir+" to start over", f.spell); err != nil {
		m.Close()
		return err
	}
	return nil
}

// resumeDBM loads the DBM saved in dir to train it to epochs, or returns nil when there is none.
// A non-empty target loads it into a session on that cluster task.
func resumeDBM(dir string, epochs int, target string, threads int) (*dbm.DBM, error) {
	if !exists(filepath.Join(dir, "model.json")) {
		return nil, nil
	}
	load := dbm.Load
	if target != "" {
		load = func(dir string) (*dbm.DBM, error) { return dbm.LoadAt(dir, target, threads) }
	}
	m, err := load(dir)
	if err != nil {
		return nil, err
	}
	if err := m.SetEpochs(epochs); err != nil {
		m.Close()
		return nil, flagErr("epochs", "%v", err)
	}
	log.Printf("resuming the DBM in %s after epoch %d", dir, m.Epoch())
	return m, nil
}

// fitDBM trains m on x (validating on val, which may be nil) to f.epochs with a progress bar
// and TensorBoard logs beside its model folder (pictures in d.shape).
func fitDBM(ctx context.Context, f *dbmFlags, m *dbm.DBM, x, val rbm.Data, d *pipeline.Data) error {
	dir := f.modelDir()
	if m.Epoch() < f.epochs {
		noteCommand(dir)
	}
	sums, err := summaries.NewDBM(filepath.Join(filepath.Dir(filepath.Clean(dir)), "logs"), d.Shape)
	if err != nil {
		return err
	}
	sums.SetProbe(pipeline.ProbeRows(x, val))
	defer sums.Close()
	rows, _ := x.Shape()
	bar := newProgress(f.quiet, m.Epoch(), f.epochs, (rows+f.batch-1)/f.batch)
	_, fitErr := m.Fit(ctx, x, val, &dbm.FitOptions{Dir: dir, OnBatch: bar.Batch, OnMetrics: sums.Iteration, OnEpoch: func(st dbm.EpochStats) error {
		if err := sums.Epoch(m, st); err != nil {
			return err
		}
		line := fmt.Sprintf("DBM epoch %d/%d; mf sweeps %.1f", st.Epoch, st.Epochs, st.Train["mf_sweeps"])
		if v, ok := st.Train["msre"]; ok {
			line += fmt.Sprintf("; msre %.5f", v)
		}
		if v, ok := st.Val["msre"]; ok {
			line += fmt.Sprintf("; val.msre %.5f; val.mf sweeps %.1f", v, st.Val["mf_sweeps"])
		}
		bar.Epoch(line+fmt.Sprintf(" (%.1fs)", st.Elapsed.Seconds()), fmt.Sprintf("DBM epoch %d/%d", min(st.Epoch+1, st.Epochs), st.Epochs))
		return nil
	}})
	bar.Finish()
	if fitErr != nil {
		if errors.Is(fitErr, context.Canceled) {
			return fmt.Errorf("interrupted: the DBM saved after the last complete epoch is in %s; run the same command to resume: %w", dir, fitErr)
		}
		return fitErr
	}
	return nil
}

// loadRBMFor loads the RBM saved in dir where configuration c would place a new one: into a
// session on its cluster target with its devices, or in this process.
func loadRBMFor(dir string, c rbm.Config) (*rbm.RBM, error) {
	if c.Target != "" {
		return rbm.LoadAt(dir, c.Target, c.Threads, c.Devices...)
	}
	return rbm.Load(dir)
}

// trainOrLoadRBM loads the RBM in dir, or trains it on x and saves it there.
// val may be nil. With shared set, epochs count on that bar (RBMs trained concurrently) instead
// of a bar of this RBM's own.
func trainOrLoadRBM(ctx context.Context, dir string, c rbm.Config, x, val rbm.Data, quiet bool, what string, shared *progress) (*rbm.RBM, error) {
	if _, err := os.Stat(filepath.Join(dir, "model.json")); err == nil {
		r, err := loadRBMFor(dir, c)
		if err != nil {
			return nil, err
		}
		if r.Epoch() >= c.Epochs {
			log.Printf("%s: using the trained model in %s", what, dir)
			return r, nil
		}
		log.Printf("%s: resuming %s after epoch %d", what, dir, r.Epoch())
		if err := r.SetEpochs(c.Epochs); err != nil {
			r.Close()
			return nil, err
		}
		return r, fitRBM(ctx, r, x, val, dir, quiet, what, shared)
	}
	r, err := rbm.New(c)
	if err != nil {
		var ce *rbm.ConfigError
		if errors.As(err, &ce) {
			return nil, flagErr("rbm-"+flagFor(ce.Field), "%v", err)
		}
		return nil, err
	}
	if err := fitRBM(ctx, r, x, val, dir, quiet, what, shared); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func fitRBM(ctx context.Context, r *rbm.RBM, x, val rbm.Data, dir string, quiet bool, what string, shared *progress) error {
	c := r.Config()
	noteCommand(dir)
	rows, _ := x.Shape()
	bar := shared
	if shared == nil {
		bar = newProgress(quiet, r.Epoch(), c.Epochs, (rows+c.BatchSize-1)/c.BatchSize)
		defer bar.Finish()
	}
	// TensorBoard logs beside the RBM's model folder (<rbm dir>/logs), as bm train writes them.
	sums, err := summaries.NewRBM(filepath.Join(filepath.Dir(filepath.Clean(dir)), "logs"), summaries.RBMOptions{Hidden: pipeline.ProbeRows(x, val)})
	if err != nil {
		return err
	}
	defer sums.Close()
	opts := &rbm.FitOptions{Dir: dir, OnBatch: bar.Batch, OnMetrics: sums.Iteration, OnEpoch: func(st rbm.EpochStats) error {
		bar.Epoch(what+" "+pipeline.EpochLine(st, c.Metrics), pipeline.RBMDesc(st))
		return sums.Epoch(r, st)
	}}
	if shared != nil {
		opts.OnBatch = nil
		opts.OnEpoch = func(st rbm.EpochStats) error {
			shared.Step(what + " " + pipeline.EpochLine(st, c.Metrics))
			return sums.Epoch(r, st)
		}
	}
	_, err = r.Fit(ctx, x, val, opts)
	return err
}

// dbmResults estimates log Z and the test lower bound, and draws filters and samples.
func dbmResults(ctx context.Context, f *dbmFlags, m *dbm.DBM, d *pipeline.Data) error {
	// format 2: with the bound on binarized test images.
	// The checkpoint name ties the results to the trained model: a retrained DBM has another.
	head, _ := pipeline.ReadHead(f.modelDir()) // the DBM was just loaded or saved there
	results := map[string]any{"format": 2, "epochs": m.Epoch(), "ais_betas": f.aisBetas, "ais_runs": f.aisRuns,
		"checkpoint": head.Checkpoint}
	resultsPath := filepath.Join(f.out, "results.json")
	if b, err := os.ReadFile(resultsPath); err == nil {
		var old map[string]any
		key := func(r map[string]any) string {
			return fmt.Sprint(r["format"], r["checkpoint"], r["epochs"], r["ais_betas"], r["ais_runs"])
		}
		model := func(r map[string]any) string { return fmt.Sprint(r["format"], r["checkpoint"], r["epochs"]) }
		switch {
		case json.Unmarshal(b, &old) != nil:
		case key(old) == key(results):
			log.Printf("%s holds the results of this DBM (%v epochs, AIS %v×%v): not recomputed", resultsPath, old["epochs"], old["ais_betas"], old["ais_runs"])
			return dbmPictures(ctx, f, m, d, old)
		case f.aisBetas == 0 && model(old) == model(results):
			// Without AIS there is nothing new to write: an earlier estimate for this very
			// model stays (a rerun for the fine-tuning alone must not erase hours of AIS).
			log.Printf("%s holds the results of this DBM (%v epochs, AIS %v×%v): kept (--ais-betas 0)", resultsPath, old["epochs"], old["ais_betas"], old["ais_runs"])
			return dbmPictures(ctx, f, m, d, old)
		}
	}
	if f.aisBetas > 0 {
		// The test set of the bound is read before AIS, so that a broken test file is an error
		// naming it before the hours of annealing, never a bound quietly left out.
		binary := true
		for _, u := range m.Config().Units[1:] {
			binary = binary && u.Domain() == rbm.Binary
		}
		var test *dataset.Matrix[float32]
		if binary {
			var err error
			if test, err = dbmTestSet(f.data.path); err != nil {
				return err
			}
		}
		if err := checkAISMemory("ais-runs", "ais-betas", m.Config().Sizes, f.aisRuns, f.aisBetas, valueBytes(m.Config().DType), f.tasks() == nil); err != nil {
			return err
		}
		log.Printf("AIS: %d intermediate distributions, %d runs", f.aisBetas, f.aisRuns)
		bar := newUnitProgress(f.quiet, 0, 1, f.aisBetas, "β", fmt.Sprintf("AIS, %d runs", f.aisRuns))
		z, err := m.AISLogZ(ctx, dbm.AISOptions{Betas: f.aisBetas, Runs: f.aisRuns, Devices: f.tasks(), OnProgress: func(done, total int) { bar.Batch(1, done, total) }})
		bar.Finish()
		if err != nil {
			return err
		}
		log.Printf("log Z ≈ %.2f (log(Ẑ ± σ): %.2f, %.2f)", z.LogZ, z.Low, z.High)
		results["log_z"], results["log_z_low"], results["log_z_high"] = z.LogZ, finiteOr(z.Low), finiteOr(z.High)
		results["log_z_sem_low"], results["log_z_sem_high"], results["log_z_ess"] = finiteOr(z.SEMLow), finiteOr(z.SEMHigh), z.ESS
		log.Printf("log Z ± standard error: %.2f … %.2f; effective sample size %.1f of %d runs", z.SEMLow, z.SEMHigh, z.ESS, f.aisRuns)
		if !binary {
			log.Printf("no variational lower bound: it is implemented for bernoulli hidden layers only")
		} else if test == nil {
			log.Printf("no test lower bound: -data %s is a file, not an MNIST or CIFAR-10 folder with a test set", f.data.path)
		} else {
			// The bound on the grey-level test images (the original's), and on the test images
			// binarized stochastically with a fixed seed (the literature's protocol). A model
			// trained on standardized rows has its density on standardized rows: the test images
			// are standardized once, as its training rows were, and not binarized (binary rows
			// are not what it was trained on).
			x := dataset.Convert[float64](test)
			sets := []struct {
				key, what string
				x         *dataset.Matrix[float64]
			}{{"test_lower_bound", "grey levels", x}}
			if d.Std != nil {
				if err := dataset.Standardize(d.Std, x); err != nil {
					return fmt.Errorf("%s: test set: %w", f.data.path, err)
				}
				sets[0].what = "standardized"
				log.Printf("no bound on binarized test images: the model was trained on standardized data")
			} else {
				xb := dataset.Convert[float64](test)
				dataset.BinarizeStochastic(xb, uint64(f.seed))
				sets = append(sets, struct {
					key, what string
					x         *dataset.Matrix[float64]
				}{"test_lower_bound_binarized", "stochastically binarized", xb})
			}
			for _, set := range sets {
				lb, err := m.LowerBound(set.x, z.LogZ)
				if err != nil {
					return err
				}
				var mean float64
				for _, v := range lb {
					mean += v
				}
				mean /= float64(len(lb))
				log.Printf("mean variational lower bound on log p(x) over the %d test images (%s): %.2f nats", len(lb), set.what, mean)
				results[set.key] = mean
			}
			// Dead and saturated hidden units on the test images (mean-field activity).
			act, err := m.Activity(sets[0].x)
			if err != nil {
				return err
			}
			var dead, sat []float64
			for l, a := range act {
				dead, sat = append(dead, a.Dead), append(sat, a.Saturated)
				log.Printf("hidden layer %d: %.1f %% of its units dead (mean activity < 0.01), %.1f %% saturated (> 0.99) on the test images", l+1, 100*a.Dead, 100*a.Saturated)
			}
			results["dead_units"], results["saturated_units"] = dead, sat
		}
	}
	// The same numbers as TensorBoard scalars beside the DBM's training logs, at its epoch.
	if w, err := tfevents.Continue(filepath.Join(filepath.Dir(filepath.Clean(f.modelDir())), "logs", "results")); err == nil {
		for _, k := range []string{"log_z", "test_lower_bound", "test_lower_bound_binarized"} {
			if v, ok := results[k].(float64); ok {
				if err := w.Scalar(k, int64(m.Epoch()), v); err != nil {
					w.Close()
					return err
				}
			}
		}
		if err := w.Close(); err != nil {
			return err
		}
	} else {
		return err
	}
	b, _ := json.MarshalIndent(results, "", "  ")
	if err := atomicfile.WriteFile(resultsPath, b); err != nil {
		return err
	}
	return dbmPictures(ctx, f, m, d, results)
}

// dbmPictures draws the DBM's filters and samples into filters.png and samples.png beside
// results.json, unless results (what results.json holds) records them as drawn for this very
// model and both files are there; it then records them in results.json. The results are thus
// complete only with their pictures: a run killed after results.json but before the pictures
// draws them when it runs again (issue 29, point 5).
func dbmPictures(ctx context.Context, f *dbmFlags, m *dbm.DBM, d *pipeline.Data, results map[string]any) error {
	if d.Shape == nil {
		return nil
	}
	names := []any{"filters.png", "samples.png"}
	if drawn, ok := results["pictures"].([]any); ok && slices.Equal(drawn, names) && exists(filepath.Join(f.out, "filters.png")) && exists(filepath.Join(f.out, "samples.png")) {
		return nil
	}
	p, err := m.Parameters()
	if err != nil {
		return err
	}
	c := m.Config()
	n := min(100, c.Sizes[1])
	img, err := picture.Tiles(rbm.Filters(p.W[0], c.Sizes[0], c.Sizes[1], n), n, d.Shape[0], d.Shape[1], d.Shape[2], 10, true)
	if err != nil {
		return err
	}
	if err := picture.SavePNG(filepath.Join(f.out, "filters.png"), picture.Scale(img, 2)); err != nil {
		return err
	}
	start := d.Train.SliceRows(0, min(100, d.Train.Rows))
	s, err := m.Sample(ctx, dbm.SampleOptions{Chains: start.Rows, Steps: 1000, Start: start, Seed: f.seed})
	if err != nil {
		return err
	}
	if d.Std != nil { // standardized data: show the samples in the data's own units
		if err := dataset.Unstandardize(d.Std, s); err != nil {
			return err
		}
	}
	img, err = picture.Tiles(s.Data, s.Rows, d.Shape[0], d.Shape[1], d.Shape[2], 10, false)
	if err != nil {
		return err
	}
	if err := picture.SavePNG(filepath.Join(f.out, "samples.png"), picture.Scale(img, 2)); err != nil {
		return err
	}
	results["pictures"] = names
	b, _ := json.MarshalIndent(results, "", "  ")
	if err := atomicfile.WriteFile(filepath.Join(f.out, "results.json"), b); err != nil {
		return err
	}
	log.Printf("wrote %s/results.json, filters.png and samples.png", f.out)
	return nil
}

// dbmTestSet returns the test set of the data folder path (an MNIST or CIFAR-10 folder) for
// the test lower bound, or nil when path is not a folder (an IDX, .npy or CSV file, an
// archive.npz:key: no test set). A test file that cannot be read is an error naming it.
func dbmTestSet(path string) (*dataset.Matrix[float32], error) {
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		return nil, nil // the training rows were read from path: it is there, as a file
	}
	x, _, err := readSet(path, true)
	if err != nil {
		return nil, fmt.Errorf("the test set of the lower bound: %w", err)
	}
	return x, nil
}

func finiteOr(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// increasingK returns the per-epoch k and learning-rate schedules of the original's upper
// pretraining RBMs: k grows by one every `every` epochs from k0, and the rate is lr divided by
// the block number 1, 2, 3, … (dbm_mnist.py's make_rbm2 and dbm_cifar.py's make_mrbm:
// n_gibbs_steps = arange(k0, k0 + epochs//every) and learning_rate = lr / arange(1, 1 +
// epochs//every), each value repeated `every` times; epochs past the last full block keep its
// values, as the original's schedules hold their last entry).
func increasingK(k0 int, lr float64, epochs, every int) ([]int, []float64) {
	ks, lrs := make([]int, epochs), make([]float64, epochs)
	for e := range ks {
		block := min(e/every, max(0, epochs/every-1))
		ks[e], lrs[e] = k0+block, lr/float64(1+block)
	}
	return ks, lrs
}

// rbmMomentumOr returns the pretraining RBMs' momentum schedule: rbmMomentum if set, else def.
func (f *dbmFlags) rbmMomentumOr(def []float64) []float64 {
	if f.rbmMomentum != nil {
		return f.rbmMomentum
	}
	return def
}
