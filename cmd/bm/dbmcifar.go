package main

import (
	"cmp"

	"github.com/boltzmann-go/boltzmann/internal/memstat"
	"github.com/boltzmann-go/boltzmann/internal/pyargs"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// dbmCIFARArgs is the command line of the original's examples/dbm_cifar.py (triples are the
// Gaussian RBM, the multinomial RBM and the DBM; a single value is replicated).
type dbmCIFARArgs struct {
	cifarArgs
	noAug                                bool
	smallLR                              []float64
	smallEpochs, smallBatch, smallHidden int
	smallL2, smallSpTarget, smallSpCost  float64
	smallSeed, smallJobs                 int
	smallPrefix                          string
	smallBlockAverage                    bool
	every                                int
	mrbmHidden                           int
	spDamping                            float64
	spTarget, spCost                     []float64
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
	a.registerDBM(p, 1e-11, 4)
	p.Floats("--sparsity-target", &a.spTarget, []float64{0.2, 0.2}, "desired probability of hidden activation").Metavar("T")
	p.Floats("--sparsity-cost", &a.spCost, []float64{1e-4, 1e-3}, "controls the amount of sparsity penalty").Metavar("C")
	p.Float("--sparsity-damping", &a.spDamping, 0.9, "decay rate for hidden activations probs").Metavar("D")
	a.mlp.register(p, mlpDefaults{lrm: []float64{0.01, 1.0}, prefix: "data/grbm_", l2: 1e-4, dropout: 0.7, patience: 6, plateau: 3})
	a.registerAIS(p, 0, "AIS intermediate distributions for log Z after the DBM (0: none, as the original)")
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
	if err := a.parsed(p, stagedFlag{"--sparsity-target", &a.spTarget, 2}, stagedFlag{"--sparsity-cost", &a.spCost, 2}); err != nil {
		return p.Report(err)
	}
	if a.spDamping != 0.9 {
		return p.Report(p.Errorf("--sparsity-damping", "only the original's 0.9 is supported by the DBM"))
	}
	memstat.StartSampler() // dbm-cifar logs its stages' sampled peaks (stageMemory)
	return a.run("dbm-cifar", func(s pipeline.CIFARStages) cifarProgram {
		return pipeline.DBMCIFAR{CIFARStages: s, NoAugment: a.noAug, IncreaseKEvery: cmp.Or(a.every, -1), MRBMHidden: a.mrbmHidden,
			SparsityTarget: a.spTarget, SparsityCost: a.spCost,
			Small: pipeline.PatchRBMs{LR: a.smallLR, Epochs: a.smallEpochs, BatchSize: a.smallBatch, Hidden: a.smallHidden, L2: cmp.Or(a.smallL2, -1),
				SparsityTarget: a.smallSpTarget, SparsityCost: cmp.Or(a.smallSpCost, -1), Seed: cmp.Or(int64(a.smallSeed), -1), Prefix: a.smallPrefix,
				Jobs: a.smallJobs, BlockAverage: a.smallBlockAverage}}
	}, a.aisBetas > 0)
}
