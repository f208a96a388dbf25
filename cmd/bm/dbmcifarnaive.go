package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"slices"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/internal/pyargs"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// dbmCIFARNaiveArgs is the command line of the original's examples/dbm_cifar_naive.py.
type dbmCIFARNaiveArgs struct {
	runArgs
	nTrain, nVal         int
	dataPath             string
	k, epochs, batch     []int
	seeds                []int
	lr, l2               []float64
	grbm, mrbm, dbmDir   string
	particles, mfUpdates int
	mfTol, maxNorm       float64
	aisBetas, aisRuns    int
	mlp                  mlpArgs
}

// smoothKeep is the number of singular values smoothing keeps: the original drops the last 1000
// of CIFAR-10's 3072 (spec §6.3 step 2).
const smoothKeep = 3072 - 1000

const dbmCIFARNaiveEpilog = `Where bm dbm-cifar-naive differs from dbm_cifar_naive.py on purpose:
  --momentum-rule defaults to classical (v <- m*v + lr*g): the RBMs keep the original's
      momentum geomspace(0.5, 0.9, 8), the DBM trains without momentum (as bm dbm-mnist; the
      original's rule makes momentum almost inert). --momentum-rule original restores the
      original's rule and the DBM's momentum geomspace(0.5, 0.9, 10).
  The G-RBM is seeded with --random-seed[0] (the original leaves it unseeded; the M-RBM keeps
      its hard-coded 1337). --gpu defaults to '' (CPU). --data-path (default data/) holds
      cifar-10-batches-bin/ (the official binary version; the original reads the Python
      pickles of the same images) and the caches X_s.npy, X_s_mean.npy, X_s_std.npy.
  Smoothing keeps the 2072 largest singular values (all of them when there are fewer).
  --ais-betas > 0 estimates log Z after the DBM (the original does not).
  The fine-tuned MLP restores its best validation epoch's weights unless --mlp-keep-last.
Stages whose model exists are reused and interrupted RBMs and DBM resume when run again.`

// parser returns the command line of dbm_cifar_naive.py, bound to a.
func (a *dbmCIFARNaiveArgs) parser() *pyargs.Parser {
	p := pyargs.New("bm dbm-cifar-naive", "Train a 3072-5000-1000 Gaussian-Bernoulli-Multinomial DBM on smoothed CIFAR-10 (a Gaussian RBM, a multinomial RBM, then the DBM), and fine-tune an MLP from the Gaussian RBM: the original's examples/dbm_cifar_naive.py.")
	p.Epilog = dbmCIFARNaiveEpilog
	a.registerGPU(p)
	a.registerCluster(p)
	p.Int("--n-train", &a.nTrain, 49000, "number of training examples").Metavar("N").Validate(positiveInt(&a.nTrain))
	p.Int("--n-val", &a.nVal, 1000, "number of validation examples").Metavar("N").Validate(nonNegativeInt(&a.nVal))
	p.String("--data-path", &a.dataPath, "data/", "directory holding cifar-10-batches-bin/ and the caches (the original hard-codes ../data/)").Metavar("PATH")
	p.Ints("--n-gibbs-steps", &a.k, []int{1, 1, 1}, "number of Gibbs steps for CD/PCD").Metavar("N").Validate(positiveInts(&a.k))
	p.Floats("--lr", &a.lr, []float64{5e-4, 1e-4, 8e-5}, "initial learning rates").Metavar("LR").Validate(positiveAll(&a.lr))
	p.Ints("--epochs", &a.epochs, []int{120, 180, 1500}, "number of epochs to (pre)train").Metavar("N").Validate(positiveInts(&a.epochs))
	p.Ints("--batch-size", &a.batch, []int{100, 100, 100}, "input batch size for (pre)training").Metavar("B").Validate(positiveInts(&a.batch))
	p.Floats("--l2", &a.l2, []float64{0.01, 0.05, 1e-8}, "L2 weight decay coefficients").Metavar("L2")
	p.Ints("--random-seed", &a.seeds, []int{1337, 1111, 2222}, "random seeds for models training").Metavar("N").Validate(nonNegativeInts(&a.seeds))
	p.String("--grbm-dirpath", &a.grbm, "models/grbm_cifar_naive/", "directory path to save Gaussian RBM").Metavar("DIRPATH")
	p.String("--mrbm-dirpath", &a.mrbm, "models/mrbm_cifar_naive/", "directory path to save Multinomial RBM").Metavar("DIRPATH")
	p.String("--dbm-dirpath", &a.dbmDir, "models/dbm_cifar_naive/", "directory path to save DBM").Metavar("DIRPATH")
	p.Int("--n-particles", &a.particles, 100, "number of persistent Markov chains").Metavar("M").Validate(positiveInt(&a.particles))
	p.Int("--max-mf-updates", &a.mfUpdates, 50, "maximum number of mean-field updates per weight update").Metavar("N").Validate(positiveInt(&a.mfUpdates))
	p.Float("--mf-tol", &a.mfTol, 1e-11, "mean-field tolerance").Metavar("TOL")
	p.Float("--max-norm", &a.maxNorm, 4, "maximum norm constraint").Metavar("C")
	a.mlp.register(p, mlpDefaults{lrm: []float64{0.1, 1.0}, prefix: "data/grbm_naive_", l2: 1e-4, dropout: 0.64})
	p.Int("--ais-betas", &a.aisBetas, 0, "AIS intermediate distributions for log Z after the DBM (0: none, as the original)").Metavar("N")
	p.Int("--ais-runs", &a.aisRuns, 100, "AIS runs").Metavar("N").Validate(positiveInt(&a.aisRuns))
	a.register(p, "and the DBM's momentum geomspace(0.5, 0.9, 10)")
	return p
}

