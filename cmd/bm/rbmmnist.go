package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/internal/pyargs"
	"github.com/boltzmann-go/boltzmann/mlp"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// mlpArgs are the --mlp-* flags shared by the original's MNIST programs, and our additions.
type mlpArgs struct {
	noInit      bool
	l2          float64
	lrm         []float64
	epochs      int
	valMetric   string
	batch       int
	savePrefix  string
	keepLast    bool
	shuffle     bool
	exportDir   string
	dropout     float64
	inDropout   float64 // --mlp-input-dropout; < 0: none given
	maxNorm     float64 // --mlp-max-norm; 0: none
	averageFrom int     // --mlp-average-from; 0: none
	patience    int     // --mlp-patience
	plateau     int     // --mlp-plateau-patience
	stopAfterRB bool
	augment     bool // bm dbm-mnist's --mlp-augment: the input is [x, q(h2|x)] (augment.go)
}

// mlpDefaults are the defaults of the --mlp-* flags that differ between the original's programs.
type mlpDefaults struct {
	lrm         []float64 // --mlp-lrm
	prefix      string    // --mlp-save-prefix
	l2, dropout float64   // --mlp-l2 (the MNIST programs' 1e-5), --mlp-dropout (0 there)
	// patience and plateau are the EarlyStopping and ReduceLROnPlateau patiences (0: the MNIST
	// programs' pipeline.MNISTPatience and pipeline.MNISTPlateauPatience; dbm_cifar.py has 6 and 3).
	patience, plateau int
}

// register adds the --mlp-* flags, --export-dir and --no-mlp, with the program's defaults d.
func (a *mlpArgs) register(p *pyargs.Parser, d mlpDefaults) {
	p.StoreTrue("--mlp-no-init", &a.noInit, "if enabled, use random initialization")
	p.Float("--mlp-l2", &a.l2, d.l2, "L2 weight decay").Metavar("L2").Validate(nonNegative(&a.l2))
	p.Floats("--mlp-lrm", &a.lrm, d.lrm, "learning rate multipliers of 1e-3").Metavar("LRM").Validate(positiveAll(&a.lrm))
	p.Int("--mlp-epochs", &a.epochs, 100, "number of epochs to train").Metavar("N").Validate(positiveInt(&a.epochs))
	p.String("--mlp-val-metric", &a.valMetric, mlp.ValAcc, "metric on validation set to perform early stopping").Metavar("S").Choices(mlp.ValAcc, mlp.ValLoss)
	p.Int("--mlp-batch-size", &a.batch, 128, "input batch size for training").Metavar("N").Validate(positiveInt(&a.batch))
	p.String("--mlp-save-prefix", &a.savePrefix, d.prefix, "prefix to save MLP predictions and targets").Metavar("PREFIX")
	p.StoreTrue("--mlp-keep-last", &a.keepLast, "keep the last epoch's weights as the original (Keras 2.0.8) does; by default the best validation epoch's weights are restored")
	p.Float("--mlp-dropout", &a.dropout, d.dropout, "dropout rate on the inputs of every MLP layer (not in the original's MNIST programs; its CIFAR program has --mlp-dropout)").Metavar("P").Validate(func() error {
		if !(a.dropout >= 0 && a.dropout < 1) {
			return errors.New("want a rate in [0, 1)")
		}
		return nil
	})
	p.Float("--mlp-input-dropout", &a.inDropout, -1, "ours: dropout rate on the MLP's inputs (the images) alone, the other layers keeping --mlp-dropout's; None: the MNIST programs apply --mlp-dropout to the inputs too, the CIFAR programs no dropout there").Metavar("P").NoDefault().Validate(func() error {
		if !(a.inDropout == -1 || a.inDropout >= 0 && a.inDropout < 1) {
			return errors.New("want a rate in [0, 1)")
		}
		return nil
	})
	p.Float("--mlp-max-norm", &a.maxNorm, 0, "ours: cap the norm of each hidden unit's incoming weights at C after every step (Srivastava et al. 2014, with dropout); 0: none").Metavar("C").Validate(nonNegative(&a.maxNorm))
	p.Int("--mlp-average-from", &a.averageFrom, 0, "ours: end with the mean of the weights after every epoch from N on (stochastic weight averaging) instead of the best validation epoch's; 0: none").Metavar("N").Validate(nonNegativeInt(&a.averageFrom))
	train.OrDefault(&d.patience, pipeline.MNISTPatience)
	train.OrDefault(&d.plateau, pipeline.MNISTPlateauPatience)
	p.Int("--mlp-patience", &a.patience, d.patience, "ours: epochs without improvement of the monitored metric before early stopping (the original's EarlyStopping patience)").Metavar("N").Validate(nonNegativeInt(&a.patience))
	p.Int("--mlp-plateau-patience", &a.plateau, d.plateau, "ours: epochs without improvement before the learning rate is divided by 5 (the original's ReduceLROnPlateau patience)").Metavar("N").Validate(nonNegativeInt(&a.plateau))
	p.StoreTrue("--mlp-shuffle", &a.shuffle, "shuffle the training rows every epoch (the original trains with shuffle=False)")
	p.String("--export-dir", &a.exportDir, "savedmodels", "export the fine-tuned classifier as a SavedModel under this folder ('' for none)").Metavar("DIR")
	p.StoreTrue("--no-mlp", &a.stopAfterRB, "stop after the generative model (no fine-tuning)")
}

