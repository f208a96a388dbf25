package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/internal/pyargs"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/patches"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// dbmCIFARArgs is the command line of the original's examples/dbm_cifar.py (triples are the
// Gaussian RBM, the multinomial RBM and the DBM; a single value is replicated).
type dbmCIFARArgs struct {
	runArgs
	nTrain, nVal                         int
	dataPath                             string
	noAug                                bool
	smallLR                              []float64
	smallEpochs, smallBatch, smallHidden int
	smallL2, smallSpTarget, smallSpCost  float64
	smallSeed, smallJobs                 int
	smallPrefix                          string
	smallBlockAverage                    bool
	every                                int
	k, epochs, batch, seeds              []int
	lr, l2                               []float64
	grbm, mrbm, dbmDir                   string
	particles, mfUpdates, mrbmHidden     int
	mfTol, maxNorm, spDamping            float64
	spTarget, spCost                     []float64
	aisBetas, aisRuns                    int
	mlp                                  mlpArgs
}

const dbmCIFAREpilog = `Where bm dbm-cifar differs from dbm_cifar.py on purpose:
  --momentum-rule defaults to classical (v <- m*v + lr*g): the RBMs keep the original's
      momentum geomspace(0.5, 0.9, 8), the DBM trains without momentum (as bm dbm-mnist).
      --momentum-rule original restores the original's rule and the DBM's momentum
      geomspace(0.5, 0.9, 10).
  Patch RBM 25 learns the whole image brought down to 8×8 as the original computes it: the
      average of the sixteen 8×8 tiles, not of 4×4 blocks, although the weight assembly places
      its weights on 4×4 blocks (spec Appendix A). --small-block-average trains it on the 4×4
      block averages the assembly assumes instead.
  The patch RBMs train --small-jobs at a time (default: one per core, one thread each).
  --small-n-hidden (300) and --n-hidden (512) size the patch RBMs and the multinomial RBM;
      the original hard-codes them (26 × 300 = 7800 Gaussian RBM hidden units).
  The large Gaussian RBM's initial weights are uniform noise in [0, 5e-6) from Go's PCG (the
      original's RandomState(1234) numbers cannot be reproduced).
  The 490,000 × 7,800 features of the Gaussian RBM are written in half precision, as the
      original's Q_train_cifar.npy, but streamed in chunks and mapped from the file when the
      multinomial RBM and the DBM read them; the training images are streamed to the Gaussian
      RBM and the DBM minibatch by minibatch instead of copied into the graph.
  --gpu defaults to '' (CPU). --data-path (default data/) holds cifar-10-batches-bin/ (the
      binary version) and the caches X_aug.npy (uint8), y_aug.npy, X_aug_mean.npy,
      X_aug_std.npy, Q_train_cifar.npy, Q_val_cifar.npy and G_train_cifar.npy, each with a
      .json stamp of what it was made from: a cache whose stamp differs is made again.
  --ais-betas > 0 estimates log Z after the DBM (the original does not).
  The fine-tuned MLP restores its best validation epoch's weights unless --mlp-keep-last.
Stages whose model exists are reused and interrupted RBMs and DBM resume when run again.`

