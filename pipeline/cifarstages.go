package pipeline

import (
	"cmp"
	"fmt"
	"path/filepath"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/train"
)

// CIFARStages are the settings the original's two CIFAR programs (DBMCIFAR, DBMCIFARNaive)
// share: a Gaussian RBM, a multinomial RBM on its features, the DBM made of the two, and an
// MLP fine-tuned from the Gaussian RBM. The per-stage lists hold one value per model: the
// Gaussian RBM, the multinomial RBM, the DBM. The zero value of every field is the program's
// default; a negative NVal means none.
type CIFARStages struct {
	// DataPath is the folder holding cifar-10-batches-bin/ (the binary version of CIFAR-10)
	// and the caches. Empty means "data/".
	DataPath string
	// NTrain and NVal are the numbers of training and validation rows. Zero means 49000 and
	// 1000.
	NTrain, NVal int
	// GRBMDir, MRBMDir and DBMDir are the run folders of the Gaussian RBM, the multinomial RBM
	// and the DBM (which also holds results.json and the pictures); each model is in model/.
	GRBMDir, MRBMDir, DBMDir string
	// K, Epochs, BatchSize and Seeds are the Gibbs steps, epochs, batch sizes and seeds of the
	// three models.
	K, Epochs, BatchSize, Seeds []int
	// LR and L2 are their (initial) learning rates and L2 weight decays.
	LR, L2 []float64
	// Particles and MeanFieldSteps are the DBM's persistent chains and most mean-field sweeps
	// per update. Zero means 100 and 50.
	Particles, MeanFieldSteps int
	// MeanFieldTol and MaxNorm are the DBM's. Zero means 1e-11 and 4; NoMeanFieldTol and
	// NoMaxNorm set them to 0 (every mean-field sweep, no norm limit).
	MeanFieldTol, MaxNorm     float64
	NoMeanFieldTol, NoMaxNorm bool
	// AISBetas > 0 estimates log Z after the DBM with that many intermediate distributions
	// (the original does not) and AISRuns runs (zero: 100).
	AISBetas, AISRuns int
	// MomentumRule is the models' momentum rule: optim.Classical (also "") or optim.Original,
	// which also gives the DBM the original's momentum geomspace(0.5, 0.9, 10) instead of none.
	MomentumRule string
	// DType is the float type. Zero means tf.Float.
	DType tf.DataType
	// Threads, GPU, Target and Devices say where the models run (Devices: the cluster tasks
	// the RBMs' updates and AIS are shared among).
	Threads     int
	GPU, Target string
	Devices     []string
	// Given are the DBM's configuration fields set explicitly: a DBM that resumes must have
	// the same values (CheckResume).
	Given []string
	// BeforeAIS, if set, is called before AIS (DBMResults.BeforeAIS).
	BeforeAIS func(c dbm.Config, runs, steps int) error

	NoFineTune      bool // stop after the DBM
	RandomInitMLP   bool // fine-tune from Glorot draws instead of the Gaussian RBM's weights
	NoSavePrefixMLP bool // no MLP predictions, kernels or model folder (MLP.Prefix unused)
	NoExportMLP     bool // no SavedModel (MLP.Export unused)
	// MLP are the fine-tuning settings; its Hidden, OutSeed and Weights come from the Gaussian
	// RBM, and it has ReLUs, batch normalization and dropout before the output layer alone
	// (MLP.Dropout is not used). Zero fields take the program's defaults (LRM, L2 1e-4,
	// OutDropout, Prefix, Export "savedmodels", DType and placement the program's); a
	// negative L2 or OutDropout means 0.
	MLP FineTune

	mlp mlpDefaults // the program's fine-tuning defaults (withDefaults)
}

// cifarDefaults are the defaults in which the two CIFAR programs differ.
type cifarDefaults struct {
	k, epochs, batch, seeds []int
	lr, l2                  []float64
	grbm, mrbm, dbm         string
	mlpLRM                  []float64
	mlpDropout              float64
	mlpPrefix               string
	patience, plateau       int // 0: FineTune's
}