// runArgs are the flags of the original's programs that say how to run rather than what to
// train, and our --momentum-rule, --quiet and --threads.
type runArgs struct {
	gpu, dtype, momentumRule string
	quiet                    bool
	threads                  int
	cluster                  cluster // --cluster, --job, --target (registerCluster)
	// changed reports whether the command line gave a flag (the parser's Changed once parsed):
	// a resumed DBM is checked against the flags given (originalResume).
	changed func(name string) bool
}

// register adds the flags after the program's own; --gpu comes first, as in the original.
func (r *runArgs) register(p *pyargs.Parser, ruleHelp string) {
	p.String("--momentum-rule", &r.momentumRule, optim.Classical, "momentum rule: classical, or original (the original's, "+ruleHelp+")").Metavar("R").Choices(optim.Classical, optim.Original)
	p.String("--dtype", &r.dtype, "float32", "datatype precision to use").Metavar("T").Choices("float32", "float64")
	p.StoreTrue("--quiet", &r.quiet, "no progress bars")
	p.Int("--threads", &r.threads, 0, "TensorFlow intra-op threads (0: one per core)").Metavar("N").Validate(nonNegativeInt(&r.threads))
}

// registerCluster adds our --cluster, --job and --target (docs/SCALING.md).
func (r *runArgs) registerCluster(p *pyargs.Parser) {
	r.cluster.long = true
	p.String("--cluster", &r.cluster.spec, "", "ours: run on a TensorFlow cluster of bm workers (job=host:port,…): the models on task 0 of --job, the RBMs' updates data-parallel over its tasks, AIS in one block per task; the MLP on task 0").Metavar("SPEC")
	p.String("--job", &r.cluster.job, "worker", "ours: with --cluster, the job whose tasks do the work").Metavar("JOB")
	p.String("--target", &r.cluster.target, "", "ours: run every model's session on one TensorFlow server, grpc://host:port").Metavar("URL")
	r.cluster.timeout = defaultClusterTimeout
	p.String("--cluster-timeout", &r.cluster.timeoutText, defaultClusterTimeout.String(), "ours: "+clusterTimeoutHelp).Metavar("DURATION").Validate(func() error {
		d, err := time.ParseDuration(r.cluster.timeoutText)
		if err != nil || d < 0 {
			return errors.New("want a duration ≥ 0 such as 90s or 10m (0: no limit)")
		}
		r.cluster.timeout = d
		return nil
	})
}

// registerGPU adds --gpu.
func (r *runArgs) registerGPU(p *pyargs.Parser) {
	p.String("--gpu", &r.gpu, "", "ID of GPU to use ('' for the CPU)").Metavar("ID")
}

// settings returns the fine-tuning settings of these flags with the learning-rate multipliers
// lrm, without their start (Hidden, OutSeed, Weights).
func (a *mlpArgs) settings(lrm []float64, r runArgs) (pipeline.FineTune, error) {
	dt, err := tfops.ParseDType(r.dtype)
	if err != nil {
		return pipeline.FineTune{}, err
	}
	ft := pipeline.FineTune{LRM: lrm, L2: a.l2, Epochs: a.epochs, BatchSize: a.batch, Monitor: a.valMetric, KeepLast: a.keepLast,
		Shuffle: a.shuffle, Dropout: a.dropout, InputDropout: a.inDropout, InputDropoutAsOthers: a.inDropout < 0, MaxNorm: a.maxNorm, AverageFrom: a.averageFrom,
		Patience: cmp.Or(a.patience, -1), PlateauPatience: cmp.Or(a.plateau, -1), DType: dt, GPU: r.gpu, Threads: r.threads, Target: r.target(),
		Prefix: a.savePrefix, Export: a.exportDir, Name: strings.TrimSuffix(filepath.Base(a.savePrefix+"x"), "x") + "mlp"}
	if a.savePrefix != "" {
		ft.Dir = a.savePrefix + "mlp"
	}
	return ft, nil
}

