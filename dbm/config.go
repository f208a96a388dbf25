package dbm

import (
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// Config describes a DBM and how it trains. Its zero value, apart from Sizes, is the original
// project's default: 100 persistent chains, 5 Gibbs sweeps per update, at most 10 mean-field
// sweeps with tolerance 1e-7, learning rate 5e-4, momentum 0.9, batches of 100, 10 epochs.
type Config struct {
	// Sizes holds the number of units of each layer, visible first: [784, 512, 1024] is the
	// original's MNIST DBM. At least two layers.
	Sizes []int
	// Units holds the unit type of each layer (len(Sizes) entries, or nil for all Bernoulli;
	// nil entries are Bernoulli). Hidden layers may be Bernoulli or Multinomial, the visible
	// layer also Gaussian.
	Units []rbm.Unit
	// DType is tf.Float or tf.Double. Zero means tf.Float.
	DType tf.DataType
	// Seed determines every random number.
	Seed int64

	// WeightStd is the std of random initial weights when the DBM is not built from RBMs.
	// Zero means 0.01.
	WeightStd float64

	// Particles is the number of persistent chains. Zero means 100.
	Particles int
	// GibbsSteps is the number of Gibbs sweeps per update, a per-epoch schedule (epoch e uses
	// element min(e−1, len−1)). Nil means [5].
	GibbsSteps []int
	// MeanFieldSteps is the maximum number of mean-field sweeps per minibatch. Zero means 10.
	MeanFieldSteps int
	// MeanFieldTol stops the sweeps once no variational parameter moves by more. Zero means 1e-7.
	MeanFieldTol float64
	// LearningRate is a per-epoch schedule. Nil means DefaultLearningRate(), the original's.
	LearningRate []float64
	// Momentum is a per-epoch schedule of momentum. Nil means [0.9].
	Momentum []float64
	// MomentumRule is optim.Classical (the default, also "") or optim.Original, the original
	// project's Δ ← lr·(momentum·Δ + g), to reproduce its runs.
	MomentumRule string `json:",omitempty"`
	// Epochs is the last epoch Fit trains. Zero means 10.
	Epochs int
	// BatchSize is the minibatch size. Zero means 100.
	BatchSize int
	// L2 is the weight-decay coefficient λ (the gradient gains −λW), a pointer as rbm.Config.L2
	// so that zero can be asked for (set it with rbm.F). Nil means 0, no decay: the original's
	// DBM default, where its RBMs' is 1e-4 (rbm.Config.L2).
	L2 *float64
	// MaxNorm caps the L2 norm of each weight column (the weights into one upper unit).
	// Zero means no cap.
	MaxNorm float64
	// VisibleMeans makes the chains use visible means instead of samples. Default false.
	VisibleMeans bool
	// HiddenMeans makes the chains use hidden means instead of samples. Default false.
	HiddenMeans bool
	// SparsityTarget and SparsityCost hold one value for every hidden layer or one per hidden
	// layer. Nil means [0.1] and [0] (no penalty).
	SparsityTarget, SparsityCost []float64
	// SparsityDamping is the decay of the running estimates of hidden activity. Zero means 0.9.
	SparsityDamping float64
	// Centering is the rate ν of the centering trick (Montavon & Müller 2012; see
	// optim.Centering): the weight gradients use statistics centered at offsets — the data mean
	// for the visible layer, running averages of the mean-field activities with rate ν for the
	// hidden ones — and the bias directions follow. Zero: no centering. Binary or discrete units.
	Centering float64 `json:",omitempty"`
	// The original's code path, point by point, where it departs from this package's defaults
	// (docs/DEVIATIONS.md); AsOriginal sets them all, to reproduce its numbers, bugs included.

	// SparsityRule is optim.Hinton (the default, also "") or optim.Original: the original's
	// sparsity as coded (see optim.OriginalSparsity), both estimates starting at 0.
	SparsityRule string `json:",omitempty"`
	// MeanFieldStart is MeanFieldBottomUp (the default, also "") or MeanFieldPrevious: the
	// training's mean field starts from the μ the previous minibatch ended at (zeros at first;
	// saved with the model), as the original's does — its bottom-up pass is dead code there.
	// Every training minibatch must then have BatchSize rows. MeanFieldRow starts each row's
	// mean field where that row's ended on its last visit (see MeanFieldRow).
	MeanFieldStart string `json:",omitempty"`
	// SideEffects reproduces the original's side effects on the chains: each validation pass
	// runs, per BatchSize rows, the training's mean field (from and into the stored μ, with
	// MeanFieldPrevious) and advances the persistent particles by the epoch's Gibbs sweeps
	// without updating any parameter; and every Metrics.TrainEvery updates the particles are
	// replaced by one deterministic sweep of their means (its display_particles summary).
	// Validation rows must then come in whole batches.
	SideEffects bool `json:",omitempty"`
	// FixedOrder visits the training rows in the same order every epoch, as the original;
	// without it every epoch draws a new seeded permutation.
	FixedOrder bool `json:",omitempty"`

	// UpdatesPerRun is the number of minibatch updates unrolled into one Session.Run. Zero
	// means 1, unlike rbm.Config's 10: a DBM update (its mean-field and Gibbs sweeps) is large
	// enough that a Run's overhead is small beside it, while each update unrolled grows the graph
	// by as much (and MeanFieldRow needs 1). The weights do not depend on it.
	UpdatesPerRun int
	// Metrics selects the metrics Fit reports.
	Metrics Metrics
	// Threads is the number of threads one TensorFlow op may use. Zero means one per core.
	Threads int
	// InterOpThreads is the number of TensorFlow ops the model's session runs at once. Zero
	// means one per core, as Python TensorFlow: the independent products, draws and sums of a
	// mean-field sweep, a Gibbs sweep or an AIS step then overlap (AIS 1.3× faster on 2 idle
	// cores, docs/PERFORMANCE.md); 1 runs one op at a time. Results do not depend on it. Not
	// saved.
	InterOpThreads int `json:"-"`
	// GPU selects GPUs: "" is the CPU.
	GPU string
	// Target is the TensorFlow runtime the model's session runs on: "" for this process, or a
	// task of a cluster, "grpc://host:port" (see tfops.Server), which then holds the model's
	// variables (and reads its checkpoint: the model folder must be at the same path there).
	// It is not saved with the model.
	Target string `json:"-"`
	// Devices, if set, share out the rows of every matrix product (mean field, Gibbs chains,
	// gradient statistics, evaluation) among these devices (tasks of the cluster Target names):
	// data-parallel training with the parameters and every random draw on the session's task
	// (see tfops.SplitMatMul). The statistics' row sums are added in another order, so the
	// weights may differ from one device's in the last bits. Not saved.
	Devices []string `json:"-"`
}

// Values of Config.MeanFieldStart.
const (
	// MeanFieldBottomUp starts every minibatch's mean field from a bottom-up pass with doubled
	// input from below (Salakhutdinov & Hinton 2009). The default.
	MeanFieldBottomUp = "bottom-up"
	// MeanFieldPrevious starts it from the μ the previous minibatch ended at (the original).
	MeanFieldPrevious = "previous"
	// MeanFieldRow starts each training row's mean field from the μ the same row ended at on
	// its last visit, and from the bottom-up pass on its first visit in a Fit (a warm start:
	// fewer sweeps to the same tolerance once the model changes little between visits). The
	// stored μ take Σ hidden sizes values per training row, in the model's dtype, and are not
	// saved with the model: a resumed Fit starts them cold again, so its weights are not those
	// of an uninterrupted run. The rows must be in memory (not streamed), UpdatesPerRun 1 and
	// MeanFieldSteps more than 5 (the mean field runs in chunks).
	MeanFieldRow = "row"
)

// AsOriginal returns c with every point of the original's code path set: its momentum rule,
// sparsity as coded, mean field started from the previous minibatch's μ, its side effects on
// the chains and one visiting order. Its schedules (the original's epoch e takes element e) and
// validation frequency are the caller's.
func (c Config) AsOriginal() Config {
	c.MomentumRule, c.SparsityRule = optim.Original, optim.Original
	c.MeanFieldStart, c.SideEffects, c.FixedOrder = MeanFieldPrevious, true, true
	return c
}

// Metrics selects what Fit measures.
type Metrics struct {
	// MSRE is the mean squared error of the reconstruction E[v | μ₁] after mean-field.
	MSRE bool
	// TrainEvery is the number of updates between training measurements. Zero means 10.
	TrainEvery int
	// ValEvery is the number of epochs between validation measurements. Zero means 1.
	ValEvery int
}

func (c Config) withDefaults() Config {
	l := len(c.Sizes)
	units := make([]rbm.Unit, l)
	copy(units, c.Units)
	for i := range units {
		units[i] = rbm.Canonical(units[i])
		if units[i] == nil {
			units[i] = rbm.Bernoulli{}
		}
	}
	c.Units = units
	train.OrDefault(&c.DType, tf.Float)
	train.OrDefault(&c.WeightStd, 0.01)
	train.OrDefault(&c.Particles, 100)
	train.OrDefault(&c.MeanFieldSteps, 10)
	train.OrDefault(&c.MeanFieldTol, 1e-7)
	train.OrDefault(&c.Epochs, 10)
	train.OrDefault(&c.BatchSize, 100)
	train.OrDefault(&c.SparsityDamping, 0.9)
	train.OrDefault(&c.UpdatesPerRun, 1)
	train.OrDefault(&c.Metrics.TrainEvery, 10)
	train.OrDefault(&c.Metrics.ValEvery, 1)
	if c.GibbsSteps == nil {
		c.GibbsSteps = []int{5}
	}
	if c.LearningRate == nil {
		c.LearningRate = DefaultLearningRate()
	}
	if c.Momentum == nil {
		c.Momentum = []float64{0.9}
	}
	if c.SparsityTarget == nil {
		c.SparsityTarget = []float64{0.1}
	}
	if c.SparsityCost == nil {
		c.SparsityCost = []float64{0}
	}
	if c.MaxNorm == 0 {
		c.MaxNorm = math.Inf(1)
	}
	if c.L2 == nil {
		c.L2 = rbm.F(0)
	}
	c.SparsityTarget = perLayer(c.SparsityTarget, l-1)
	c.SparsityCost = perLayer(c.SparsityCost, l-1)
	return c
}

// perLayer repeats a one-value list for n layers.
func perLayer(v []float64, n int) []float64 {
	if len(v) == 1 && n > 1 {
		out := make([]float64, n)
		for i := range out {
			out[i] = v[0]
		}
		return out
	}
	return v
}

// ConfigError reports a nonsensical Config field (errors.Is(err, train.ErrConfig) holds).
type ConfigError = train.ConfigError

func bad(field, format string, args ...any) error { return train.Bad("dbm", field, format, args...) }

// Validate reports the first nonsensical field of c as a *ConfigError.
func (c Config) Validate() error {
	if len(c.Sizes) < 2 {
		return bad("Sizes", "%d layers, want a visible and at least one hidden layer", len(c.Sizes))
	}
	if c.Units != nil && len(c.Units) != len(c.Sizes) {
		return bad("Units", "%d units for %d layers", len(c.Units), len(c.Sizes))
	}
	if c.MomentumRule != "" && c.MomentumRule != optim.Classical && c.MomentumRule != optim.Original {
		return bad("MomentumRule", "%q, want %s or %s", c.MomentumRule, optim.Classical, optim.Original)
	}
	if err := optim.CheckSparsityRule(c.SparsityRule); err != nil {
		return bad("SparsityRule", "%v", err)
	}
	if c.MeanFieldStart != "" && c.MeanFieldStart != MeanFieldBottomUp && c.MeanFieldStart != MeanFieldPrevious && c.MeanFieldStart != MeanFieldRow {
		return bad("MeanFieldStart", "%q, want %s, %s or %s", c.MeanFieldStart, MeanFieldBottomUp, MeanFieldPrevious, MeanFieldRow)
	}
	if c.MeanFieldStart == MeanFieldRow && (c.UpdatesPerRun > 1 || c.MeanFieldSteps <= chunkSweeps) {
		return bad("MeanFieldStart", "%s needs UpdatesPerRun 1 and MeanFieldSteps > %d (the mean field run in chunks), have %d and %d",
			MeanFieldRow, chunkSweeps, c.UpdatesPerRun, c.MeanFieldSteps)
	}
	d := c.withDefaults()
	if c.SparsityRule == optim.Original {
		for l := 1; l < len(c.Sizes); l++ {
			if c.Sizes[l] < l {
				// The original reads unit l−1 of hidden layer l's summed activity.
				return bad(fmt.Sprintf("Sizes[%d]", l), "%d units: the original's sparsity reads unit %d of hidden layer %d", c.Sizes[l], l-1, l)
			}
		}
	}
	weights := 0.0
	for i := 1; i < len(c.Sizes); i++ {
		weights += float64(c.Sizes[i-1]) * float64(c.Sizes[i])
	}
	if weights > 1<<33 {
		return bad("Sizes", "%v: %.3g weights, more than the %.3g a DBM may have (2^33)", c.Sizes, weights, float64(1<<33))
	}
	for i, n := range c.Sizes {
		if n <= 0 {
			return bad(fmt.Sprintf("Sizes[%d]", i), "%d units, want > 0", n)
		}
		if err := d.Units[i].Validate(n); err != nil {
			return bad(fmt.Sprintf("Units[%d]", i), "%v", err)
		}
		if d.Units[i].Domain() == rbm.Real && i > 0 {
			return bad(fmt.Sprintf("Units[%d]", i), "gaussian hidden units are not supported")
		}
	}
	switch {
	case d.DType != tf.Float && d.DType != tf.Double:
		return bad("DType", "%v, want tf.Float or tf.Double", c.DType)
	case c.WeightStd < 0 || math.IsNaN(c.WeightStd) || math.IsInf(c.WeightStd, 0):
		return bad("WeightStd", "%g, want ≥ 0", c.WeightStd)
	case c.Particles < 0:
		return bad("Particles", "%d, want ≥ 1", c.Particles)
	case c.MeanFieldSteps < 0 || c.MeanFieldSteps > 1000:
		return bad("MeanFieldSteps", "%d, want 1…1000", c.MeanFieldSteps)
	case c.MeanFieldTol < 0 || math.IsNaN(c.MeanFieldTol):
		return bad("MeanFieldTol", "%g, want ≥ 0", c.MeanFieldTol)
	case c.Epochs < 0:
		return bad("Epochs", "%d, want ≥ 1", c.Epochs)
	case c.BatchSize < 0:
		return bad("BatchSize", "%d, want ≥ 1", c.BatchSize)
	case *d.L2 < 0 || math.IsNaN(*d.L2) || math.IsInf(*d.L2, 0):
		return bad("L2", "%g, want ≥ 0", *d.L2)
	case c.MaxNorm < 0 || math.IsNaN(c.MaxNorm):
		return bad("MaxNorm", "%g, want > 0 (0: no cap)", c.MaxNorm)
	case c.Metrics.TrainEvery < 0 || c.Metrics.ValEvery < 0:
		return bad("Metrics", "negative frequency")
	}
	if c.Centering != 0 {
		if err := (optim.Centering{Rate: c.Centering}).Validate(); err != nil {
			return bad("Centering", "%v", err)
		}
		for _, u := range d.Units {
			if u.Domain() == rbm.Real {
				return bad("Centering", "centering needs binary or discrete units, not %s", u.Name())
			}
		}
	}
	if err := train.CheckRun("dbm", c.SparsityDamping, c.UpdatesPerRun, c.Threads); err != nil {
		return err
	}
	if c.InterOpThreads < 0 {
		return bad("InterOpThreads", "%d, want ≥ 0", c.InterOpThreads)
	}
	if _, err := tfops.ConfigProto(&tfops.Options{GPU: c.GPU}); err != nil {
		return bad("GPU", "%v", err)
	}
	hidden := len(c.Sizes) - 1
	for name, v := range map[string][]float64{"SparsityTarget": d.SparsityTarget, "SparsityCost": d.SparsityCost} {
		if len(v) != hidden {
			return bad(name, "%d values for %d hidden layers, want 1 or %d", len(v), hidden, hidden)
		}
		for i, x := range v {
			if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) || (name == "SparsityTarget" && (x == 0 || x >= 1)) {
				return bad(fmt.Sprintf("%s[%d]", name, i), "%g out of range", x)
			}
		}
	}
	// At most 199 sweeps and 999 layers keep the seed keys of the particle sweeps
	// (roleParticle + 1000·sweep + layer) below those of sampling and AIS (see train.go).
	if len(c.Sizes) > 999 {
		return bad("Sizes", "%d layers, want at most 999", len(c.Sizes))
	}
	if err := train.CheckSchedule("dbm", "GibbsSteps", d.GibbsSteps, func(k int) bool { return k >= 1 && k <= 199 }, "want 1 ≤ k ≤ 199"); err != nil {
		return err
	}
	if err := train.CheckSchedule("dbm", "LearningRate", d.LearningRate, func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }, "want > 0"); err != nil {
		return err
	}
	return train.CheckSchedule("dbm", "Momentum", d.Momentum, func(v float64) bool { return v >= 0 && v < 1 }, "want 0 ≤ momentum < 1")
}

// DefaultLearningRate returns the original's DBM learning-rate schedule, geomspace(2e-3, 5e-6,
// 400) per epoch (epochs past 400 keep 5e-6): the default of Config and of bm dbm.
func DefaultLearningRate() []float64 { return train.Geom(2e-3, 5e-6, 400) }
