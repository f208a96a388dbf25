package pipeline

import (
	"context"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/train"
)

// DBMCIFARNaive is the original's examples/dbm_cifar_naive.py: a 3072-5000-1000
// Gaussian-Bernoulli-Multinomial DBM on smoothed CIFAR-10 (a Gaussian RBM, a multinomial RBM,
// then the DBM), and an MLP fine-tuned from the Gaussian RBM. Every stage is reused when
// trained and resumed when interrupted. The zero value of every field is the program's default
// (bm dbm-cifar-naive's): K [1, 1, 1], LR [5e-4, 1e-4, 8e-5], Epochs [120, 180, 1500], BatchSize
// [100, 100, 100], L2 [0.01, 0.05, 1e-8], Seeds [1337, 1111, 2222] (the multinomial RBM's seed
// is the original's hard-coded 1337 whatever Seeds[1] says), the run folders
// "models/grbm_cifar_naive/", "models/mrbm_cifar_naive/" and "models/dbm_cifar_naive/"; the
// MLP's LRM [0.1, 1], OutDropout 0.64, Prefix "data/grbm_naive_".
type DBMCIFARNaive struct {
	CIFARStages
}

// withDefaults returns p with every zero field replaced by its default.
func (p DBMCIFARNaive) withDefaults() DBMCIFARNaive {
	p.CIFARStages = p.CIFARStages.withDefaults(cifarDefaults{k: []int{1, 1, 1}, epochs: []int{120, 180, 1500}, batch: []int{100, 100, 100},
		seeds: []int{1337, 1111, 2222}, lr: []float64{5e-4, 1e-4, 8e-5}, l2: []float64{0.01, 0.05, 1e-8},
		grbm: "models/grbm_cifar_naive/", mrbm: "models/mrbm_cifar_naive/", dbm: "models/dbm_cifar_naive/",
		mlpLRM: []float64{0.1, 1.0}, mlpDropout: 0.64, mlpPrefix: "data/grbm_naive_"})
	return p
}

// stack returns the program's DBM settings (p with defaults).
func (p DBMCIFARNaive) stack() DBMStack {
	return DBMStack{Hiddens: []int{5000, 1000}, Visible: "gaussian", Sigma: []float64{1}, HiddenUnits: []string{"bernoulli", "multinomial"},
		Draws: 1000, Groups: 1, RBMEpochs: p.Epochs[:2], RBMBatch: p.BatchSize[:2], RBMK: p.K[:2],
		RBMSeeds: []int{p.Seeds[0], 1337}, // the M-RBM's seed is hard-coded in the original
		RBMLR:    p.LR[:2], RBML2: p.L2[:2], RBMWInit: []float64{0.0008, 0.01}, RBMSampleVisible: []int{1, 0}, RBMMomentum: train.Geom(0.5, 0.9, 8),
		ConstantK: true, Epochs: p.Epochs[2], BatchSize: p.BatchSize[2], Particles: p.Particles, GibbsSteps: p.K[2], MeanFieldSteps: p.MeanFieldSteps,
		LearningRate: train.Geom(p.LR[2], 1e-5, 1500), Momentum: p.dbmMomentum(), L2: p.L2[2], NoL2: p.L2[2] == 0, MaxNorm: p.MaxNorm,
		NoMaxNorm: p.MaxNorm == 0, MeanFieldTol: p.MeanFieldTol, NoMeanFieldTol: p.MeanFieldTol == 0, Seed: int64(p.Seeds[2]), ZeroSeed: p.Seeds[2] == 0,
		SparsityTarget: []float64{0.1, 0.1}, SparsityCost: []float64{0, 0}, MomentumRule: p.MomentumRule, AISBetas: p.AISBetas,
		NoAIS: p.AISBetas == 0, AISRuns: p.AISRuns, DType: p.DType, Threads: p.Threads, GPU: p.GPU, Target: p.Target, Devices: p.Devices}
}

// Dirs returns the CIFAR-10 folder, the model folders of the two RBMs and the DBM's, and the
// DBM's run folder.
func (p DBMCIFARNaive) Dirs() (cifar string, rbmDirs []string, modelDir, out string) {
	p = p.withDefaults()
	rbmDirs, modelDir = p.dirs()
	return filepath.Join(p.DataPath, "cifar-10-batches-bin"), rbmDirs, modelDir, p.DBMDir
}

// Check reports a setting out of range (see DBMStack.Check) or a data path without CIFAR-10,
// before anything is read or trained.
func (p DBMCIFARNaive) Check() error {
	p = p.withDefaults()
	if _, err := p.cifarDir(""); err != nil {
		return err
	}
	if err := p.check(); err != nil {
		return err
	}
	return p.stack().Check()
}

// Run runs the program: the data smoothed and standardized (cached in DataPath as X_s.npy,
// X_s_mean.npy and X_s_std.npy), pretraining, the DBM with its results and, unless NoFineTune,
// the fine-tuning stage.
func (p DBMCIFARNaive) Run(ctx context.Context, h Hooks) (*DBMProgramResult, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	p = p.withDefaults()
	cifar, rbmDirs, dir, out := p.Dirs()
	data, err := LoadData(DataSettings{Path: cifar, NTrain: p.NTrain, NVal: p.NVal, SplitSeed: DefaultSplitSeed}, h)
	if err != nil {
		return nil, err
	}
	prep := &smoothCache{dir: p.DataPath}
	data.Shape = []int{32, 32, 3}
	if data.Train, err = prep.smooth(data.Train, h); err != nil {
		return nil, err
	}
	if err := prep.standardize(data.Train, data.Val); err != nil {
		return nil, err
	}
	data.Std = prep.std
	stage, err := p.stack().Stage(data.Train.Cols, rbmDirs, dir, out, cifar)
	if err != nil {
		return nil, err
	}
	stage.Given, stage.PretrainOnTrain, stage.Results.BeforeAIS = p.Given, true, p.BeforeAIS
	res := &DBMProgramResult{ModelDir: dir}
	if res.Results, err = stage.Run(ctx, data, h); err != nil {
		return nil, err
	}
	if p.NoFineTune {
		return res, nil
	}
	// Fine-tuning from the Gaussian RBM on the smoothed, standardized training rows; validation
	// and test rows standardized with the smoothed training set's statistics.
	d, err := LoadLabeled(cifar, p.NTrain, p.NVal, DefaultSplitSeed)
	if err != nil {
		return nil, err
	}
	if d.Train, err = prep.smooth(d.Train, h); err != nil {
		return nil, err
	}
	if err := prep.standardize(d.Train, d.Val, d.Test); err != nil {
		return nil, err
	}
	ft, err := p.fineTune(rbmDirs[0], prep.std)
	if err != nil {
		return nil, err
	}
	res.FineTune, err = ft.Run(ctx, d, h)
	return res, err
}
