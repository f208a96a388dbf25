package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"

	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/pipeline"
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
	set               []string // the flags given on the command line, checked on resume
}

// rbmFolders are the model folders of the pretraining RBMs, <out>/rbm<i>/model.
func (f *dbmFlags) rbmFolders() []string {
	var dirs []string
	for i := range f.hiddens {
		dirs = append(dirs, filepath.Join(f.out, fmt.Sprintf("rbm%d", i+1), "model"))
	}
	return dirs
}

// modelDir is the DBM's model folder, <out>/dbm/model.
func (f *dbmFlags) modelDir() string { return filepath.Join(f.out, "dbm", "model") }

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
	fs.Float64Var(&f.mfTol, "mf-tol", pipeline.DefaultMeanFieldTol, "mean-field tolerance: the sweeps stop once no variational parameter moves by more (-as-original: the original's 1e-7, never met in float32)")
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

// asOriginal sets, for -as-original, the original's momentum rule and, unless given, its
// pretraining learning rates (0.05, 0.01), the DBM's momentum geomspace(0.5, 0.9, 10) and its
// mean-field tolerance 1e-7; a
// resumed DBM is then checked against every point of its code path.
func (f *dbmFlags) asOriginal() {
	f.momentumRule = optim.Original
	if !slices.Contains(f.set, "rbm-lr") && len(f.rbmLR) == 2 {
		f.rbmLR = floats{0.05, 0.01}
	}
	if !slices.Contains(f.set, "momentum") {
		f.momentum = train.Geom(0.5, 0.9, 10)
	}
	if !slices.Contains(f.set, "mf-tol") {
		f.mfTol = pipeline.OriginalMeanFieldTol
	}
	f.set = append(f.set, "mf-tol", "momentum-rule", "momentum", "sparsity-rule", "mf-start", "side-effects", "fixed-order", "schedule-index")
}

func (f *dbmFlags) check() error {
	if err := f.orig.resolve(); err != nil {
		return err
	}
	// An explicit 0 that the settings would read as their default.
	if f.draws < 1 || f.groups < 1 {
		return flagErr("draws", "%d draws in %d groups, want ≥ 1 each", f.draws, f.groups)
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"epochs", f.epochs}, {"batch-size", f.batch}, {"n-particles", f.particles}, {"n-gibbs-steps", f.gibbs}, {"max-mf-updates", f.mfSteps}} {
		if c.v == 0 {
			return flagErr(c.name, "%d, want ≥ 1", c.v)
		}
	}
	if f.aisRuns == 0 {
		return flagErr("ais-runs", "%d, want ≥ 2", f.aisRuns)
	}
	if err := f.stack().Check(); err != nil {
		return err
	}
	return f.cluster.check(f.gpu)
}

// stack maps the flags onto the DBM's settings.
func (f *dbmFlags) stack() pipeline.DBMStack {
	dt, _ := tfops.ParseDType(f.dtype) // checked by check
	target, devices, _ := f.cluster.plan()
	s := pipeline.DBMStack{Hiddens: f.hiddens, Visible: f.visible, Sigma: f.sigma, Draws: f.draws, Groups: f.groups,
		RBMEpochs: f.rbmEpochs, RBMBatch: f.rbmBatch, RBMSeeds: f.rbmSeeds, RBMK: f.rbmK, RBMLR: f.rbmLR, RBML2: f.rbmL2, RBMWInit: f.rbmWInit,
		RBMSampleVisible: nilIfEmpty(f.rbmSampleV), IncreaseKEvery: f.increaseKEvery, ConstantK: f.increaseKEvery == 0,
		Epochs: f.epochs, BatchSize: f.batch, Particles: f.particles, GibbsSteps: f.gibbs, MeanFieldSteps: f.mfSteps,
		LearningRate: nilIfEmpty(f.lr), Momentum: nilIfEmpty(f.momentum), L2: f.l2, NoL2: f.l2 == 0, MaxNorm: f.maxNorm, NoMaxNorm: f.maxNorm == 0,
		MeanFieldTol: f.mfTol, NoMeanFieldTol: f.mfTol == 0, Centering: f.centering, SparsityTarget: f.spTarget, SparsityCost: f.spCost,
		MomentumRule: f.momentumRule, Seed: f.seed, ZeroSeed: f.seed == 0, AISBetas: f.aisBetas, NoAIS: f.aisBetas == 0, AISRuns: f.aisRuns,
		DType: dt, Original: f.orig.settings(), Threads: f.threads, GPU: f.gpu, Target: target, Devices: devices}
	if f.hiddenUnits != "" {
		s.HiddenUnits = strings.Split(f.hiddenUnits, ",")
	}
	return s
}

// nilIfEmpty returns v, or nil when it is empty (a list flag with its default).
func nilIfEmpty[T any](v []T) []T {
	if len(v) == 0 {
		return nil
	}
	return v
}

// tasks are the devices of -cluster's tasks, or nil.
func (f *dbmFlags) tasks() []string {
	_, devices, _ := f.cluster.plan()
	return devices
}

func runDBM(f *dbmFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	if err := f.checkLocations(); err != nil {
		return err
	}
	if _, err := tfops.ParseDType(f.dtype); err != nil {
		return flagErr("dtype", "%v", err)
	}
	d, err := f.data.load()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s, err := f.stack().Stage(d.Train.Cols, f.rbmFolders(), f.modelDir(), f.out, f.data.path)
	if err != nil {
		return err
	}
	s.Given, s.Results.BeforeAIS = givenFields(dbmDynamicsFields, f.set), beforeAIS("ais-runs", "ais-betas", f.tasks())
	_, err = s.Run(ctx, d, hooks(f.quiet))
	return dbmStageErr(err, f.set, nil, f.modelDir())
}

// originalRBMFlags are the flags of the original's DBM programs whose per-stage lists set the
// pretraining RBMs' rbm.Config fields.
var originalRBMFlags = map[string]string{"LearningRate": "lr", "CDSteps": "n-gibbs-steps", "BatchSize": "batch-size", "L2": "l2",
	"Epochs": "epochs", "Seed": "random-seed", "SparsityTarget": "sparsity-target", "SparsityCost": "sparsity-cost"}

// dbmStageErr maps an error of the DBM stage to a usage error naming the flag where a setting
// is at fault: a pretraining RBM's configuration (bm dbm's -rbm-…, or the original programs'
// per-stage lists), or a resumed DBM's saved configuration (resumeFlagErr: set are the flags
// given, spell how the command spells them, nil for bm dbm; dir the DBM's model folder).
func dbmStageErr(err error, set []string, spell map[string]string, dir string) error {
	var ce *train.ConfigError
	if errors.As(err, &ce) && ce.Package == "rbm" {
		field, _, _ := strings.Cut(ce.Field, "[")
		if spell == nil {
			return flagErr("rbm-"+flagFor(field), "%v", err)
		}
		if name, ok := originalRBMFlags[field]; ok {
			return flagErr("-"+name, "%v", err)
		}
		return err // a setting no flag of the program sets: the error names the field
	}
	return resumeFlagErr(err, dbmDynamicsFields, set, "delete "+dir+" to start over", spell)
}
