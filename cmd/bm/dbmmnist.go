package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/boltzmann-go/boltzmann/internal/pyargs"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// dbmMNISTArgs are the flags of the original's examples/dbm_mnist.py (triples are RBM #1,
// RBM #2 and the DBM; a single value is replicated).
type dbmMNISTArgs struct {
	runArgs
	stratify            bool
	nTrain, nVal, every int
	hiddens, k, epochs  []int
	batch, seeds        []int
	lr, l2              []float64
	rbm1, rbm2, dbmDir  string
	dbmArgs
	spTarget, spCost []float64
	spDamping        float64
	dataPath         string
	mlp              mlpArgs
	orig             originalPath
}

const dbmMNISTEpilog = `Where bm dbm-mnist differs from dbm_mnist.py on purpose:
  --momentum-rule defaults to classical (v <- m*v + lr*g), and --lr then to 0.01 0.002 2e-3:
      the pretraining RBMs' rates are the original's 0.05 and 0.01 divided by 5, because the
      original's rule v <- lr*(m*v + g) makes momentum almost inert; the DBM keeps the
      original's schedule geomspace(lr[2], 5e-6, 400) and trains without momentum
      (docs/RESULTS.md). --momentum-rule original restores the original's rule, its --lr
      0.05 0.01 2e-3 and the DBM's momentum geomspace(0.5, 0.9, 10).
  --mf-tol defaults to 1e-5: the original's 1e-7 is never met in float32, so every update ran
      all 50 sweeps; 1e-5 takes about 23 and changes training far less than the chains' own
      noise does (docs/RESULTS.md). --as-original restores 1e-7.
  --gpu defaults to '' (CPU). --data-path (default data/) replaces the hard-coded ../data/;
      the model folders default to models/... instead of ../models/....
  After the DBM, AIS estimates log Z (--ais-betas, --ais-runs) and the mean test lower bound
      is printed and written to <dbm-dirpath>/results.json.
  The fine-tuned MLP restores its best validation epoch's weights unless --mlp-keep-last.
Schedules are indexed from their first element at epoch 1; the original's epoch 1 takes the
second (so the DBM's rate starts at lr[2], not at the second value of its geomspace).
Stages whose model exists are reused and interrupted RBMs and DBM resume when run again; the
fine-tuning stage always runs (again), replacing its logs, predictions and model; its
SavedModel gets a new version only when it differs from the newest one.`

