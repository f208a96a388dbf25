package rbm

import (
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// Config describes an RBM and how it trains. Its zero value, apart from NumVisible (the data's
// columns, which has no default), is the original project's default model: a Bernoulli-Bernoulli
// RBM with 256 hidden units, trained by CD-1 with learning rate 0.01, momentum 0.9, L2 1e-4 and
// batches of 10 for 10 epochs. Every other field's comment gives the default that its zero value
// stands for.
type Config struct {
	// Visible and Hidden are the unit types. Nil means Bernoulli.
	Visible, Hidden Unit
	// NumVisible is the number of visible units: the number of columns of the data. It must be
	// set (zero is an error, not MNIST's 784: the model is built before it sees data).
	NumVisible int
	// NumHidden is the number of hidden units. Zero means 256.
	NumHidden int
	// DType is tf.Float (float32) or tf.Double (float64). Zero means tf.Float.
	DType tf.DataType
	// Seed determines every random number: initial weights, minibatch order, Gibbs sampling,
	// dropout masks and metric estimates. The same seed gives the same weights, bit for bit.
	Seed int64

	// WeightStd is the standard deviation of the zero-mean Gaussian initial weights. Zero means 0.01.
	WeightStd float64
	// InitW, if set, holds the initial weights, NumVisible×NumHidden, row-major; it overrides WeightStd.
	InitW []float64
	// InitVisibleBias and InitHiddenBias hold one value (for every unit) or one per unit.
	// Nil means zeros. LogitMean gives the original's visible-bias initialization.
	InitVisibleBias, InitHiddenBias []float64

	// Epochs is the last epoch to train (the original's max_epoch). Zero means 10.
	Epochs int
	// BatchSize is the minibatch size; the last minibatch of an epoch may be smaller. Zero means 10.
	BatchSize int
	// CDSteps is k of CD-k (or the Gibbs steps per PCD update), a per-epoch schedule: epoch e
	// uses CDSteps[min(e−1, len−1)], so one value holds for every epoch and a short schedule
	// keeps its last value. Nil means [1].
	CDSteps []int
	// LearningRate is one value or one per epoch, indexed as CDSteps. Nil means [0.01], or [0.001]
	// when the visible units are Gaussian (as the original's GaussianRBM).
	LearningRate []float64
	// Momentum is one value or one per epoch, indexed as CDSteps. Nil means [0.9].
	Momentum []float64
	// MomentumRule is optim.Classical (the default, also "") or optim.Original, the original
	// project's Δ ← lr·(momentum·Δ + g), to reproduce its runs.
	MomentumRule string `json:",omitempty"`
	// L2 is the weight-decay coefficient λ (the gradient gains −λW). Nil means 1e-4.
	L2 *float64
	// Persistent selects PCD (Tieleman 2008): BatchSize persistent chains instead of chains
	// started at the data. Default false (CD). It is the short form of Method: PCD{}.
	Persistent bool
	// Method is the training method (see Method): CD{}, PCD{}, Tempering{…} or a registered
	// one. Nil means PCD{} with Persistent, else CD{}.
	Method Method `json:"-"`
	// SampleVisible makes the chain sample visible states; otherwise it uses their means.
	// Default false.
	SampleVisible bool
	// HiddenMeans makes the chain use hidden probabilities instead of sampled hidden states
	// (the original's sample_h_states=False). Default false: hidden states are sampled.
	HiddenMeans bool
	// Centering is the rate ν of the centering trick (Montavon & Müller 2012; see
	// optim.Centering): the weight gradient uses statistics centered at offsets — the data mean
	// for the visible units, running averages of the hidden means with rate ν for the hidden
	// ones — and the bias directions follow. Zero: no centering. Binary or discrete units only.
	Centering float64 `json:",omitempty"`
	// Keep is the probability that a visible input is kept during training (dropout with drop
	// probability 1 − Keep; kept inputs are scaled by 1/Keep). Zero means 1: no dropout. (The
	// other packages' Dropout fields, mlp.Layer.Dropout, are drop probabilities; model.json
	// stores Keep under its former name, "Dropout", so files of every version load alike.)
	Keep float64 `json:"Dropout"`
	// SparsityTarget is the target mean activation of the hidden units. Zero means 0.1.
	SparsityTarget float64
	// SparsityCost is the weight of the sparsity penalty. Default 0: no penalty.
	SparsityCost float64
	// SparsityDamping is the decay of the running estimate of hidden activity. Zero means 0.9.
	SparsityDamping float64
	// DBMFirst marks the bottom RBM of a DBM stack: its hidden units see twice the input from
	// the visible layer (two tied copies of the visible units).
	DBMFirst bool
	// DBMLast marks the top RBM of a DBM stack: its visible units see twice the input from the
	// hidden layer.
	DBMLast bool

	// The original project's code path, point by point, where it departs from this package's
	// defaults (docs/DEVIATIONS.md); AsOriginal sets them all. Each is kept to reproduce the
	// original's numbers, bugs included.

	// SparsityRule is optim.Hinton (the default, also "") or optim.Original: the original's
	// sparsity as coded, a damped batch SUM of the chain's final hidden means subtracted from
	// the hidden biases and from every weight alike (see optim.OriginalSparsity).
	SparsityRule string `json:",omitempty"`
	// BiasDoubling makes DBMFirst and DBMLast double the bias along with the input from the
	// other layer, σ(2·(vW + hb)), as the original codes it (base_rbm.py, _means_h_given_v);
	// without it only the input is doubled, σ(2·vW + hb), the two tied copies of the theory.
	BiasDoubling bool `json:",omitempty"`
	// ChainFeatures makes Transform return the original's features (base_rbm.py transform_op):
	// the hidden means at the END of a k-step Gibbs chain started at the data, k the last
	// trained epoch's CDSteps, sampled as in training (seeded: the same rows give the same
	// features); without it Transform returns p(h | x).
	ChainFeatures bool `json:",omitempty"`
	// FixedOrder visits the training rows in the same order every epoch, as the original
	// (which shuffles the data once, before training); without it every epoch draws a new
	// seeded permutation.
	FixedOrder bool `json:",omitempty"`

	// UpdatesPerRun is the number of minibatch updates unrolled into one Session.Run. Zero means
	// 10: an RBM update is a few small products, so one Run per update would spend much of its
	// time in the Run's overhead. The weights do not depend on it. (dbm.Config's zero means 1:
	// a DBM update is far larger.)
	UpdatesPerRun int
	// Threads is the number of threads one TensorFlow op may use. Zero means one per core.
	Threads int
	// GPU selects GPUs as the original's --gpu flag: "" runs on the CPU; "0" uses GPU 0.
	GPU string
	// Target is the TensorFlow runtime the model's session runs on: "" for this process, or a
	// task of a cluster, "grpc://host:port" (see tfops.Server), which then holds the model's
	// variables (and reads its checkpoint: the model folder must be at the same path there).
	// It is not saved with the model.
	Target string `json:"-"`
	// Devices, if set, share out the rows of every matrix product of training and inference
	// among these devices (the tasks of the cluster Target names, "/job:worker/task:1"):
	// data-parallel minibatch gradients, the parameters and the sampling staying on the
	// session's task (see tfops.SplitMatMul). The gradients' row sums are added in another
	// order, so the weights may differ from one device's in the last bits. Not saved.
	Devices []string `json:"-"`
	// Metrics selects what Fit measures and reports.
	Metrics Metrics
}

// Metrics selects the metrics that Fit computes, how often, and how they are printed.
type Metrics struct {
	// MSRE is the mean squared reconstruction error of one up-down pass.
	MSRE bool
	// PLL is the stochastic pseudo-log-likelihood per sample (binary visible units only).
	PLL bool
	// FEG is the free-energy gap: mean free energy of validation minus training data.
	FEG bool
	// L2Loss is the weight-decay cost λ·½‖W‖².
	L2Loss bool
	// Hidden adds hidden-activation statistics: the mean of p(h|v) and the fractions of hidden
	// units that are almost always off (mean < 0.01) or on (mean > 0.99).
	Hidden bool
	// TrainEvery is how many minibatch updates pass between two training-metric evaluations.
	// Zero means 10.
	TrainEvery int
	// ValEvery is how many epochs pass between two validation evaluations. Zero means 1.
	ValEvery int
	// FEGEvery is how many epochs pass between two free-energy gaps. Zero means 2.
	FEGEvery int
	// FEGBatches is the number of minibatches of each set the gap averages over. Zero means 10.
	FEGBatches int
	// Format maps a metric name ("msre", "pll", "feg", "l2_loss", ...) to a fmt verb. Missing
	// names use "%.4f" for msre, "%.3f" for pll, "%.2f" for feg and "%.2e" for l2_loss.
	Format map[string]string
}

// AsOriginal returns c with every point of the original's code path set (its momentum rule,
// sparsity as coded, bias doubling for a DBM-pretraining RBM, features from the chain's end,
// one visiting order): the switch that reproduces the original's runs. Its learning rates and
// schedule indexing are the caller's (the original's epoch e takes element e of a schedule).
func (c Config) AsOriginal() Config {
	c.MomentumRule, c.SparsityRule = optim.Original, optim.Original
	c.BiasDoubling = c.DBMFirst || c.DBMLast
	c.ChainFeatures, c.FixedOrder = true, true
	return c
}

// F returns a pointer to v, for Config fields such as L2 whose zero value is not their default.
func F(v float64) *float64 { return &v }

// withDefaults returns c with every zero value replaced by the default it stands for.
func (c Config) withDefaults() Config {
	c.Visible, c.Hidden = Canonical(c.Visible), Canonical(c.Hidden)
	if c.Visible == nil {
		c.Visible = Bernoulli{}
	}
	if c.Hidden == nil {
		c.Hidden = Bernoulli{}
	}
	if c.Method == nil {
		c.Method = CD{}
		if c.Persistent {
			c.Method = PCD{}
		}
	}
	train.OrDefault(&c.NumHidden, 256)
	train.OrDefault(&c.DType, tf.Float)
	train.OrDefault(&c.WeightStd, 0.01)
	train.OrDefault(&c.Epochs, 10)
	train.OrDefault(&c.BatchSize, 10)
	train.OrDefault(&c.Keep, 1)
	train.OrDefault(&c.SparsityTarget, 0.1)
	train.OrDefault(&c.SparsityDamping, 0.9)
	train.OrDefault(&c.UpdatesPerRun, 10)
	if c.CDSteps == nil {
		c.CDSteps = []int{1}
	}
	if c.LearningRate == nil {
		c.LearningRate = []float64{0.01}
		if c.Visible.Domain() == Real { // the original's GaussianRBM
			c.LearningRate = []float64{0.001}
		}
	}
	if c.Momentum == nil {
		c.Momentum = []float64{0.9}
	}
	if c.L2 == nil {
		c.L2 = F(1e-4)
	}
	m := &c.Metrics
	train.OrDefault(&m.TrainEvery, 10)
	train.OrDefault(&m.ValEvery, 1)
	train.OrDefault(&m.FEGEvery, 2)
	train.OrDefault(&m.FEGBatches, 10)
	return c
}

// maxWeights bounds the weights of a model (2^33: 32 GiB in float32, before velocities), so that
// a nonsensical size is refused by Validate instead of failing an allocation.
const maxWeights = 1 << 33

// ConfigError reports a nonsensical Config field (errors.Is(err, train.ErrConfig) holds).
type ConfigError = train.ConfigError

func bad(field, format string, args ...any) error { return train.Bad("rbm", field, format, args...) }

// Validate reports the first nonsensical field of c (after defaults are applied) as a
// *ConfigError naming the field.
func (c Config) Validate() error {
	c.Visible, c.Hidden = Canonical(c.Visible), Canonical(c.Hidden)
	if c.MomentumRule != "" && c.MomentumRule != optim.Classical && c.MomentumRule != optim.Original {
		return bad("MomentumRule", "%q, want %s or %s", c.MomentumRule, optim.Classical, optim.Original)
	}
	if err := optim.CheckSparsityRule(c.SparsityRule); err != nil {
		return bad("SparsityRule", "%v", err)
	}
	d := c.withDefaults()
	switch {
	case c.BiasDoubling && !c.DBMFirst && !c.DBMLast:
		return bad("BiasDoubling", "doubles the biases of a DBM-pretraining RBM: set DBMFirst or DBMLast")
	case c.NumVisible <= 0:
		return bad("NumVisible", "%d units, want > 0 (the number of data columns)", c.NumVisible)
	case c.NumHidden < 0:
		return bad("NumHidden", "%d units, want > 0", c.NumHidden)
	case d.DType != tf.Float && d.DType != tf.Double:
		return bad("DType", "%v, want tf.Float or tf.Double", c.DType)
	case !finite(c.WeightStd) || c.WeightStd < 0:
		return bad("WeightStd", "%g, want ≥ 0", c.WeightStd)
	case c.InitW != nil && len(c.InitW) != d.NumVisible*d.NumHidden:
		return bad("InitW", "%d values, want NumVisible×NumHidden = %d×%d = %d", len(c.InitW), d.NumVisible, d.NumHidden, d.NumVisible*d.NumHidden)
	case c.InitVisibleBias != nil && len(c.InitVisibleBias) != 1 && len(c.InitVisibleBias) != d.NumVisible:
		return bad("InitVisibleBias", "%d values, want 1 or NumVisible = %d", len(c.InitVisibleBias), d.NumVisible)
	case c.InitHiddenBias != nil && len(c.InitHiddenBias) != 1 && len(c.InitHiddenBias) != d.NumHidden:
		return bad("InitHiddenBias", "%d values, want 1 or NumHidden = %d", len(c.InitHiddenBias), d.NumHidden)
	case float64(d.NumVisible)*float64(d.NumHidden) > maxWeights:
		return bad("NumHidden", "%d×%d = %.3g weights, more than the %.3g an RBM may have (2^33)", d.NumVisible, d.NumHidden, float64(d.NumVisible)*float64(d.NumHidden), float64(maxWeights))
	case c.Epochs < 0:
		return bad("Epochs", "%d, want ≥ 1", c.Epochs)
	case c.BatchSize < 0:
		return bad("BatchSize", "%d, want ≥ 1", c.BatchSize)
	case *d.L2 < 0 || !finite(*d.L2):
		return bad("L2", "%g, want ≥ 0", *d.L2)
	case c.Keep < 0 || c.Keep > 1 || math.IsNaN(c.Keep):
		return bad("Keep", "%g, want a keep probability in (0, 1]", c.Keep)
	case c.SparsityTarget < 0 || c.SparsityTarget >= 1 || math.IsNaN(c.SparsityTarget):
		return bad("SparsityTarget", "%g, want in (0, 1)", c.SparsityTarget)
	case c.SparsityCost < 0 || !finite(c.SparsityCost):
		return bad("SparsityCost", "%g, want ≥ 0", c.SparsityCost)
	}
	if err := train.CheckRun("rbm", c.SparsityDamping, c.UpdatesPerRun, c.Threads); err != nil {
		return err
	}
	if _, err := tfops.ConfigProto(&tfops.Options{GPU: c.GPU}); err != nil {
		return bad("GPU", "%v", err)
	}
	if err := d.Visible.Validate(d.NumVisible); err != nil {
		return bad("Visible", "%v", err)
	}
	if err := d.Hidden.Validate(d.NumHidden); err != nil {
		return bad("Hidden", "%v", err)
	}
	if c.Centering != 0 {
		if err := (optim.Centering{Rate: c.Centering}).Validate(); err != nil {
			return bad("Centering", "%v", err)
		}
		if d.Visible.Domain() == Real || d.Hidden.Domain() == Real {
			return bad("Centering", "centering needs binary or discrete units (the statistics of real-valued units are scaled by σ)")
		}
	}
	if err := d.Method.Validate(d); err != nil {
		return bad("Method", "%s: %v", d.Method.Name(), err)
	}
	if d.Hidden.Domain() == Real {
		return bad("Hidden", "gaussian hidden units are not supported (their free energy has no lower bound with Gaussian visible units, and the original has none)")
	}
	for _, f := range []struct {
		name string
		v    []float64
	}{{"InitW", c.InitW}, {"InitVisibleBias", c.InitVisibleBias}, {"InitHiddenBias", c.InitHiddenBias}} {
		for i, v := range f.v {
			if !finite(v) {
				return bad(f.name, "value %d is %g", i, v)
			}
		}
	}
	if err := train.CheckSchedule("rbm", "CDSteps", d.CDSteps, func(k int) bool { return k >= 1 && k <= 1000 }, "want 1 ≤ k ≤ 1000"); err != nil {
		return err
	}
	if err := train.CheckSchedule("rbm", "LearningRate", d.LearningRate, func(v float64) bool { return v > 0 && finite(v) }, "want > 0"); err != nil {
		return err
	}
	if err := train.CheckSchedule("rbm", "Momentum", d.Momentum, func(v float64) bool { return v >= 0 && v < 1 }, "want 0 ≤ momentum < 1"); err != nil {
		return err
	}
	m := c.Metrics
	switch {
	case m.TrainEvery < 0:
		return bad("Metrics.TrainEvery", "%d, want ≥ 1", m.TrainEvery)
	case m.ValEvery < 0:
		return bad("Metrics.ValEvery", "%d, want ≥ 1", m.ValEvery)
	case m.FEGEvery < 0:
		return bad("Metrics.FEGEvery", "%d, want ≥ 1", m.FEGEvery)
	case m.FEGBatches < 0:
		return bad("Metrics.FEGBatches", "%d, want ≥ 1", m.FEGBatches)
	}
	if m.PLL {
		if d.Visible.Domain() != Binary {
			return bad("Metrics.PLL", "the pseudo-log-likelihood needs binary (bernoulli) visible units, not %s", d.Visible.Name())
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
