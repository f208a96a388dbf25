package pipeline

import (
	"cmp"
	"context"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/train"
)

// DBMMNIST is the original's examples/dbm_mnist.py: greedy pretraining of two RBMs on MNIST, a
// 784-512-1024 DBM trained jointly (every stage reused when trained, resumed when
// interrupted), log Z by AIS and the test lower bound, then an MLP fine-tuned from the DBM. The
// zero value of every field is the program's default (bm dbm-mnist's).
type DBMMNIST struct {
	// DataPath is the folder holding mnist/. Empty means "data/".
	DataPath string
	// NTrain and NVal are the numbers of training and validation rows. Zero means 59000 and
	// 1000; a negative NVal means none.
	NTrain, NVal int
	// RBM1Dir, RBM2Dir and DBMDir are the run folders of the two RBMs and of the DBM (which
	// also holds results.json and the pictures). Empty means "models/dbm_mnist_rbm1/",
	// "models/dbm_mnist_rbm2/" and "models/dbm_mnist/".
	RBM1Dir, RBM2Dir, DBMDir string
	// Stack is the DBM and how it trains. Its zero value is the program's, but for the DBM's
	// momentum: with Stack.MomentumRule optim.Original and a nil Stack.Momentum, the
	// original's geomspace(0.5, 0.9, 10).
	Stack DBMStack
	// Given are the Stack fields set explicitly: a DBM that resumes must have the same values.
	Given []string
	// BeforeAIS, if set, is called before AIS (DBMResults.BeforeAIS).
	BeforeAIS func(c dbm.Config, runs, steps int) error

	Stratify        bool // a stratified train/validation split (DataSettings.Stratify); the original's shuffle by default
	NoFineTune      bool // stop after the DBM's results
	RandomInitMLP   bool // fine-tune from Glorot draws instead of the DBM's weights
	Augment         bool // fine-tune on each image followed by the DBM's q(h2|x) (AugmentTop)
	NoSavePrefixMLP bool // no MLP predictions, kernels or model folder (MLP.Prefix unused)
	NoExportMLP     bool // no SavedModel (MLP.Export unused)
	// MLP are the fine-tuning settings; its Hidden, OutSeed and Weights come from the DBM.
	// Zero fields take the program's defaults: LRM [0.01, 0.1, 1], L2 1e-5, Prefix
	// "data/dbm_", Export "savedmodels", DType the DBM's.
	MLP FineTune
}

// DBMMNISTResult is what a DBMMNIST run produced.
type DBMMNISTResult = DBMProgramResult

// Dirs returns the MNIST folder, the model folders of the two RBMs and the DBM's.
func (p *DBMMNIST) Dirs() (mnist string, rbmDirs []string, modelDir string) {
	rbm1, rbm2 := cmp.Or(p.RBM1Dir, "models/dbm_mnist_rbm1/"), cmp.Or(p.RBM2Dir, "models/dbm_mnist_rbm2/")
	return filepath.Join(cmp.Or(p.DataPath, "data/"), "mnist"), []string{filepath.Join(rbm1, "model"), filepath.Join(rbm2, "model")},
		filepath.Join(p.out(), "model")
}

func (p *DBMMNIST) out() string { return cmp.Or(p.DBMDir, "models/dbm_mnist/") }

// stack returns the program's DBM settings.
func (p *DBMMNIST) stack() DBMStack {
	s := p.Stack
	if s.MomentumRule == optim.Original && s.Momentum == nil {
		s.Momentum = train.Geom(0.5, 0.9, 10)
	}
	return s
}

// Check reports a setting out of range (DBMStack.Check).
func (p *DBMMNIST) Check() error { return p.stack().Check() }

// Run runs the program: pretraining, the DBM, its results and, unless NoFineTune, the
// fine-tuning stage.
func (p *DBMMNIST) Run(ctx context.Context, h Hooks) (*DBMMNISTResult, error) {
	s := p.stack()
	if err := s.Check(); err != nil {
		return nil, err
	}
	mnist, rbmDirs, modelDir := p.Dirs()
	nTrain, nVal := cmp.Or(p.NTrain, 59000), neg(p.NVal, 1000)
	d, err := LoadData(DataSettings{Path: mnist, NTrain: nTrain, NVal: nVal, SplitSeed: DefaultSplitSeed, Stratify: p.Stratify}, h)
	if err != nil {
		return nil, err
	}
	stage, err := s.Stage(d.Train.Cols, rbmDirs, modelDir, p.out(), mnist)
	if err != nil {
		return nil, err
	}
	stage.Given, stage.Results.BeforeAIS = p.Given, p.BeforeAIS
	res := &DBMMNISTResult{ModelDir: modelDir}
	if res.Results, err = stage.Run(ctx, d, h); err != nil {
		return nil, err
	}
	if p.NoFineTune {
		return res, nil
	}
	load := LoadLabeled
	if p.Stratify {
		load = LoadLabeledStratified
	}
	ld, err := load(mnist, nTrain, nVal, DefaultSplitSeed)
	if err != nil {
		return nil, err
	}
	ft, err := p.FineTune(modelDir)
	if err != nil {
		return nil, err
	}
	if p.Augment {
		var m *dbm.DBM
		if ld, ft.Hidden, m, err = AugmentTop(modelDir, ld, ft.Hidden, h); err != nil {
			return nil, err
		}
		defer m.Close()
		ft.Featurer, ft.RawInputs = m, m.Config().Sizes[0]
	}
	res.FineTune, err = ft.Run(ctx, ld, h)
	return res, err
}

// FineTune returns the fine-tuning stage of the program, started at the DBM in modelDir.
func (p *DBMMNIST) FineTune(modelDir string) (*FineTune, error) {
	return startFineTune(modelDir, p.MLP, mlpDefaults{lrm: []float64{0.01, 0.1, 1}, l2: 1e-5, prefix: "data/dbm_", noPrefix: p.NoSavePrefixMLP,
		noExport: p.NoExportMLP, dtype: p.Stack.DType, random: p.RandomInitMLP})
}