// parser returns the command line of dbm_mnist.py, bound to a.
func (a *dbmMNISTArgs) parser() *pyargs.Parser {
	p := pyargs.New("bm dbm-mnist", "Train a 784-512-1024 Bernoulli DBM on MNIST (greedy pretraining of 2 RBMs, then joint training), estimate log Z and the test lower bound, fine-tune an MLP from it: the original's examples/dbm_mnist.py.")
	p.Epilog = dbmMNISTEpilog
	a.registerGPU(p)
	a.registerCluster(p)
	p.Int("--n-train", &a.nTrain, 59000, "number of training examples").Metavar("N").Validate(positiveInt(&a.nTrain))
	p.Int("--n-val", &a.nVal, 1000, "number of validation examples").Metavar("N").Validate(nonNegativeInt(&a.nVal))
	p.StoreTrue("--stratify", &a.stratify, "ours: draw the train/validation split so that every class keeps its share; the original shuffles")
	p.Int("--increase-n-gibbs-steps-every", &a.every, 20, "increase number of Gibbs steps every specified number of epochs for RBM #2").Metavar("I")
	p.Ints("--n-hiddens", &a.hiddens, []int{512, 1024}, "numbers of hidden units").Metavar("N").Validate(positiveInts(&a.hiddens))
	p.Ints("--n-gibbs-steps", &a.k, []int{1, 1, 1}, "(initial) number of Gibbs steps for CD/PCD").Metavar("N").Validate(positiveInts(&a.k))
	p.Floats("--lr", &a.lr, []float64{0.01, 0.002, 2e-3}, "(initial) learning rates").Metavar("LR").Validate(positiveAll(&a.lr))
	p.Ints("--epochs", &a.epochs, []int{64, 120, 500}, "number of epochs to (pre)train").Metavar("N").Validate(positiveInts(&a.epochs))
	p.Ints("--batch-size", &a.batch, []int{48, 48, 100}, "input batch size for (pre)training").Metavar("B").Validate(positiveInts(&a.batch))
	p.Floats("--l2", &a.l2, []float64{1e-3, 2e-4, 1e-7}, "L2 weight decay coefficients").Metavar("L2")
	p.Ints("--random-seed", &a.seeds, []int{1337, 1111, 2222}, "random seeds for models training").Metavar("N").Validate(nonNegativeInts(&a.seeds))
	p.String("--rbm1-dirpath", &a.rbm1, "models/dbm_mnist_rbm1/", "directory path to save RBM #1").Metavar("DIRPATH")
	p.String("--rbm2-dirpath", &a.rbm2, "models/dbm_mnist_rbm2/", "directory path to save RBM #2").Metavar("DIRPATH")
	p.String("--dbm-dirpath", &a.dbmDir, "models/dbm_mnist/", "directory path to save DBM").Metavar("DIRPATH")
	a.registerDBM(p, pipeline.DefaultMeanFieldTol, 6)
	p.Floats("--sparsity-target", &a.spTarget, []float64{0.2, 0.1}, "desired probability of hidden activation").Metavar("T")
	p.Floats("--sparsity-cost", &a.spCost, []float64{1e-4, 5e-5}, "controls the amount of sparsity penalty").Metavar("C")
	p.Float("--sparsity-damping", &a.spDamping, 0.9, "decay rate for hidden activations probs").Metavar("D")
	a.mlp.register(p, mlpDefaults{lrm: []float64{0.01, 0.1, 1.0}, prefix: "data/dbm_", l2: 1e-5})
	p.StoreTrue("--mlp-augment", &a.mlp.augment, "ours: fine-tune on each image followed by the DBM's mean-field q(h2|x), the first kernel starting as [W1; W2^T] (Salakhutdinov & Hinton 2009; the SavedModel takes the image and computes q(h2|x) inside); the original fine-tunes on the image alone")
	p.String("--data-path", &a.dataPath, "data/", "directory holding mnist/ (the original hard-codes ../data/)").Metavar("PATH")
	a.registerAIS(p, 20000, "AIS intermediate distributions for log Z (0: no AIS and no lower bound)")
	a.register(p, "with its learning rates by default")
	a.orig.registerPy(p)
	return p
}

// originalDefaults sets what --as-original and --momentum-rule original change unless given
// (changed reports a flag given): the original's momentum rule and mean-field tolerance, and
// its learning rates.
func (a *dbmMNISTArgs) originalDefaults(changed func(string) bool) {
	if a.orig.all {
		a.momentumRule = optim.Original
		if !changed("--mf-tol") {
			a.mfTol = pipeline.OriginalMeanFieldTol
		}
	}
	if a.momentumRule == optim.Original && !changed("--lr") {
		a.lr = []float64{0.05, 0.01, 2e-3}
	}
}

func cmdDBMMNIST(args []string) int {
	setLog("dbm-mnist")
	var a dbmMNISTArgs
	p := a.parser()
	if err := p.Parse(args); err != nil {
		return p.Report(err)
	}
	a.changed = p.Changed
	if err := a.mlp.checkNoMLP(p); err != nil {
		return p.Report(err)
	}
	a.originalDefaults(p.Changed)
	if a.spDamping != 0.9 {
		return p.Report(p.Errorf("--sparsity-damping", "only the original's 0.9 is supported by the DBM"))
	}
	if a.mlp.augment && a.mlp.noInit {
		return p.Report(p.Errorf("--mlp-augment", "the augmented first kernel starts from the DBM's weights: not with --mlp-no-init"))
	}
	n := len(a.hiddens)
	if n != 2 {
		return p.Report(p.Errorf("--n-hiddens", "%d layers: the original's program (and its --rbm1-dirpath, --rbm2-dirpath) has 2; use bm dbm for other depths", n))
	}
	if err := replicateStaged(p, stagedFlag{"--n-gibbs-steps", &a.k, n + 1}, stagedFlag{"--lr", &a.lr, n + 1}, stagedFlag{"--epochs", &a.epochs, n + 1},
		stagedFlag{"--batch-size", &a.batch, n + 1}, stagedFlag{"--l2", &a.l2, n + 1}, stagedFlag{"--random-seed", &a.seeds, n + 1},
		stagedFlag{"--sparsity-target", &a.spTarget, n}, stagedFlag{"--sparsity-cost", &a.spCost, n}, stagedFlag{"--mlp-lrm", &a.mlp.lrm, n + 1}); err != nil {
		return p.Report(err)
	}
	if err := a.cluster.check(a.gpu); err != nil {
		return exitStatus("dbm-mnist", err)
	}
	return exitStatus("dbm-mnist", a.cluster.wrap(runDBMMNIST(&a)))
}