func cmdDBMCIFARNaive(args []string) int {
	setLog("dbm-cifar-naive")
	var a dbmCIFARNaiveArgs
	p := a.parser()
	if err := p.Parse(args); err != nil {
		return p.Report(err)
	}
	a.changed = p.Changed
	if err := a.mlp.checkNoMLP(p); err != nil {
		return p.Report(err)
	}
	if err := replicateStaged(p, stagedFlag{"--n-gibbs-steps", &a.k, 3}, stagedFlag{"--lr", &a.lr, 3}, stagedFlag{"--epochs", &a.epochs, 3},
		stagedFlag{"--batch-size", &a.batch, 3}, stagedFlag{"--l2", &a.l2, 3}, stagedFlag{"--random-seed", &a.seeds, 3},
		stagedFlag{"--mlp-lrm", &a.mlp.lrm, 2}); err != nil {
		return p.Report(err)
	}
	if err := a.cluster.check(a.gpu); err != nil {
		return exitStatus("dbm-cifar-naive", err)
	}
	return exitStatus("dbm-cifar-naive", a.cluster.wrap(runDBMCIFARNaive(&a)))
}

func runDBMCIFARNaive(a *dbmCIFARNaiveArgs) error {
	cifar := filepath.Join(a.dataPath, "cifar-10-batches-bin")
	if !pipeline.IsCIFAR(cifar) {
		return fmt.Errorf("%s holds no CIFAR-10 binary batches (data_batch_1.bin …): download the binary version of CIFAR-10 and unpack it there", cifar)
	}
	target, devices, err := a.cluster.plan()
	if err != nil {
		return err
	}
	dt, err := tfops.ParseDType(a.dtype)
	if err != nil {
		return flagErr("dtype", "%v", err)
	}
	momentum := []float64{0}
	if a.momentumRule == optim.Original {
		momentum = train.Geom(0.5, 0.9, 10)
	}
	stack := pipeline.DBMStack{Hiddens: []int{5000, 1000}, Visible: "gaussian", Sigma: []float64{1}, HiddenUnits: []string{"bernoulli", "multinomial"},
		Draws: 1000, Groups: 1, RBMEpochs: a.epochs[:2], RBMBatch: a.batch[:2], RBMK: a.k[:2],
		RBMSeeds: []int{a.seeds[0], 1337}, // the M-RBM's seed is hard-coded in the original
		RBMLR:    a.lr[:2], RBML2: a.l2[:2], RBMWInit: []float64{0.0008, 0.01}, RBMSampleVisible: []int{1, 0}, RBMMomentum: train.Geom(0.5, 0.9, 8),
		ConstantK: true, Epochs: a.epochs[2], BatchSize: a.batch[2], Particles: a.particles, GibbsSteps: a.k[2], MeanFieldSteps: a.mfUpdates,
		LearningRate: train.Geom(a.lr[2], 1e-5, 1500), Momentum: momentum, L2: a.l2[2], NoL2: a.l2[2] == 0, MaxNorm: a.maxNorm,
		NoMaxNorm: a.maxNorm == 0, MeanFieldTol: a.mfTol, NoMeanFieldTol: a.mfTol == 0, Seed: int64(a.seeds[2]), ZeroSeed: a.seeds[2] == 0,
		SparsityTarget: []float64{0.1, 0.1}, SparsityCost: []float64{0, 0}, MomentumRule: a.momentumRule, AISBetas: a.aisBetas,
		NoAIS: a.aisBetas == 0, AISRuns: a.aisRuns, DType: dt, Threads: a.threads, GPU: a.gpu, Target: target,
		Devices: devices}
	if err := stack.Check(); err != nil {
		return err
	}
	rbmDirs, dbmDir := []string{filepath.Join(a.grbm, "model"), filepath.Join(a.mrbm, "model")}, filepath.Join(a.dbmDir, "model")
	if err := checkDBMLocations("--dbm-dirpath", a.dbmDir, append(slices.Clone(rbmDirs), dbmDir), cifar, a.aisBetas > 0 || !a.mlp.stopAfterRB, a.mlp.checkOutputs); err != nil {
		return err
	}
	data, err := pipeline.LoadData(pipeline.DataSettings{Path: cifar, NTrain: a.nTrain, NVal: a.nVal, SplitSeed: defaultSplitSeed}, logHooks())
	if err != nil {
		return err
	}
	prep := &naivePrep{dir: a.dataPath}
	data.Shape = []int{32, 32, 3}
	if data.Train, err = prep.smooth(data.Train); err != nil {
		return err
	}
	if err := prep.standardize(data.Train, data.Val); err != nil {
		return err
	}
	data.Std = prep.std
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	stage, err := stack.Stage(data.Train.Cols, rbmDirs, dbmDir, a.dbmDir, cifar)
	if err != nil {
		return err
	}
	set, spell := originalResume(a.changed, "--dbm-dirpath")
	stage.Given, stage.PretrainOnTrain = givenFields(dbmDynamicsFields, set), true
	stage.Results.BeforeAIS = func(c dbm.Config, runs, steps int) error {
		return checkAISMemory("ais-runs", "ais-betas", c.Sizes, runs, steps, valueBytes(c.DType), devices == nil)
	}
	if _, err := stage.Run(ctx, data, hooks(a.quiet)); err != nil {
		return dbmStageErr(err, set, spell, dbmDir)
	}
	if a.mlp.stopAfterRB {
		return nil
	}
	// Fine-tuning from the Gaussian RBM: Dense(5000) → BatchNormalization → ReLU →
	// Dropout(--mlp-dropout) → Dense(10) → softmax, on the smoothed, standardized training rows;
	// validation and test rows standardized with the smoothed training set's statistics.
	d, err := pipeline.LoadLabeled(cifar, a.nTrain, a.nVal, defaultSplitSeed)
	if err != nil {
		return err
	}
	if d.Train, err = prep.smooth(d.Train); err != nil {
		return err
	}
	if err := prep.standardize(d.Train, d.Val, d.Test); err != nil {
		return err
	}
	ft, err := a.mlp.fineTune(rbmDirs[0], a.mlp.lrm, a.runArgs)
	if err != nil {
		return err
	}
	ft.ReLU, ft.BatchNorm, ft.OutDropout, ft.Dropout = true, true, a.mlp.dropout, 0
	ft.Hidden[0].Seed, ft.OutSeed = 3333, 5555 // the original's glorot seeds of this MLP
	ft.Std = prep.std
	_, err = ft.Run(ctx, d, hooks(a.quiet))
	return err
}