// parser returns the command line of dbm_cifar.py, bound to a.
func (a *dbmCIFARArgs) parser() *pyargs.Parser {
	p := pyargs.New("bm dbm-cifar", "Train a 3072-7800-512 Gaussian-Bernoulli-Multinomial DBM on augmented CIFAR-10 — 26 patch RBMs assembled into the Gaussian RBM, a multinomial RBM, then the DBM — and fine-tune an MLP from the Gaussian RBM: the original's examples/dbm_cifar.py.")
	p.Epilog = dbmCIFAREpilog
	a.registerGPU(p)
	a.registerCluster(p)
	p.Int("--n-train", &a.nTrain, 49000, "number of training examples").Metavar("N").Validate(positiveInt(&a.nTrain))
	p.Int("--n-val", &a.nVal, 1000, "number of validation examples").Metavar("N").Validate(nonNegativeInt(&a.nVal))
	p.String("--data-path", &a.dataPath, "data/", "directory holding cifar-10-batches-bin/ and the caches (the original hard-codes ../data/)").Metavar("PATH")
	p.StoreTrue("--no-aug", &a.noAug, "if enabled, don't augment data")
	p.Floats("--small-lr", &a.smallLR, []float64{1e-3}, "learning rate(s) of the small RBMs").Metavar("LR").Validate(positiveAll(&a.smallLR))
	p.Int("--small-epochs", &a.smallEpochs, 100, "number of epochs for small RBMs").Metavar("N").Validate(positiveInt(&a.smallEpochs))
	p.Int("--small-batch-size", &a.smallBatch, 48, "input batch size for training small RBMs").Metavar("B").Validate(positiveInt(&a.smallBatch))
	p.Float("--small-l2", &a.smallL2, 1e-3, "L2 weight decay coefficient of the small RBMs").Metavar("L2").Validate(nonNegative(&a.smallL2))
	p.Float("--small-sparsity-target", &a.smallSpTarget, 0.1, "desired probability of hidden activation of the small RBMs").Metavar("T").Validate(positive(&a.smallSpTarget))
	p.Float("--small-sparsity-cost", &a.smallSpCost, 1e-3, "sparsity penalty of the small RBMs").Metavar("C").Validate(nonNegative(&a.smallSpCost))
	p.Int("--small-random-seed", &a.smallSeed, 9000, "random seed of the small RBMs (ids 16–24; the others use 9000 + id, hard-coded as in the original)").Metavar("N").Validate(nonNegativeInt(&a.smallSeed))
	p.String("--small-dirpath-prefix", &a.smallPrefix, "models/rbm_cifar_small_", "directory path prefix to save the small RBMs (<prefix><id>/)").Metavar("PREFIX")
	p.Int("--small-jobs", &a.smallJobs, defaultJobs(), "patch RBMs trained at once (ours)").Metavar("N").Validate(positiveInt(&a.smallJobs))
	p.Int("--small-n-hidden", &a.smallHidden, 300, "hidden units of each small RBM (ours; the original hard-codes 300)").Metavar("N").Validate(positiveInt(&a.smallHidden))
	p.StoreTrue("--small-block-average", &a.smallBlockAverage, "train patch RBM 25 on 4×4 block averages, as the weight assembly assumes (ours; the original uses tile averages)")
	p.Int("--increase-n-gibbs-steps-every", &a.every, 16, "increase number of Gibbs steps every specified number of epochs for the multinomial RBM").Metavar("I").Validate(nonNegativeInt(&a.every))
	p.Ints("--n-gibbs-steps", &a.k, []int{1, 1, 1}, "(initial) number of Gibbs steps for CD/PCD").Metavar("N").Validate(positiveInts(&a.k))
	p.Floats("--lr", &a.lr, []float64{5e-4, 5e-5, 4e-5}, "(initial) learning rates").Metavar("LR").Validate(positiveAll(&a.lr))
	p.Ints("--epochs", &a.epochs, []int{64, 33, 100}, "number of epochs to (pre)train").Metavar("N").Validate(positiveInts(&a.epochs))
	p.Ints("--batch-size", &a.batch, []int{100, 100, 100}, "input batch size for (pre)training").Metavar("B").Validate(positiveInts(&a.batch))
	p.Floats("--l2", &a.l2, []float64{1e-3, 0.005, 0}, "L2 weight decay coefficients").Metavar("L2")
	p.Ints("--random-seed", &a.seeds, []int{1111, 2222, 3333}, "random seeds for models training").Metavar("N").Validate(nonNegativeInts(&a.seeds))
	p.String("--grbm-dirpath", &a.grbm, "models/grbm_cifar/", "directory path to save Gaussian RBM").Metavar("DIRPATH")
	p.String("--mrbm-dirpath", &a.mrbm, "models/mrbm_cifar/", "directory path to save Multinomial RBM").Metavar("DIRPATH")
	p.String("--dbm-dirpath", &a.dbmDir, "models/dbm_cifar/", "directory path to save DBM").Metavar("DIRPATH")
	p.Int("--n-hidden", &a.mrbmHidden, 512, "hidden units of the multinomial RBM (ours; the original hard-codes 512)").Metavar("N").Validate(positiveInt(&a.mrbmHidden))
	p.Int("--n-particles", &a.particles, 100, "number of persistent Markov chains").Metavar("M").Validate(positiveInt(&a.particles))
	p.Int("--max-mf-updates", &a.mfUpdates, 50, "maximum number of mean-field updates per weight update").Metavar("N").Validate(positiveInt(&a.mfUpdates))
	p.Float("--mf-tol", &a.mfTol, 1e-11, "mean-field tolerance").Metavar("TOL")
	p.Float("--max-norm", &a.maxNorm, 4, "maximum norm constraint").Metavar("C")
	p.Floats("--sparsity-target", &a.spTarget, []float64{0.2, 0.2}, "desired probability of hidden activation").Metavar("T")
	p.Floats("--sparsity-cost", &a.spCost, []float64{1e-4, 1e-3}, "controls the amount of sparsity penalty").Metavar("C")
	p.Float("--sparsity-damping", &a.spDamping, 0.9, "decay rate for hidden activations probs").Metavar("D")
	a.mlp.register(p, mlpDefaults{lrm: []float64{0.01, 1.0}, prefix: "data/grbm_", l2: 1e-4, dropout: 0.7, patience: 6, plateau: 3})
	p.Int("--ais-betas", &a.aisBetas, 0, "AIS intermediate distributions for log Z after the DBM (0: none, as the original)").Metavar("N")
	p.Int("--ais-runs", &a.aisRuns, 100, "AIS runs").Metavar("N").Validate(positiveInt(&a.aisRuns))
	a.register(p, "and the DBM's momentum geomspace(0.5, 0.9, 10)")
	return p
}

