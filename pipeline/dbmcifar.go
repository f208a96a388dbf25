package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/patches"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// DBMCIFAR is the original's examples/dbm_cifar.py: a 3072-7800-512
// Gaussian-Bernoulli-Multinomial DBM on augmented CIFAR-10 — 26 patch RBMs assembled into the
// Gaussian RBM, a multinomial RBM on its features (cached in half precision), then the DBM —
// and an MLP fine-tuned from the Gaussian RBM. Every stage is reused when trained and resumed
// when interrupted. The zero value of every field is the program's default (bm dbm-cifar's):
// K [1, 1, 1], LR [5e-4, 5e-5, 4e-5], Epochs [64, 33, 100], BatchSize [100, 100, 100], L2
// [1e-3, 0.005, 0], Seeds [1111, 2222, 3333], the run folders "models/grbm_cifar/",
// "models/mrbm_cifar/" and "models/dbm_cifar/"; the MLP's LRM [0.01, 1], OutDropout 0.7,
// patiences 6 and 3, Prefix "data/grbm_".
type DBMCIFAR struct {
	CIFARStages
	// NoAugment trains on the training images alone, without the shifted and mirrored copies.
	NoAugment bool
	// Small are the patch RBMs; their DType, GPU and MomentumRule default to the program's.
	Small PatchRBMs
	// IncreaseKEvery makes the multinomial RBM's k grow by one (and its learning rate shrink)
	// every this many epochs (IncreasingK). Zero means 16; negative: a constant k.
	IncreaseKEvery int
	// MRBMHidden is the multinomial RBM's hidden units. Zero means 512.
	MRBMHidden int
	// SparsityTarget and SparsityCost are the DBM's, per hidden layer. Nil means [0.2, 0.2]
	// and [1e-4, 1e-3].
	SparsityTarget, SparsityCost []float64
}

// withDefaults returns p with every zero field replaced by its default.
func (p DBMCIFAR) withDefaults() DBMCIFAR {
	p.CIFARStages = p.CIFARStages.withDefaults(cifarDefaults{k: []int{1, 1, 1}, epochs: []int{64, 33, 100}, batch: []int{100, 100, 100},
		seeds: []int{1111, 2222, 3333}, lr: []float64{5e-4, 5e-5, 4e-5}, l2: []float64{1e-3, 0.005, 0},
		grbm: "models/grbm_cifar/", mrbm: "models/mrbm_cifar/", dbm: "models/dbm_cifar/",
		mlpLRM: []float64{0.01, 1.0}, mlpDropout: 0.7, mlpPrefix: "data/grbm_", patience: 6, plateau: 3})
	p.IncreaseKEvery, p.MRBMHidden = neg(p.IncreaseKEvery, 16), cmp.Or(p.MRBMHidden, 512)
	p.SparsityTarget, p.SparsityCost = orSlice(p.SparsityTarget, []float64{0.2, 0.2}), orSlice(p.SparsityCost, []float64{1e-4, 1e-3})
	s := &p.Small
	s.DType, s.GPU, s.MomentumRule = cmp.Or(s.DType, p.DType), cmp.Or(s.GPU, p.GPU), cmp.Or(s.MomentumRule, p.MomentumRule)
	s.Threads = cmp.Or(s.Threads, p.Threads)
	*s = s.withDefaults()
	return p
}

// stack returns the DBM's settings (p with defaults).
func (p DBMCIFAR) stack() DBMStack {
	return DBMStack{Hiddens: []int{patches.Count * p.Small.Hidden, p.MRBMHidden}, Visible: "gaussian", Sigma: []float64{1},
		HiddenUnits: []string{"bernoulli", "multinomial"}, Draws: p.MRBMHidden, Groups: 1,
		RBMEpochs: p.Epochs[:2], RBMBatch: p.BatchSize[:2], RBMSeeds: p.Seeds[:2], RBMK: p.K[:2], RBMLR: p.LR[:2], RBML2: p.L2[:2],
		RBMWInit: []float64{0.001, 0.001}, Epochs: p.Epochs[2], BatchSize: p.BatchSize[2], Particles: p.Particles, GibbsSteps: p.K[2],
		MeanFieldSteps: p.MeanFieldSteps, LearningRate: train.Geom(p.LR[2], 1e-6, 100), Momentum: p.dbmMomentum(),
		L2: p.L2[2], NoL2: p.L2[2] == 0, MaxNorm: p.MaxNorm, NoMaxNorm: p.MaxNorm == 0, MeanFieldTol: p.MeanFieldTol,
		NoMeanFieldTol: p.MeanFieldTol == 0, SparsityTarget: p.SparsityTarget, SparsityCost: p.SparsityCost,
		MomentumRule: p.MomentumRule, Seed: int64(p.Seeds[2]), ZeroSeed: p.Seeds[2] == 0, AISBetas: p.AISBetas, NoAIS: p.AISBetas == 0,
		AISRuns: p.AISRuns, DType: p.DType, Threads: p.Threads, GPU: p.GPU, Target: p.Target, Devices: p.Devices}
}

