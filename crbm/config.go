package crbm

import (
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// Training modes (Config.Mode).
const (
	// Generative trains on the joint likelihood log p(x, y) with CD-k (Hinton 2002) on the
	// visible units and the one-hot label together.
	Generative = "generative"
	// Discriminative ascends the exact gradient of the conditional log-likelihood log p(y | x)
	// (Larochelle & Bengio 2008, §3.2).
	Discriminative = "discriminative"
	// Hybrid ascends log p(y | x) + Alpha·log p(x, y): the exact discriminative gradient plus
	// Alpha times the CD-k estimate of the generative one (Larochelle & Bengio 2008, §3.3).
	Hybrid = "hybrid"
)

// Config describes a classification RBM and how it is trained. Its zero value, with
// NumVisible, NumHidden and Classes set, is a float32 model trained in Hybrid mode with
// Alpha 0.01, plain SGD at learning rate 0.5 on minibatches of 20, CD-1, for 100 epochs.
type Config struct {
	// NumVisible, NumHidden and Classes are the numbers of visible (binary, or in [0, 1])
	// units, hidden (binary) units and classes (the one-hot label units).
	NumVisible, NumHidden, Classes int
	// DType is tf.Float (the default) or tf.Double. It is saved as "float32" or "float64".
	DType tf.DataType `json:"-"`
	// Mode is Generative, Discriminative or Hybrid (the default).
	Mode string
	// Alpha weighs the generative gradient in Hybrid mode; 0 means 0.01. Unused otherwise.
	Alpha float64
	// Beta weighs the gradient of log p(x) on unlabeled rows in semi-supervised training
	// (FitOptions.Unlabeled; Larochelle & Bengio 2008, §4); 0 means 0.1.
	Beta float64
	// LearningRate is the step size along the gradient averaged over a minibatch; 0 means 0.5.
	// (The papers train online, one example per update, at 0.05 for discriminative and hybrid
	// training: about 1 here with minibatches of 20.)
	LearningRate float64
	// Momentum is the classical momentum of the updates, Δ ← Momentum·Δ + LearningRate·g,
	// θ ← θ + Δ; 0 (the default) is plain SGD.
	Momentum float64
	// L2 is the weight decay of W and U: their ascent directions gain −L2·W and −L2·U.
	L2 float64
	// BatchSize is the minibatch size; 0 means 20.
	BatchSize int
	// Epochs is the last epoch Fit trains to; 0 means 100.
	Epochs int
	// CDSteps is k of the CD-k negative phase of Generative and Hybrid training; 0 means 1.
	CDSteps int
	// WeightStd is the standard deviation of the initial W and U, drawn from a normal
	// distribution with Seed; 0 means 0.01. The biases start at 0.
	WeightStd float64
	// Seed seeds the initial weights, the order of the training rows in every epoch and the
	// Gibbs sampling of the negative phase. The same Seed gives the same weights, bit for bit,
	// on the CPU.
	Seed int64
	// Threads is TensorFlow's intra-op thread count (0: one per core). Not saved.
	Threads int `json:"-"`
}

// ErrConfig is train.ErrConfig, matched (errors.Is) by every *ConfigError.
var ErrConfig = train.ErrConfig

// ConfigError reports a nonsensical Config field.
type ConfigError = train.ConfigError

func cfgErr(field, format string, a ...any) error { return train.Bad("crbm", field, format, a...) }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate checks c and names the first field that is wrong.
func (c Config) Validate() error {
	switch {
	case c.NumVisible <= 0:
		return cfgErr("NumVisible", "%d, want > 0", c.NumVisible)
	case c.NumHidden <= 0:
		return cfgErr("NumHidden", "%d, want > 0", c.NumHidden)
	case c.Classes < 2:
		return cfgErr("Classes", "%d, want ≥ 2", c.Classes)
	}
	if c.DType != 0 {
		if err := tfops.CheckFloat(c.DType); err != nil {
			return cfgErr("DType", "%v", err)
		}
	}
	switch c.Mode {
	case "", Generative, Discriminative, Hybrid:
	default:
		return cfgErr("Mode", "%q, want %s, %s or %s", c.Mode, Generative, Discriminative, Hybrid)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"Alpha", c.Alpha}, {"Beta", c.Beta}, {"LearningRate", c.LearningRate}, {"L2", c.L2}, {"WeightStd", c.WeightStd}} {
		if f.v < 0 || !finite(f.v) {
			return cfgErr(f.name, "%g, want a finite value ≥ 0", f.v)
		}
	}
	if c.Momentum < 0 || c.Momentum >= 1 || math.IsNaN(c.Momentum) {
		return cfgErr("Momentum", "%g, want a value in [0, 1)", c.Momentum)
	}
	switch {
	case c.BatchSize < 0:
		return cfgErr("BatchSize", "%d, want ≥ 0 (0 means 20)", c.BatchSize)
	case c.Epochs < 0:
		return cfgErr("Epochs", "%d, want ≥ 0 (0 means 100)", c.Epochs)
	case c.CDSteps < 0:
		return cfgErr("CDSteps", "%d, want ≥ 0 (0 means 1)", c.CDSteps)
	case c.Threads < 0:
		return cfgErr("Threads", "%d, want ≥ 0 (0: one per core)", c.Threads)
	}
	return nil
}

// withDefaults fills in the documented defaults of zero fields.
func (c Config) withDefaults() Config {
	train.OrDefault(&c.DType, tf.Float)
	train.OrDefault(&c.Mode, Hybrid)
	train.OrDefault(&c.Alpha, 0.01)
	train.OrDefault(&c.Beta, 0.1)
	train.OrDefault(&c.LearningRate, 0.5)
	train.OrDefault(&c.BatchSize, 20)
	train.OrDefault(&c.Epochs, 100)
	train.OrDefault(&c.CDSteps, 1)
	train.OrDefault(&c.WeightStd, 0.01)
	return c
}