func cmdDBMCIFAR(args []string) int {
	setLog("dbm-cifar")
	var a dbmCIFARArgs
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
		stagedFlag{"--sparsity-target", &a.spTarget, 2}, stagedFlag{"--sparsity-cost", &a.spCost, 2}, stagedFlag{"--mlp-lrm", &a.mlp.lrm, 2}); err != nil {
		return p.Report(err)
	}
	if a.spDamping != 0.9 {
		return p.Report(p.Errorf("--sparsity-damping", "only the original's 0.9 is supported by the DBM"))
	}
	if err := a.cluster.check(a.gpu); err != nil {
		return exitStatus("dbm-cifar", err)
	}
	return exitStatus("dbm-cifar", a.cluster.wrap(runDBMCIFAR(&a)))
}

func runDBMCIFAR(a *dbmCIFARArgs) error {
	cifar := filepath.Join(a.dataPath, "cifar-10-batches-bin")
	if !pipeline.IsCIFAR(cifar) {
		return fmt.Errorf("%s holds no CIFAR-10 binary batches (data_batch_1.bin …): download the binary version of CIFAR-10 and unpack it there (make data-cifar)", cifar)
	}
	dt, err := tfops.ParseDType(a.dtype)
	if err != nil {
		return flagErr("dtype", "%v", err)
	}
	// The DBM's flags, checked before anything trains.
	var f dbmFlags
	if err := f.flagSet().Parse(nil); err != nil {
		return err
	}
	f.hiddens = ints{patches.Count * a.smallHidden, a.mrbmHidden}
	f.visible, f.sigma, f.hiddenUnits, f.draws, f.groups = "gaussian", floats{1}, "bernoulli,multinomial", a.mrbmHidden, 1
	f.epochs, f.batch, f.particles, f.gibbs, f.mfSteps = a.epochs[2], a.batch[2], a.particles, a.k[2], a.mfUpdates
	f.lr = train.Geom(a.lr[2], 1e-6, 100)
	f.l2, f.maxNorm, f.mfTol, f.seed = a.l2[2], a.maxNorm, a.mfTol, int64(a.seeds[2])
	f.spTarget, f.spCost = a.spTarget, a.spCost
	f.momentum = floats{0}
	if f.momentumRule = a.momentumRule; f.momentumRule == optim.Original {
		f.momentum = train.Geom(0.5, 0.9, 10)
	}
	f.aisBetas, f.aisRuns, f.dtype, f.gpu, f.threads, f.quiet = a.aisBetas, a.aisRuns, a.dtype, a.gpu, a.threads, a.quiet
	f.cluster = a.cluster // the patch RBMs stay in this process (each in a session of its own)
	f.set, f.spell = originalResume(a.changed, "--dbm-dirpath")
	f.rbmDirs = []string{filepath.Join(a.grbm, "model"), filepath.Join(a.mrbm, "model")}
	f.dbmDir = filepath.Join(a.dbmDir, "model")
	f.out = a.dbmDir
	f.data.path = cifar
	f.rbmEpochs, f.rbmBatch, f.rbmSeeds, f.rbmK = a.epochs[:2], a.batch[:2], a.seeds[:2], a.k[:2]
	f.rbmLR, f.rbmL2, f.rbmWInit = a.lr[:2], a.l2[:2], floats{0.001, 0.001}
	if err := f.check(); err != nil {
		return err
	}
	f.preflight = a.mlp.checkOutputs
	if err := f.checkLocations(); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	startMemorySampler()
	d, err := loadCIFARSets(cifar, a.dataPath, a.nTrain, a.nVal, a.noAug)
	if err != nil {
		return err
	}
	defer d.free() // runs last: the models that read the training rows are closed before
	stageMemory("data")
	if f.particles > d.Train.Rows {
		return flagErr("n-particles", "%d persistent chains, but only %d training rows to start them at", f.particles, d.Train.Rows)
	}
	val := pipeline.DataOf(d.Val)
	if d.Val.Rows == 0 {
		val = nil
	}
	threads := a.threads
	if threads == 0 {
		threads = max(1, defaultJobs()/a.smallJobs)
	}

	// The Gaussian RBM, from the 26 patch RBMs unless it exists.
	grbmDir := f.rbmDirs[0]
	gc := rbm.Config{NumVisible: patches.ImageSize, NumHidden: f.hiddens[0], DType: dt, Seed: int64(a.seeds[0]),
		Visible: rbm.Gaussian{Sigma: []float64{1}}, Hidden: rbm.Bernoulli{}, CDSteps: []int{a.k[0]},
		LearningRate: []float64{a.lr[0]}, Momentum: train.Geom(0.5, 0.9, 8), Epochs: a.epochs[0], BatchSize: a.batch[0],
		L2: rbm.F(a.l2[0]), SampleVisible: true, SparsityTarget: 0.1, SparsityCost: 1e-4, DBMFirst: true,
		Metrics: rbm.Metrics{MSRE: true, FEG: true, TrainEvery: 1000, ValEvery: 1, FEGEvery: 2, FEGBatches: 50},
		Threads: a.threads, GPU: a.gpu, MomentumRule: a.momentumRule, Target: f.target(), Devices: f.tasks()}
	if !exists(filepath.Join(grbmDir, "model.json")) {
		pr := &patchRBMs{lr: a.smallLR, epochs: a.smallEpochs, batch: a.smallBatch, hidden: a.smallHidden, l2: a.smallL2,
			spTarget: a.smallSpTarget, spCost: a.smallSpCost, seed: int64(a.smallSeed), prefix: a.smallPrefix, jobs: a.smallJobs,
			threads: threads, blockAverage: a.smallBlockAverage, dtype: dt, gpu: a.gpu, momentumRule: a.momentumRule, quiet: a.quiet}
		small, err := pr.train(ctx, d.Train, d.Val)
		if err != nil {
			return err
		}
		if gc.InitW, gc.InitVisibleBias, gc.InitHiddenBias, err = assembleGRBM(small, a.smallHidden, a.smallBlockAverage); err != nil {
			return err
		}
		stageMemory("patch RBMs and assembly")
	}
	grbm, err := trainOrLoadRBM(ctx, grbmDir, gc, tfops.Stream(d.Train), val, a.quiet, fmt.Sprintf("Gaussian RBM (%d→%d)", gc.NumVisible, gc.NumHidden), nil)
	if err != nil {
		return err
	}
	defer grbm.Close()
	gc.InitW = nil // in the model's variables now
	if err := pipeline.SaveStandardizer(grbmDir, d.std); err != nil {
		return err
	}
	if err := drawRBMFilters(grbm, filepath.Join(a.grbm, "filters.png"), 24); err != nil {
		return err
	}
	stageMemory("Gaussian RBM")

	// Its features, in half precision, and the multinomial RBM on them.
	feat := &featureCache{dir: a.dataPath, model: grbmDir, quiet: a.quiet}
	qTrain, closeQ, err := feat.half("Q_train_cifar.npy", grbm, d.Train)
	if err != nil {
		return err
	}
	defer closeQ()
	qVal, err := feat.float("Q_val_cifar.npy", grbm, d.Val)
	if err != nil {
		return err
	}
	stageMemory("features")
	mc := rbm.Config{NumVisible: f.hiddens[0], NumHidden: a.mrbmHidden, DType: dt, Seed: int64(a.seeds[1]),
		Visible: rbm.Bernoulli{}, Hidden: rbm.Multinomial{Draws: a.mrbmHidden, Groups: 1}, WeightStd: 0.001, CDSteps: []int{a.k[1]},
		LearningRate: []float64{a.lr[1]}, Momentum: train.Geom(0.5, 0.9, 8), Epochs: a.epochs[1], BatchSize: a.batch[1],
		L2: rbm.F(a.l2[1]), SampleVisible: true, SparsityTarget: 0.2, SparsityCost: 1e-4, DBMLast: true,
		Metrics: rbm.Metrics{MSRE: true, PLL: true, FEG: true, TrainEvery: 1000, ValEvery: 2, FEGEvery: 2, FEGBatches: 50},
		Threads: a.threads, GPU: a.gpu, MomentumRule: a.momentumRule, Target: f.target(), Devices: f.tasks()}
	if a.every > 0 {
		mc.CDSteps, mc.LearningRate = pipeline.IncreasingK(a.k[1], a.lr[1], a.epochs[1], a.every)
	}
	mrbm, err := trainOrLoadRBM(ctx, f.rbmDirs[1], mc, qTrain, pipeline.DataOf(qVal), a.quiet, fmt.Sprintf("multinomial RBM (%d→%d)", mc.NumVisible, mc.NumHidden), nil)
	if err != nil {
		return err
	}
	defer mrbm.Close()
	stageMemory("multinomial RBM")

	// The DBM, its persistent chains started at the first training images, their features and
	// the features' features (G_train_cifar.npy).
	dir := f.modelDir()
	m, err := pipeline.ResumeDBM(dir, f.epochs, f.target(), f.threads, logHooks())
	if err != nil {
		return err
	}
	if err := f.checkResumed(m, dt, dir); err != nil {
		return err
	}
	if m == nil {
		n := min(f.particles, d.Train.Rows)
		q0 := qTrain.SliceRows(0, n).Float32()
		g, err := mrbm.Transform(q0)
		if err != nil {
			return err
		}
		if err := dataset.WriteNPY(filepath.Join(a.dataPath, "G_train_cifar.npy"), g); err != nil {
			return err
		}
		if m, err = dbm.FromRBMs(f.stack().DBMConfig(), grbm, mrbm); err != nil {
			return pipeline.DBMConfigError(err)
		}
		if err := m.SetParticles(d.Train.SliceRows(0, n), q0, g); err != nil {
			m.Close()
			return err
		}
	}
	defer m.Close()
	if err := pipeline.SaveStandardizer(dir, d.std); err != nil {
		return err
	}
	ld := &pipeline.Data{Train: d.Train, Val: d.Val, Shape: []int{32, 32, 3}, Std: d.std}
	fit := pipeline.FitDBM{Dir: dir, Epochs: f.epochs, BatchSize: f.batch, Shape: ld.Shape}
	if err := fit.Run(ctx, m, tfops.Stream(d.Train), val, hooks(f.quiet)); err != nil {
		return err
	}
	res := f.results()
	if _, err := res.Run(ctx, m, dir, ld, hooks(f.quiet)); err != nil {
		return err
	}
	stageMemory("DBM")
	if a.mlp.stopAfterRB {
		return nil
	}

	// Fine-tuning from the Gaussian RBM: Dense(7800) → BatchNormalization → ReLU →
	// Dropout(--mlp-dropout) → Dense(10) → softmax, on the standardized (augmented) training rows,
	// tested on the standardized test set; early stopping after 6 epochs without improvement,
	// the learning rate divided by 5 after 3.
	ft, err := a.mlp.fineTune(grbmDir, a.mlp.lrm, a.runArgs)
	if err != nil {
		return err
	}
	ft.ReLU, ft.BatchNorm, ft.OutDropout, ft.Dropout = true, true, a.mlp.dropout, 0
	ft.Hidden[0].Seed, ft.OutSeed = 3333, 5555 // the original's glorot seeds of its CIFAR MLPs
	ft.Stream, ft.Std = true, d.std
	if _, err = ft.Run(ctx, d.Labeled, hooks(a.quiet)); err != nil {
		return err
	}
	stageMemory("fine-tuning")
	return nil
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// drawRBMFilters draws the first n filters of an RBM with 32×32×3 visible units as colour
// tiles, each scaled to its own range.
func drawRBMFilters(r *rbm.RBM, path string, n int) error {
	w, _, _, err := r.Weights()
	if err != nil {
		return err
	}
	c := r.Config()
	n = min(n, c.NumHidden)
	img, err := picture.Tiles(rbm.Filters(w, c.NumVisible, c.NumHidden, n), n, 32, 32, 3, min(n, 12), true)
	if err != nil {
		return err
	}
	return picture.SavePNG(path, picture.Scale(img, 2))
}
