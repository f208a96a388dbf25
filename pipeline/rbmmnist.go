package pipeline

import (
	"cmp"
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// RBMMNIST is the original's examples/rbm_mnist.py: a Bernoulli RBM (784-1024) trained on MNIST
// (TrainRBM: reused when trained, resumed when interrupted), then an MLP fine-tuned from it
// (FineTune) and its test accuracy. The zero value of every field is the program's default
// (bm rbm-mnist's); where zero is a valid value but not the default, a negative value stands
// for zero.
type RBMMNIST struct {
	// DataPath is the folder holding mnist/. Empty means "data/".
	DataPath string
	// NTrain and NVal are the numbers of training and validation rows. Zero means 55000 and
	// 5000.
	NTrain, NVal int
	// NHidden is the number of hidden units. Zero means 1024.
	NHidden int
	// WInit is the std of the initial weights. Zero means 0.01.
	WInit float64
	// ZeroVisibleBias starts the visible biases at zero instead of the logit of the training
	// means.
	ZeroVisibleBias bool
	// HiddenBias is the initial hidden bias.
	HiddenBias float64
	// K is the number of Gibbs steps per update, or one per epoch. Nil means [1].
	K []int
	// LR is the learning rate, or one per epoch. Nil means [0.01], or [0.05] with the
	// original's momentum rule.
	LR []float64
	// Epochs is the number of epochs. Zero means 120.
	Epochs int
	// BatchSize is the minibatch size. Zero means 10.
	BatchSize int
	// L2 is the weight decay. Zero means 1e-5.
	L2 float64
	// SampleVisible samples visible states in the chain instead of using their means.
	SampleVisible bool
	// Keep is the probability that a visible input is kept (the original's --dropout). Zero
	// means 1: no dropout.
	Keep float64
	// SparsityTarget and SparsityDamping: zero means 0.1 and 0.9.
	SparsityTarget, SparsityDamping float64
	// SparsityCost is the weight of the sparsity penalty. Zero means 1e-5.
	SparsityCost float64
	// Seed seeds the RBM. Zero means 1337.
	Seed int64
	// ModelDir is the RBM's run folder. Empty means "models/rbm_mnist/".
	ModelDir string
	// MomentumRule is optim.Classical (also "") or optim.Original.
	MomentumRule string
	// Original selects points of the original's code path (AsOriginal: all of them).
	Original Original
	// DType is the float type. Zero means tf.Float.
	DType tf.DataType
	// Threads, GPU, Target and Devices say where the RBM runs (see rbm.Config); the MLP runs
	// where MLP says.
	Threads         int
	GPU, Target     string
	Devices         []string
	Cluster         string // names the cluster of Target in log lines
	SplitSeed       uint64 // the train/validation shuffle's seed; zero means DefaultSplitSeed
	Stratify        bool   // a stratified train/validation split (DataSettings.Stratify); the original's shuffle by default
	NoFineTune      bool   // stop after the RBM
	RandomInitMLP   bool   // fine-tune from Glorot draws instead of the RBM's weights
	NoSavePrefixMLP bool   // no MLP predictions, kernels or model folder (MLP.Prefix unused)
	NoExportMLP     bool   // no SavedModel (MLP.Export unused)
	// MLP are the fine-tuning settings; its Hidden, OutSeed and Weights come from the RBM.
	// Zero fields take the program's defaults: LRM [0.1, 1], L2 1e-5, Prefix "data/rbm_",
	// Export "savedmodels", DType the RBM's.
	MLP FineTune
}

// RBMMNISTResult is what an RBMMNIST run produced.
type RBMMNISTResult struct {
	// ModelDir is the RBM's model folder.
	ModelDir string
	// FineTune is the fine-tuning's result (nil with NoFineTune).
	FineTune *FineTuneResult
}

// neg maps the "negative means zero" convention: v if positive, def if zero, 0 if negative.
func neg[T int | int64 | float64](v, def T) T {
	if v < 0 {
		return 0
	}
	return cmp.Or(v, def)
}

func (p *RBMMNIST) modelDir() string { return cmp.Or(p.ModelDir, "models/rbm_mnist/") }

// Paths returns the MNIST folder and the RBM's model folder.
func (p *RBMMNIST) Paths() (mnist, modelDir string) {
	return filepath.Join(cmp.Or(p.DataPath, "data/"), "mnist"), filepath.Join(p.modelDir(), "model")
}

// defaultMomentum is bm train's momentum schedule, geom:0.5,0.9,8 as the original.
var defaultMomentum = []float64{0.5, 0.5438, 0.5914, 0.6432, 0.6996, 0.7609, 0.8275, 0.9}

// Config returns the RBM's configuration for training data d. A setting out of range is a
// *FieldError.
func (p *RBMMNIST) Config(d *Data) (rbm.Config, error) {
	c := rbm.Config{Visible: rbm.Bernoulli{}, Hidden: rbm.Bernoulli{}, DType: cmp.Or(p.DType, tf.Float)}
	if h := p.HiddenBias; math.IsNaN(h) || math.IsInf(h, 0) {
		return c, fieldErr("HiddenBias", "%g, want a finite value", h)
	}
	if _, err := tfops.ConfigProto(&tfops.Options{GPU: p.GPU}); err != nil {
		return c, fieldErr("GPU", "%v", err)
	}
	_, c.NumVisible = d.TrainShape()
	c.NumHidden, c.Seed = cmp.Or(p.NHidden, 1024), neg(p.Seed, 1337)
	c.WeightStd, c.InitHiddenBias = cmp.Or(p.WInit, 0.01), []float64{p.HiddenBias}
	if !p.ZeroVisibleBias {
		c.InitVisibleBias = LogitMean(d)
	}
	lr := p.LR
	if lr == nil {
		lr = []float64{0.01}
		if p.MomentumRule == optim.Original {
			lr = []float64{0.05}
		}
	}
	c.CDSteps, c.LearningRate, c.Momentum = Schedule(p.Original, orSlice(p.K, []int{1})), Schedule(p.Original, lr), Schedule(p.Original, defaultMomentum)
	c.MomentumRule = cmp.Or(p.MomentumRule, optim.Classical)
	c.Epochs, c.BatchSize, c.L2 = cmp.Or(p.Epochs, 120), cmp.Or(p.BatchSize, 10), rbm.F(neg(p.L2, 1e-5))
	c.SampleVisible, c.Keep = p.SampleVisible, cmp.Or(p.Keep, 1)
	c.SparsityTarget, c.SparsityCost, c.SparsityDamping = cmp.Or(p.SparsityTarget, 0.1), neg(p.SparsityCost, 1e-5), cmp.Or(p.SparsityDamping, 0.9)
	c.UpdatesPerRun = 10
	p.Original.RBM(&c)
	m := &c.Metrics
	m.TrainEvery, m.ValEvery, m.FEGEvery, m.FEGBatches = 1000, 2, 4, 50
	m.MSRE, m.PLL, m.FEG, m.Hidden = true, true, true, true
	c.Threads, c.GPU, c.Target, c.Devices = p.Threads, p.GPU, p.Target, p.Devices
	if err := c.Validate(); err != nil {
		var ce *rbm.ConfigError
		if errors.As(err, &ce) {
			field, _, _ := strings.Cut(ce.Field, "[")
			if f, ok := rbmMNISTFields[field]; ok {
				return c, fieldErr(f, "%v", err)
			}
		}
		return c, err
	}
	return c, nil
}

// rbmMNISTFields maps rbm.Config fields to the RBMMNIST fields that set them.
var rbmMNISTFields = map[string]string{
	"NumHidden": "NHidden", "WeightStd": "WInit", "CDSteps": "K", "LearningRate": "LR", "Epochs": "Epochs", "BatchSize": "BatchSize",
	"L2": "L2", "Keep": "Keep", "SparsityTarget": "SparsityTarget", "SparsityCost": "SparsityCost",
	"SparsityDamping": "SparsityDamping", "DType": "DType", "MomentumRule": "MomentumRule", "InitHiddenBias": "HiddenBias",
	"Threads": "Threads", "GPU": "GPU",
}

// LogitMean returns the logit of each training column's mean (the original's visible-bias
// initialisation), from pixels or floats alike.
func LogitMean(d *Data) []float64 {
	if d.Pixels != nil {
		return dataset.Logit(d.Pixels.Mean())
	}
	return dataset.LogitMean(d.Train)
}

// FineTune returns the fine-tuning stage of the program, started at the RBM in modelDir.
func (p *RBMMNIST) FineTune(modelDir string) (*FineTune, error) {
	return startFineTune(modelDir, p.MLP, mlpDefaults{lrm: []float64{0.1, 1}, l2: 1e-5, prefix: "data/rbm_", noPrefix: p.NoSavePrefixMLP,
		noExport: p.NoExportMLP, dtype: p.DType, random: p.RandomInitMLP})
}

// RBMDone reports whether the RBM stage is done, and then the head of its model: the model is
// trained and its pictures are drawn (a run killed between the two draws them when run again).
func (p *RBMMNIST) RBMDone() (ModelHead, bool) {
	_, modelDir := p.Paths()
	pictures := exists(filepath.Join(p.modelDir(), "filters.png")) && exists(filepath.Join(p.modelDir(), "samples.png"))
	head, err := ReadHead(modelDir)
	return head, err == nil && head.Epoch >= cmp.Or(p.Epochs, 120) && pictures
}

// Run runs the program: the RBM stage (reused when its model is trained and its pictures
// drawn), then, unless NoFineTune, the fine-tuning stage.
func (p *RBMMNIST) Run(ctx context.Context, h Hooks) (*RBMMNISTResult, error) {
	mnist, modelDir := p.Paths()
	res := &RBMMNISTResult{ModelDir: modelDir}
	nVal := neg(p.NVal, 5000)
	split := cmp.Or(p.SplitSeed, DefaultSplitSeed)
	if head, ok := p.RBMDone(); ok {
		h.logf("RBM: using the trained model in %s (%d epochs)", modelDir, head.Epoch)
	} else {
		d, err := LoadData(DataSettings{Path: mnist, NTrain: cmp.Or(p.NTrain, 55000), NVal: nVal, SplitSeed: split, Stratify: p.Stratify, Pixels: true}, h)
		if err != nil {
			return nil, err
		}
		c, err := p.Config(d)
		if err != nil {
			return nil, err
		}
		s := TrainRBM{Config: c, Out: p.modelDir(), StartOver: "use -fresh to start over", Cluster: p.Cluster}
		if err := s.Run(ctx, d, h); err != nil {
			return nil, err
		}
	}
	if p.NoFineTune {
		return res, nil
	}
	load := LoadLabeled
	if p.Stratify {
		load = LoadLabeledStratified
	}
	d, err := load(mnist, cmp.Or(p.NTrain, 55000), nVal, split)
	if err != nil {
		return nil, err
	}
	ft, err := p.FineTune(modelDir)
	if err != nil {
		return nil, err
	}
	res.FineTune, err = ft.Run(ctx, d, h)
	return res, err
}