// Dirs returns the CIFAR-10 folder, the model folders of the two RBMs and the DBM's, and the
// DBM's run folder.
func (p DBMCIFAR) Dirs() (cifar string, rbmDirs []string, modelDir, out string) {
	p = p.withDefaults()
	rbmDirs, modelDir = p.dirs()
	return filepath.Join(p.DataPath, "cifar-10-batches-bin"), rbmDirs, modelDir, p.DBMDir
}

// Check reports a setting out of range (see DBMStack.Check) or a data path without CIFAR-10,
// before anything is read or trained.
func (p DBMCIFAR) Check() error {
	p = p.withDefaults()
	if _, err := p.cifarDir(" (make data-cifar)"); err != nil {
		return err
	}
	if err := p.check(); err != nil {
		return err
	}
	return p.stack().Check()
}

// Run runs the program: the data and their caches, the patch RBMs and the Gaussian RBM
// assembled from them, its features, the multinomial RBM, the DBM with its results and, unless
// NoFineTune, the fine-tuning stage.
func (p DBMCIFAR) Run(ctx context.Context, h Hooks) (*DBMProgramResult, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	p = p.withDefaults()
	stack := p.stack()
	cifar, rbmDirs, dir, _ := p.Dirs()
	d, err := LoadCIFARSets(cifar, p.DataPath, p.NTrain, p.NVal, p.NoAugment, h)
	if err != nil {
		return nil, err
	}
	defer d.Close() // runs last: the models that read the training rows are closed before
	h.stageDone("data")
	if p.Particles > d.Train.Rows {
		return nil, fieldErr("Particles", "%d persistent chains, but only %d training rows to start them at", p.Particles, d.Train.Rows)
	}
	val := DataOf(d.Val)
	if d.Val.Rows == 0 {
		val = nil
	}

	grbm, err := p.gaussianRBM(ctx, rbmDirs[0], d, val, h)
	if err != nil {
		return nil, err
	}
	defer grbm.Close()

	// Its features, in half precision, and the multinomial RBM on them.
	feat := &FeatureCache{Dir: p.DataPath, Model: rbmDirs[0]}
	qTrain, closeQ, err := feat.Half("Q_train_cifar.npy", grbm, d.Train, h)
	if err != nil {
		return nil, err
	}
	defer closeQ()
	qVal, err := feat.Float("Q_val_cifar.npy", grbm, d.Val, h)
	if err != nil {
		return nil, err
	}
	h.stageDone("features")
	mc := rbm.Config{NumVisible: stack.Hiddens[0], NumHidden: p.MRBMHidden, DType: p.DType, Seed: int64(p.Seeds[1]),
		Visible: rbm.Bernoulli{}, Hidden: rbm.Multinomial{Draws: p.MRBMHidden, Groups: 1}, WeightStd: 0.001, CDSteps: []int{p.K[1]},
		LearningRate: []float64{p.LR[1]}, Momentum: train.Geom(0.5, 0.9, 8), Epochs: p.Epochs[1], BatchSize: p.BatchSize[1],
		L2: rbm.F(p.L2[1]), SampleVisible: true, SparsityTarget: 0.2, SparsityCost: 1e-4, DBMLast: true,
		Metrics: rbm.Metrics{MSRE: true, PLL: true, FEG: true, TrainEvery: 1000, ValEvery: 2, FEGEvery: 2, FEGBatches: 50},
		Threads: p.Threads, GPU: p.GPU, MomentumRule: p.MomentumRule, Target: p.Target, Devices: p.Devices}
	if p.IncreaseKEvery > 0 {
		mc.CDSteps, mc.LearningRate = IncreasingK(p.K[1], p.LR[1], p.Epochs[1], p.IncreaseKEvery)
	}
	mp := Pretrain{Dir: rbmDirs[1], Config: mc, What: fmt.Sprintf("multinomial RBM (%d→%d)", mc.NumVisible, mc.NumHidden)}
	mrbm, err := mp.Run(ctx, qTrain, DataOf(qVal), h)
	if err != nil {
		return nil, err
	}
	defer mrbm.Close()
	h.stageDone("multinomial RBM")

	// The DBM, its persistent chains started at the first training images, their features and
	// the features' features (G_train_cifar.npy).
	m, err := ResumeDBM(dir, stack.Epochs, p.Target, p.Threads, h)
	if err != nil {
		return nil, err
	}
	if m != nil {
		if err := CheckResume(stack.DBMConfig(), m.Config(), p.Given, m.Epoch(), stack.Epochs); err != nil {
			m.Close()
			return nil, err
		}
	} else {
		n := min(p.Particles, d.Train.Rows)
		q0 := qTrain.SliceRows(0, n).Float32()
		g, err := mrbm.Transform(q0)
		if err != nil {
			return nil, err
		}
		if err := dataset.WriteNPY(filepath.Join(p.DataPath, "G_train_cifar.npy"), g); err != nil {
			return nil, err
		}
		if m, err = dbm.FromRBMs(stack.DBMConfig(), grbm, mrbm); err != nil {
			return nil, DBMConfigError(err)
		}
		if err := m.SetParticles(d.Train.SliceRows(0, n), q0, g); err != nil {
			m.Close()
			return nil, err
		}
	}
	defer m.Close()
	if err := SaveStandardizer(dir, d.Std); err != nil {
		return nil, err
	}
	ld := &Data{Train: d.Train, Val: d.Val, Shape: []int{32, 32, 3}, Std: d.Std}
	fit := FitDBM{Dir: dir, Epochs: stack.Epochs, BatchSize: stack.BatchSize, Shape: ld.Shape}
	if err := fit.Run(ctx, m, tfops.Stream(d.Train), val, h); err != nil {
		return nil, err
	}
	stage, err := stack.Stage(1, rbmDirs, dir, p.DBMDir, cifar)
	if err != nil {
		return nil, err
	}
	stage.Results.BeforeAIS = p.BeforeAIS
	res := &DBMProgramResult{ModelDir: dir}
	if res.Results, err = stage.Results.Run(ctx, m, dir, ld, h); err != nil {
		return nil, err
	}
	h.stageDone("DBM")
	if p.NoFineTune {
		return res, nil
	}

	// Fine-tuning from the Gaussian RBM on the standardized (augmented) training rows, tested
	// on the standardized test set.
	ft, err := p.fineTune(rbmDirs[0], d.Std)
	if err != nil {
		return nil, err
	}
	ft.Stream = true
	if res.FineTune, err = ft.Run(ctx, d.Labeled, h); err != nil {
		return nil, err
	}
	h.stageDone("fine-tuning")
	return res, nil
}

