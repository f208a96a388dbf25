package main

import (
	"github.com/boltzmann-go/boltzmann/internal/pyargs"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// dbmCIFARNaiveArgs is the command line of the original's examples/dbm_cifar_naive.py.
type dbmCIFARNaiveArgs struct{ cifarArgs }

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
	a.registerDBM(p, 1e-11, 4)
	a.mlp.register(p, mlpDefaults{lrm: []float64{0.1, 1.0}, prefix: "data/grbm_naive_", l2: 1e-4, dropout: 0.64})
	a.registerAIS(p, 0, "AIS intermediate distributions for log Z after the DBM (0: none, as the original)")
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
	if err := a.parsed(p); err != nil {
		return p.Report(err)
	}
	return a.run("dbm-cifar-naive", func(s pipeline.CIFARStages) cifarProgram {
		return pipeline.DBMCIFARNaive{CIFARStages: s}
	}, a.aisBetas > 0 || !a.mlp.stopAfterRB)
}