func runDBMMNIST(a *dbmMNISTArgs) error {
	if err := a.orig.resolve(); err != nil {
		return err
	}
	target, devices, err := a.cluster.plan()
	if err != nil {
		return err
	}
	dt, err := tfops.ParseDType(a.dtype)
	if err != nil {
		return err
	}
	lr, err := parseFloats(fmt.Sprintf("geom:%g,5e-6,400", a.lr[2]))
	if err != nil {
		return flagErr("lr", "%v", err)
	}
	set, spell := originalResume(a.changed, "--dbm-dirpath")
	p := pipeline.DBMMNIST{DataPath: a.dataPath, NTrain: a.nTrain, NVal: cmp.Or(a.nVal, -1), RBM1Dir: a.rbm1, RBM2Dir: a.rbm2, DBMDir: a.dbmDir,
		Stack: pipeline.DBMStack{Hiddens: a.hiddens, RBMEpochs: a.epochs[:2], RBMBatch: a.batch[:2], RBMSeeds: a.seeds[:2], RBMK: a.k[:2],
			RBMLR: a.lr[:2], RBML2: a.l2[:2], IncreaseKEvery: a.every, ConstantK: a.every == 0, Epochs: a.epochs[2], BatchSize: a.batch[2],
			Particles: a.particles, GibbsSteps: a.k[2], MeanFieldSteps: a.mfUpdates, LearningRate: lr, L2: a.l2[2], NoL2: a.l2[2] == 0,
			MaxNorm: a.maxNorm, NoMaxNorm: a.maxNorm == 0, MeanFieldTol: a.mfTol, NoMeanFieldTol: a.mfTol == 0, Seed: int64(a.seeds[2]),
			ZeroSeed: a.seeds[2] == 0, SparsityTarget: a.spTarget, SparsityCost: a.spCost, MomentumRule: a.momentumRule, AISBetas: a.aisBetas,
			NoAIS: a.aisBetas == 0, AISRuns: a.aisRuns, DType: dt, Original: a.orig.settings(), Threads: a.threads, GPU: a.gpu, Target: target,
			Devices: devices},
		Given: givenFields(dbmDynamicsFields, set), Stratify: a.stratify, NoFineTune: a.mlp.stopAfterRB, RandomInitMLP: a.mlp.noInit, Augment: a.mlp.augment,
		NoSavePrefixMLP: a.mlp.savePrefix == "", NoExportMLP: a.mlp.exportDir == "",
		BeforeAIS: beforeAIS("-ais-runs", "-ais-betas", devices)}
	if p.MLP, err = a.mlp.settings(a.mlp.lrm, a.runArgs); err != nil {
		return err
	}
	p.MLP.L2 = cmp.Or(p.MLP.L2, -1)
	if err := p.Check(); err != nil {
		return err
	}
	mnist, rbmDirs, modelDir := p.Dirs()
	if err := checkDBMLocations("--dbm-dirpath", a.dbmDir, append(rbmDirs, modelDir), mnist, a.aisBetas > 0 || !a.mlp.stopAfterRB, a.mlp.checkOutputs); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	_, err = p.Run(ctx, hooks(a.quiet))
	return dbmStageErr(err, set, spell, modelDir)
}