// target is the session target of --cluster or --target, or "".
func (r *runArgs) target() string {
	target, _, _ := r.cluster.plan()
	return target
}

// Validators of the original's programs' flags (pyargs.Arg.Validate).
func nonNegative(v *float64) func() error {
	return scalar(v, func(x float64) bool { return x >= 0 }, "want a number ≥ 0")
}
func positive(v *float64) func() error {
	return scalar(v, func(x float64) bool { return x > 0 }, "want a number > 0")
}
func positiveInt(v *int) func() error {
	return scalar(v, func(x int) bool { return x > 0 }, "want an integer > 0")
}
func nonNegativeInt(v *int) func() error {
	return scalar(v, func(x int) bool { return x >= 0 }, "want an integer ≥ 0")
}
func positiveAll(v *[]float64) func() error {
	return each(v, func(x float64) bool { return x > 0 }, "want numbers > 0")
}
func positiveInts(v *[]int) func() error {
	return each(v, func(x int) bool { return x > 0 }, "want integers > 0")
}
func nonNegativeInts(v *[]int) func() error {
	return each(v, func(x int) bool { return x >= 0 }, "want integers ≥ 0")
}

// scalar validates *v with ok, saying want otherwise.
func scalar[T int | float64](v *T, ok func(T) bool, want string) func() error {
	return func() error {
		if !ok(*v) {
			return errors.New(want)
		}
		return nil
	}
}

// each validates every value of *v with ok, saying "<value>: want" of the first that fails.
func each[T int | float64](v *[]T, ok func(T) bool, want string) func() error {
	return func() error {
		for _, x := range *v {
			if !ok(x) {
				return fmt.Errorf("%v: %s", x, want)
			}
		}
		return nil
	}
}

// mlpFlagNames are the flags of the fine-tuning stage (mlpArgs.register, and bm dbm-mnist's
// --mlp-augment), which --no-mlp skips.
var mlpFlagNames = []string{"--mlp-no-init", "--mlp-l2", "--mlp-lrm", "--mlp-epochs", "--mlp-val-metric", "--mlp-batch-size",
	"--mlp-save-prefix", "--mlp-keep-last", "--mlp-dropout", "--mlp-input-dropout", "--mlp-max-norm", "--mlp-average-from", "--mlp-patience", "--mlp-plateau-patience",
	"--mlp-shuffle", "--export-dir", "--mlp-augment"}

// checkNoMLP refuses a flag of the fine-tuning stage given with --no-mlp, which skips that
// stage: the flag would be ignored without a word.
func (a *mlpArgs) checkNoMLP(p *pyargs.Parser) error {
	if !a.stopAfterRB {
		return nil
	}
	for _, name := range mlpFlagNames {
		if p.Changed(name) {
			return p.Errorf(name, "given with --no-mlp, which skips the fine-tuning it configures")
		}
	}
	return nil
}

// rbmMNISTArgs are the flags of the original's examples/rbm_mnist.py.
type rbmMNISTArgs struct {
	runArgs
	stratify                    bool
	nTrain, nVal                int
	dataPath                    string
	nHidden                     int
	wInit                       float64
	vbInit                      bool
	hbInit                      float64
	k                           []int
	lr                          []float64
	epochs, batch               int
	l2                          float64
	sampleV                     bool
	dropout                     float64
	spTarget, spCost, spDamping float64
	seed                        int
	modelDir                    string
	orig                        originalPath
	mlp                         mlpArgs
}

const rbmMNISTEpilog = `Where bm rbm-mnist differs from rbm_mnist.py on purpose:
  --momentum-rule defaults to classical (v <- m*v + lr*g), and --lr then to 0.01: the
      original's rule v <- lr*(m*v + g) makes momentum almost inert, and with classical
      momentum the original's 0.05 degrades the RBM (docs/RESULTS.md).
      --momentum-rule original restores the original's rule and its --lr 0.05.
  --gpu defaults to '' (CPU); give an id to use a GPU.
  --data-path and --model-dirpath default to data/ and models/rbm_mnist/ (the original:
      ../data/ and ../models/rbm_mnist/); MNIST is read from <data-path>/mnist/.
  The fine-tuned MLP restores its best validation epoch's weights unless --mlp-keep-last.
  RBM features are p(h|x) of the data (the original returns p(h|v) after the Gibbs chain).
Schedules (--lr and --n-gibbs-steps lists, momentum) are indexed from their first element at
epoch 1; the original's epoch 1 takes the second (docs: rbm package).
Stages whose model exists are reused and an interrupted RBM resumes when run again; the
fine-tuning stage always runs (again), replacing its logs, predictions and model; its
SavedModel gets a new version only when it differs from the newest one.`