// withDefaults returns s with every zero field replaced by its default in d.
func (s CIFARStages) withDefaults(d cifarDefaults) CIFARStages {
	s.DataPath = cmp.Or(s.DataPath, "data/")
	s.NTrain, s.NVal = cmp.Or(s.NTrain, 49000), neg(s.NVal, 1000)
	s.GRBMDir, s.MRBMDir, s.DBMDir = cmp.Or(s.GRBMDir, d.grbm), cmp.Or(s.MRBMDir, d.mrbm), cmp.Or(s.DBMDir, d.dbm)
	s.K, s.Epochs, s.BatchSize, s.Seeds = orSlice(s.K, d.k), orSlice(s.Epochs, d.epochs), orSlice(s.BatchSize, d.batch), orSlice(s.Seeds, d.seeds)
	s.LR, s.L2 = orSlice(s.LR, d.lr), orSlice(s.L2, d.l2)
	s.Particles, s.MeanFieldSteps = cmp.Or(s.Particles, 100), cmp.Or(s.MeanFieldSteps, 50)
	s.MeanFieldTol, s.MaxNorm = orZero(cmp.Or(s.MeanFieldTol, 1e-11), s.NoMeanFieldTol), orZero(cmp.Or(s.MaxNorm, 4), s.NoMaxNorm)
	s.AISRuns = cmp.Or(s.AISRuns, 100)
	s.MomentumRule = cmp.Or(s.MomentumRule, optim.Classical)
	s.DType = cmp.Or(s.DType, tf.Float)
	m := &s.MLP
	m.OutDropout, m.Patience, m.PlateauPatience = neg(m.OutDropout, d.mlpDropout), cmp.Or(m.Patience, d.patience), cmp.Or(m.PlateauPatience, d.plateau)
	m.GPU, m.Target, m.Threads = cmp.Or(m.GPU, s.GPU), cmp.Or(m.Target, s.Target), cmp.Or(m.Threads, s.Threads)
	s.mlp = mlpDefaults{lrm: d.mlpLRM, l2: 1e-4, prefix: d.mlpPrefix, noPrefix: s.NoSavePrefixMLP, noExport: s.NoExportMLP, dtype: s.DType,
		random: s.RandomInitMLP}
	return s
}

// check reports a per-stage list of s (with defaults) that has not one value per model.
func (s CIFARStages) check() error {
	for _, l := range []struct {
		field string
		n     int
	}{{"K", len(s.K)}, {"Epochs", len(s.Epochs)}, {"BatchSize", len(s.BatchSize)}, {"Seeds", len(s.Seeds)}, {"LR", len(s.LR)}, {"L2", len(s.L2)}} {
		if l.n != 3 {
			return fieldErr(l.field, "%d values, want 3 (the Gaussian RBM, the multinomial RBM, the DBM)", l.n)
		}
	}
	return nil
}

// cifarDir returns the CIFAR-10 folder under the data path, or an error saying how to get it.
func (s CIFARStages) cifarDir(how string) (string, error) {
	cifar := filepath.Join(s.DataPath, "cifar-10-batches-bin")
	if !IsCIFAR(cifar) {
		return "", fmt.Errorf("%s holds no CIFAR-10 binary batches (data_batch_1.bin …): download the binary version of CIFAR-10 and unpack it there%s", cifar, how)
	}
	return cifar, nil
}

// dirs returns the model folders of the two RBMs and of the DBM.
func (s CIFARStages) dirs() (rbmDirs []string, modelDir string) {
	return []string{filepath.Join(s.GRBMDir, "model"), filepath.Join(s.MRBMDir, "model")}, filepath.Join(s.DBMDir, "model")
}

// dbmMomentum is the DBM's momentum: none, or the original's with its momentum rule.
func (s CIFARStages) dbmMomentum() []float64 {
	if s.MomentumRule == optim.Original {
		return train.Geom(0.5, 0.9, 10)
	}
	return []float64{0}
}

// fineTune returns the fine-tuning stage started at the Gaussian RBM in grbmDir (s with
// defaults).
func (s CIFARStages) fineTune(grbmDir string, std *dataset.Standardizer) (*FineTune, error) {
	ft, err := startFineTune(grbmDir, s.MLP, s.mlp)
	if err != nil {
		return nil, err
	}
	// Dense(hidden) → BatchNormalization → ReLU → Dropout → Dense(10) → softmax.
	ft.ReLU, ft.BatchNorm, ft.Dropout = true, true, 0
	ft.Hidden[0].Seed, ft.OutSeed = 3333, 5555 // the original's glorot seeds of its CIFAR MLPs
	ft.Std = std
	return ft, nil
}

// DBMProgramResult is what a DBM program of the original produced.
type DBMProgramResult struct {
	// ModelDir is the DBM's model folder.
	ModelDir string
	// Results is what results.json holds: log Z, the bounds, dead and saturated units.
	Results map[string]any
	// FineTune is the fine-tuning's result (nil without fine-tuning).
	FineTune *FineTuneResult
}