// gaussianRBM returns the Gaussian RBM in dir, assembled from the 26 patch RBMs and trained
// unless it exists, with its standardization and filters.png beside it.
func (p DBMCIFAR) gaussianRBM(ctx context.Context, dir string, d *CIFARSets, val rbm.Data, h Hooks) (*rbm.RBM, error) {
	gc := rbm.Config{NumVisible: patches.ImageSize, NumHidden: patches.Count * p.Small.Hidden, DType: p.DType, Seed: int64(p.Seeds[0]),
		Visible: rbm.Gaussian{Sigma: []float64{1}}, Hidden: rbm.Bernoulli{}, CDSteps: []int{p.K[0]},
		LearningRate: []float64{p.LR[0]}, Momentum: train.Geom(0.5, 0.9, 8), Epochs: p.Epochs[0], BatchSize: p.BatchSize[0],
		L2: rbm.F(p.L2[0]), SampleVisible: true, SparsityTarget: 0.1, SparsityCost: 1e-4, DBMFirst: true,
		Metrics: rbm.Metrics{MSRE: true, FEG: true, TrainEvery: 1000, ValEvery: 1, FEGEvery: 2, FEGBatches: 50},
		Threads: p.Threads, GPU: p.GPU, MomentumRule: p.MomentumRule, Target: p.Target, Devices: p.Devices}
	if !exists(filepath.Join(dir, "model.json")) {
		small, err := p.Small.Run(ctx, d.Train, d.Val, h)
		if err != nil {
			return nil, err
		}
		if gc.InitW, gc.InitVisibleBias, gc.InitHiddenBias, err = AssembleGRBM(small, p.Small.Hidden, p.Small.BlockAverage, h); err != nil {
			return nil, err
		}
		h.stageDone("patch RBMs and assembly")
	}
	gp := Pretrain{Dir: dir, Config: gc, What: fmt.Sprintf("Gaussian RBM (%d→%d)", gc.NumVisible, gc.NumHidden)}
	grbm, err := gp.Run(ctx, tfops.Stream(d.Train), val, h)
	if err != nil {
		return nil, err
	}
	if err := SaveStandardizer(dir, d.Std); err != nil {
		grbm.Close()
		return nil, err
	}
	if err := drawRBMFilters(grbm, filepath.Join(filepath.Dir(dir), "filters.png"), 24); err != nil {
		grbm.Close()
		return nil, err
	}
	h.stageDone("Gaussian RBM")
	return grbm, nil
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