// naivePrep smooths and standardizes CIFAR-10 as dbm_cifar_naive.py does, with its caches in
// dir: X_s.npy (the smoothed training rows, reused when it has as many rows), X_s_mean.npy and
// X_s_std.npy (the smoothed training set's per-feature statistics).
type naivePrep struct {
	dir string
	std *dataset.Standardizer
}

// smooth returns the smoothed training rows, from the cache when it fits.
func (p *naivePrep) smooth(x *dataset.Matrix[float32]) (*dataset.Matrix[float32], error) {
	path := filepath.Join(p.dir, "X_s.npy")
	if c, err := dataset.ReadNPY[float32](path); err == nil && c.Rows == x.Rows && c.Cols == x.Cols {
		log.Printf("smoothed training set: reusing %s", path)
		return c, nil
	} else if err == nil {
		log.Printf("smoothed training set: %s has %d×%d rows, the training set %d×%d: smoothing again", path, c.Rows, c.Cols, x.Rows, x.Cols)
	} else if !errors.Is(err, os.ErrNotExist) {
		log.Printf("smoothed training set: %s unreadable (%v): smoothing again", path, err)
	}
	k := min(x.Rows, x.Cols)
	log.Printf("smoothing %d training rows: SVD, keeping the %d largest of %d singular values", x.Rows, min(k, smoothKeep), k)
	s, err := dataset.Smooth(dataset.Convert[float64](x), max(0, k-smoothKeep))
	if err != nil {
		return nil, err
	}
	out := dataset.Convert[float32](s)
	if err := dataset.WriteNPY(path, out); err != nil {
		return nil, err
	}
	// New smoothed data: the statistics computed from the old ones are stale.
	for _, stale := range []string{"X_s_mean.npy", "X_s_std.npy"} {
		os.Remove(filepath.Join(p.dir, stale))
	}
	return out, nil
}

// standardize standardizes xs with the smoothed training set's statistics (xs[0] is that set
// when the statistics are not cached yet).
func (p *naivePrep) standardize(xs ...*dataset.Matrix[float32]) error {
	if p.std == nil {
		mean, err1 := dataset.ReadNPY[float64](filepath.Join(p.dir, "X_s_mean.npy"))
		std, err2 := dataset.ReadNPY[float64](filepath.Join(p.dir, "X_s_std.npy"))
		if err1 == nil && err2 == nil && mean.Cols == xs[0].Cols && std.Cols == xs[0].Cols {
			p.std = &dataset.Standardizer{Mean: mean.Data, Std: std.Data}
		} else {
			p.std = dataset.FitStandardizer(xs[0])
			for name, v := range map[string][]float64{"X_s_mean.npy": p.std.Mean, "X_s_std.npy": p.std.Std} {
				if err := dataset.WriteNPY(filepath.Join(p.dir, name), &dataset.Matrix[float64]{Rows: 1, Cols: len(v), Data: v}); err != nil {
					return err
				}
			}
		}
	}
	for _, x := range xs {
		if x == nil {
			continue
		}
		if err := dataset.Standardize(p.std, x); err != nil {
			return err
		}
	}
	return nil
}
