package mlp

import (
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// Activations of a Layer.
const (
	Sigmoid = "sigmoid"
	ReLU    = "relu"
	Linear  = "linear"
	// Softmax is the activation of the output layer of a classifier; the loss is computed from
	// its logits (softmax cross-entropy), never from clipped probabilities.
	Softmax = "softmax"
)

// A Layer is one dense layer y = act(x·W + b) (with x the previous layer's output, after dropout
// when Dropout > 0).
type Layer struct {
	// Units is the number of outputs.
	Units int
	// Activation is Sigmoid, ReLU, Linear or Softmax (the last layer of a classifier only).
	Activation string
	// InitW (inputs×Units, row-major) and InitB (Units) give the initial kernel and bias, e.g.
	// an RBM's W and hidden bias. When InitW is nil the kernel is drawn from Glorot's uniform
	// distribution U(±√(6/(inputs+Units))) with Seed (Keras' glorot_uniform) and the bias is 0
	// unless InitB is set.
	InitW, InitB []float64
	// Seed seeds the Glorot draw of this layer's kernel.
	Seed int64
	// LRMultiplier scales the learning rate of this layer's kernel and bias; 0 means 1
	// (the original's MultiAdam lr_multipliers).
	LRMultiplier float64
	// L2 adds L2·ΣW² of this layer's kernel to the loss (Keras' kernel_regularizer=l2(L2)).
	L2 float64
	// Dropout is the probability of dropping each input of this layer during training (inverted
	// dropout: kept inputs are scaled by 1/(1−Dropout)); 0 means none.
	Dropout float64
	// BatchNorm normalizes the layer's pre-activation (Keras' BatchNormalization after the Dense
	// layer, before its activation; see batchnorm.go). Hidden layers only.
	BatchNorm bool `json:",omitempty"`
	// MaxNorm caps the L2 norm of each unit's incoming weights (a column of the kernel) after
	// every training step, rescaling the columns above it (Srivastava et al. 2014, with
	// dropout); 0 means no cap.
	MaxNorm float64 `json:",omitempty"`
}

// Config describes a multilayer perceptron classifier and how to train it. Its zero value
// (with Inputs and Layers set) trains as the original's fine-tuning MLPs: Adam with lr 1e-3,
// minibatches of 128 in data order, at most 100 epochs, float32.
type Config struct {
	// Inputs is the number of input columns.
	Inputs int
	// Layers are the dense layers, the last one the output layer (Softmax for a classifier).
	Layers []Layer
	// DType is tf.Float (default) or tf.Double.
	DType tf.DataType
	// LearningRate is Adam's initial learning rate; 0 means 1e-3.
	LearningRate float64
	// Adam holds the optimizer's other hyperparameters (zero value: Keras' defaults).
	Adam optim.Adam
	// BatchSize is the minibatch size; 0 means 128.
	BatchSize int
	// Epochs is the maximum number of epochs; 0 means 100.
	Epochs int
	// Shuffle visits the training rows in a new seeded order every epoch. The original trains
	// with shuffle=False (rows in data order), which is the default here too.
	Shuffle bool
	// Seed seeds the shuffle and the dropout masks.
	Seed int64
	// Threads is TensorFlow's intra-op thread count (0: one per core); GPU selects devices as
	// tfops.Options.GPU.
	Threads int
	GPU     string
	// Target is the TensorFlow runtime the session runs on: "" for this process, or a task of a
	// cluster, "grpc://host:port" (tfops.Server), which then holds the whole model. Not saved.
	Target string `json:"-"`
}

// ErrConfig reports an invalid configuration: it is train.ErrConfig, matched by the
// *train.ConfigError (naming the field) of every model package.
var ErrConfig = train.ErrConfig

// ConfigError reports a nonsensical Config field.
type ConfigError = train.ConfigError

func cfgErr(field, format string, a ...any) error { return train.Bad("mlp", field, format, a...) }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate checks c and names the first field that is wrong.
func (c Config) Validate() error {
	if c.Inputs <= 0 {
		return cfgErr("Inputs", "%d, want > 0", c.Inputs)
	}
	if len(c.Layers) == 0 {
		return cfgErr("Layers", "none, want at least the output layer")
	}
	if c.DType != 0 {
		if err := tfops.CheckFloat(c.DType); err != nil {
			return cfgErr("DType", "%v", err)
		}
	}
	in := c.Inputs
	for i, l := range c.Layers {
		f := fmt.Sprintf("Layers[%d]", i)
		if l.Units <= 0 {
			return cfgErr(f+".Units", "%d, want > 0", l.Units)
		}
		switch l.Activation {
		case Sigmoid, ReLU, Linear:
		case Softmax:
			if i != len(c.Layers)-1 {
				return cfgErr(f+".Activation", "softmax is only for the output layer")
			}
		default:
			return cfgErr(f+".Activation", "%q, want sigmoid, relu, linear or softmax", l.Activation)
		}
		if l.InitW != nil && len(l.InitW) != in*l.Units {
			return cfgErr(f+".InitW", "%d values, want %d×%d = %d", len(l.InitW), in, l.Units, in*l.Units)
		}
		if l.InitB != nil && len(l.InitB) != l.Units {
			return cfgErr(f+".InitB", "%d values, want %d", len(l.InitB), l.Units)
		}
		for j, v := range l.InitW {
			if !finite(v) {
				return cfgErr(f+".InitW", "value %d is %g", j, v)
			}
		}
		for j, v := range l.InitB {
			if !finite(v) {
				return cfgErr(f+".InitB", "value %d is %g", j, v)
			}
		}
		if l.LRMultiplier < 0 || !finite(l.LRMultiplier) {
			return cfgErr(f+".LRMultiplier", "%g, want ≥ 0 (0 means 1)", l.LRMultiplier)
		}
		if l.L2 < 0 || !finite(l.L2) {
			return cfgErr(f+".L2", "%g, want ≥ 0", l.L2)
		}
		if l.BatchNorm && i == len(c.Layers)-1 {
			return cfgErr(f+".BatchNorm", "batch normalization is for hidden layers")
		}
		if l.Dropout < 0 || l.Dropout >= 1 || math.IsNaN(l.Dropout) {
			return cfgErr(f+".Dropout", "%g, want a probability in [0, 1)", l.Dropout)
		}
		if l.MaxNorm < 0 || !finite(l.MaxNorm) {
			return cfgErr(f+".MaxNorm", "%g, want > 0 (0: no cap)", l.MaxNorm)
		}
		in = l.Units
	}
	if c.LearningRate < 0 || !finite(c.LearningRate) {
		return cfgErr("LearningRate", "%g, want > 0 (0 means 1e-3)", c.LearningRate)
	}
	if err := c.Adam.Validate(); err != nil {
		return cfgErr("Adam", "%v", err)
	}
	if c.BatchSize < 0 {
		return cfgErr("BatchSize", "%d, want > 0 (0 means 128)", c.BatchSize)
	}
	if c.Epochs < 0 {
		return cfgErr("Epochs", "%d, want > 0 (0 means 100)", c.Epochs)
	}
	if c.Threads < 0 {
		return cfgErr("Threads", "%d, want ≥ 0", c.Threads)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.DType == 0 {
		c.DType = tf.Float
	}
	if c.LearningRate == 0 {
		c.LearningRate = 1e-3
	}
	if c.BatchSize == 0 {
		c.BatchSize = 128
	}
	if c.Epochs == 0 {
		c.Epochs = 100
	}
	return c
}

// Classes is the number of outputs of the last layer.
func (c Config) Classes() int { return c.Layers[len(c.Layers)-1].Units }
