package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"os"
	"os/signal"
	"time"

	"github.com/boltzmann-go/boltzmann/crbm"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/tfops"
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
	return command("crbm", f.flagSet(), args, func() error {
		c, err := f.config()
		if err != nil {
			return err
		}
		s := pipeline.TrainCRBM{Config: c, Data: f.data, Out: f.out, NTrain: f.nTrain, NVal: cmp.Or(f.nVal, -1), SplitSeed: f.splitSeed,
			ZeroSplitSeed: f.splitSeed == 0, NLabeled: f.nLabeled, Semi: f.semi, Patience: cmp.Or(f.patience, -1), MaxTime: f.maxTime,
			NoExport: !f.export, Fresh: f.fresh, Command: invocation}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		_, err = s.Run(ctx, hooks(f.quiet))
		if ce := (*crbm.ConfigError)(nil); errors.As(err, &ce) {
			return flagErr(ce.Field, "%s", ce.Reason)
		}
		return err
	})
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