// parser returns the command line of rbm_mnist.py, bound to a.
func (a *rbmMNISTArgs) parser() *pyargs.Parser {
	p := pyargs.New("bm rbm-mnist", "Train a Bernoulli RBM on MNIST (784-1024), then fine-tune an MLP from it and report the test accuracy: the original's examples/rbm_mnist.py.")
	p.Epilog = rbmMNISTEpilog
	a.registerGPU(p)
	a.registerCluster(p)
	p.Int("--n-train", &a.nTrain, 55000, "number of training examples").Metavar("N").Validate(positiveInt(&a.nTrain))
	p.Int("--n-val", &a.nVal, 5000, "number of validation examples").Metavar("N").Validate(nonNegativeInt(&a.nVal))
	p.StoreTrue("--stratify", &a.stratify, "ours: draw the train/validation split so that every class keeps its share; the original shuffles")
	p.String("--data-path", &a.dataPath, "data/", "directory for storing augmented data etc.").Metavar("PATH")
	p.Int("--n-hidden", &a.nHidden, 1024, "number of hidden units").Metavar("N").Validate(positiveInt(&a.nHidden))
	p.Float("--w-init", &a.wInit, 0.01, "initialize weights from zero-centered Gaussian with this standard deviation").Metavar("STD").Validate(positive(&a.wInit))
	p.StoreFalse("--vb-init", &a.vbInit, "initialize visible biases as logit of mean values of features, otherwise to zero")
	p.Float("--hb-init", &a.hbInit, 0, "initial hidden bias").Metavar("HB")
	p.Ints("--n-gibbs-steps", &a.k, []int{1}, "number of Gibbs updates per weights update or sequence of such (per epoch)").Metavar("N").Validate(positiveInts(&a.k))
	p.Floats("--lr", &a.lr, []float64{0.01}, "learning rate or sequence of such (per epoch)").Metavar("LR").Validate(positiveAll(&a.lr))
	p.Int("--epochs", &a.epochs, 120, "number of epochs to train").Metavar("N").Validate(positiveInt(&a.epochs))
	p.Int("--batch-size", &a.batch, 10, "input batch size for training").Metavar("B").Validate(positiveInt(&a.batch))
	p.Float("--l2", &a.l2, 1e-5, "L2 weight decay coefficient").Metavar("L2").Validate(nonNegative(&a.l2))
	p.StoreTrue("--sample-v-states", &a.sampleV, "sample visible states, otherwise use probabilities w/o sampling")
	p.Float("--dropout", &a.dropout, 1, "probability of visible units being on (1: no dropout)").Metavar("P").NoDefault()
	p.Float("--sparsity-target", &a.spTarget, 0.1, "desired probability of hidden activation").Metavar("T")
	p.Float("--sparsity-cost", &a.spCost, 1e-5, "controls the amount of sparsity penalty").Metavar("C")
	p.Float("--sparsity-damping", &a.spDamping, 0.9, "decay rate for hidden activations probs").Metavar("D")
	p.Int("--random-seed", &a.seed, 1337, "random seed for model training").Metavar("N").Validate(nonNegativeInt(&a.seed))
	p.String("--model-dirpath", &a.modelDir, "models/rbm_mnist/", "directory path to save the model").Metavar("DIRPATH")
	a.mlp.register(p, mlpDefaults{lrm: []float64{0.1, 1.0}, prefix: "data/rbm_", l2: 1e-5})
	a.register(p, "with --lr 0.05 by default")
	a.orig.registerRBMPy(p)
	return p
}

func cmdRBMMNIST(args []string) int {
	setLog("rbm-mnist")
	var a rbmMNISTArgs
	p := a.parser()
	if err := p.Parse(args); err != nil {
		return p.Report(err)
	}
	if a.orig.all {
		a.momentumRule = optim.Original
	}
	if a.momentumRule == optim.Original && !p.Changed("--lr") {
		a.lr = []float64{0.05}
	}
	if err := a.orig.resolve(); err != nil {
		return exitStatus("rbm-mnist", err)
	}
	if err := a.mlp.checkNoMLP(p); err != nil {
		return p.Report(err)
	}
	// A per-epoch list longer than the epochs (one more with the original's indexing, whose
	// epoch 1 takes the second value) has values no epoch uses.
	most := a.epochs
	if a.orig.index == "original" {
		most++
	}
	for _, l := range []struct {
		name string
		n    int
	}{{"--lr", len(a.lr)}, {"--n-gibbs-steps", len(a.k)}} {
		if l.n > most {
			return p.Report(p.Errorf(l.name, "%d values for %d epochs: the schedule has one value per epoch", l.n, a.epochs))
		}
	}
	lrm, err := pyargs.Replicate(a.mlp.lrm, 2)
	if err != nil {
		return p.Report(p.Errorf("--mlp-lrm", "%v", err))
	}
	if err := a.cluster.check(a.gpu); err != nil {
		return exitStatus("rbm-mnist", err)
	}
	return exitStatus("rbm-mnist", a.cluster.wrap(runRBMMNIST(&a, lrm)))
}

func runRBMMNIST(a *rbmMNISTArgs, lrm []float64) error {
	target, devices, err := a.cluster.plan()
	if err != nil {
		return err
	}
	dt, err := tfops.ParseDType(a.dtype)
	if err != nil {
		return err
	}
	zero := func(v float64) float64 { return cmp.Or(v, -1) } // an explicit 0 of a field whose zero value is not 0
	p := pipeline.RBMMNIST{DataPath: a.dataPath, NTrain: a.nTrain, NVal: cmp.Or(a.nVal, -1), NHidden: a.nHidden, WInit: a.wInit,
		ZeroVisibleBias: !a.vbInit, HiddenBias: a.hbInit, K: a.k, LR: a.lr, Epochs: a.epochs, BatchSize: a.batch, L2: zero(a.l2),
		SampleVisible: a.sampleV, Keep: a.dropout, SparsityTarget: a.spTarget, SparsityCost: zero(a.spCost), SparsityDamping: a.spDamping,
		Seed: cmp.Or(int64(a.seed), -1), ModelDir: a.modelDir, MomentumRule: a.momentumRule, Original: a.orig.settings(), DType: dt,
		Threads: a.threads, GPU: a.gpu, Target: target, Devices: devices, SplitSeed: defaultSplitSeed, Stratify: a.stratify,
		NoFineTune: a.mlp.stopAfterRB, RandomInitMLP: a.mlp.noInit, NoSavePrefixMLP: a.mlp.savePrefix == "", NoExportMLP: a.mlp.exportDir == "",
		Cluster: cmp.Or(a.cluster.spec, a.cluster.target)}
	if p.MLP, err = a.mlp.settings(lrm, a.runArgs); err != nil {
		return err
	}
	p.MLP.L2 = zero(p.MLP.L2)
	mnist, _ := p.Paths()
	if _, done := p.RBMDone(); !done {
		// The values bm train refused, where the pipeline's zero value stands for a default.
		if a.dropout <= 0 || a.dropout > 1 {
			return usageError{fmt.Sprintf("flag --dropout: %g, want a keep probability in (0, 1]", a.dropout)}
		}
		if !(a.spCost >= 0) || math.IsInf(a.spCost, 0) {
			return usageError{fmt.Sprintf("flag --sparsity-cost: %g, want a finite value ≥ 0", a.spCost)}
		}
	}
	// Every location the fine-tuning reads or writes, checked before the RBM trains.
	if err := checkWritable("--model-dirpath", a.modelDir); err != nil {
		return err
	}
	if !a.mlp.stopAfterRB {
		if err := a.mlp.checkOutputs(); err != nil {
			return err
		}
		if err := checkTestSet(mnist); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	_, err = p.Run(ctx, hooks(a.quiet))
	return err
}

// A stagedFlag is a list flag of one of the original's programs with one value per stage (RBMs,
// DBM, MLP layers); a single value stands for all n stages.
type stagedFlag struct {
	name string
	v    any // *[]int or *[]float64
	n    int
}

// replicateStaged expands every flag's list to its n stages (pyargs.Replicate), or returns the
// usage error naming the first flag whose list does not fit.
func replicateStaged(p *pyargs.Parser, flags ...stagedFlag) error {
	for _, f := range flags {
		var err error
		switch x := f.v.(type) {
		case *[]int:
			*x, err = pyargs.Replicate(*x, f.n)
		case *[]float64:
			*x, err = pyargs.Replicate(*x, f.n)
		}
		if err != nil {
			return p.Errorf(f.name, "%v", err)
		}
	}
	return nil
}
