package mlp

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// BuildServing adds a serving graph of the network to s (o.Steps is ignored: an MLP has no
// sampling; with o.Standardizer the inputs take raw data), with these signatures (inputs have
// a free batch dimension):
//
//	serving_default  inputs [n, Inputs] → probabilities [n, classes] (the network's output)
//	classify         inputs [n, Inputs] → classes [n] int64 (the most probable class)
//
// It makes *MLP an export.Model.
func (m *MLP) BuildServing(s *op.Scope, o serving.Options) (*serving.Graph, error) {
	return m.buildServing(s, o, m.cfg.Inputs, nil)
}

// A Featurer puts a feature map into a serving graph: it adds its parameters to sg under s once
// and returns a builder of the features of rows x, which may be called once per signature.
// *dbm.DBM is a Featurer (its ServingFeatures: the top layer's mean-field posterior).
type Featurer interface {
	ServingFeatures(s *op.Scope, sg *serving.Graph) (func(s *op.Scope, x tf.Output) tf.Output, error)
}

// Augmented is an MLP trained on each input row followed by features of it, [x, f(x)] (bm
// dbm-mnist --mlp-augment: the image and the DBM's mean-field q(h₂|x), after Salakhutdinov &
// Hinton 2009). It is an export.Model whose signatures are the MLP's (see MLP.BuildServing) but
// take the rows x alone, Inputs columns, and compute f(x) inside the graph. With a
// serving.Options.Standardizer (of Inputs columns) x is standardized first, for the features
// and the network alike.
type Augmented struct {
	// MLP is the trained network; its Config().Inputs is Inputs plus the features' columns.
	MLP *MLP
	// Features builds f(x).
	Features Featurer
	// Inputs is the number of columns of x.
	Inputs int
}

// BuildServing adds the serving graph of a.MLP behind a.Features to s (see Augmented).
func (a Augmented) BuildServing(s *op.Scope, o serving.Options) (*serving.Graph, error) {
	if a.MLP == nil || a.Features == nil {
		return nil, fmt.Errorf("mlp: augmented serving graph: no MLP or no features")
	}
	if a.Inputs <= 0 || a.Inputs >= a.MLP.cfg.Inputs {
		return nil, fmt.Errorf("mlp: augmented serving graph: %d input columns for an MLP of %d inputs, want between 1 and %d", a.Inputs, a.MLP.cfg.Inputs, a.MLP.cfg.Inputs-1)
	}
	return a.MLP.buildServing(s, o, a.Inputs, a.Features)
}

// buildServing builds the signatures on inputs columns; with f, the network's input is each row
// followed by f's features of it, which must make up the network's Inputs columns.
func (m *MLP) buildServing(s *op.Scope, o serving.Options, inputs int, f Featurer) (*serving.Graph, error) {
	c := m.cfg
	kernels, biases, err := m.Weights()
	if err != nil {
		return nil, err
	}
	sg := serving.NewGraph(o)
	var features func(s *op.Scope, x tf.Output) tf.Output
	if f != nil {
		if features, err = f.ServingFeatures(s.SubScope("features"), sg); err != nil {
			return nil, nest.Within("mlp: features of the augmented input", err)
		}
	}
	augment := func(s *op.Scope, x tf.Output) tf.Output {
		if features == nil {
			return x
		}
		q := features(s.SubScope("features"), x)
		if q.Op == nil || s.Err() != nil { // e.g. features of another input width: reported below
			return x
		}
		if q.DataType() != x.DataType() {
			q = op.Cast(s.SubScope("cast"), q, x.DataType())
		}
		return op.ConcatV2(s.SubScope("augment"), []tf.Output{x, q}, op.Const(s.SubScope("axis"), int32(1)))
	}
	w, b := make([]tf.Output, len(c.Layers)), make([]tf.Output, len(c.Layers))
	for i, sh := range c.shapes() {
		if w[i], err = sg.Variable(s, layerName(i)+"/kernel", c.DType, []int64{int64(sh[0]), int64(sh[1])}, kernels[i]); err != nil {
			return nil, nest.Within("mlp: ", err)
		}
		if b[i], err = sg.Variable(s, layerName(i)+"/bias", c.DType, []int64{int64(sh[1])}, biases[i]); err != nil {
			return nil, nest.Within("mlp: ", err)
		}
	}
	bnVals, err := m.bnValues()
	if err != nil {
		return nil, err
	}
	bn := make([]bnRead, len(c.Layers))
	for i, vals := range bnVals {
		if vals == nil {
			continue
		}
		var reads [4]tf.Output
		for j, v := range m.bn[i].all() {
			if reads[j], err = sg.Variable(s, v.Name, c.DType, v.Shape, vals[j]); err != nil {
				return nil, nest.Within("mlp: ", err)
			}
		}
		bn[i] = bnRead{reads[0], reads[1], reads[2], reads[3]}
	}
	var feeds, xs [2]tf.Output
	for i, name := range []string{"probabilities_inputs", "classify_inputs"} {
		if feeds[i], xs[i], err = sg.Input(s.SubScope(name), c.DType, inputs); err != nil {
			return nil, nest.Within("mlp: ", err)
		}
	}
	ps := s.SubScope("probabilities_net")
	x := augment(ps, xs[0])
	pl, _ := forward(ps, c, w, b, bn, x, nil, false)
	probs := outputActivation(ps, c, pl)
	sg.Signatures["serving_default"] = serving.Signature{
		Inputs:  map[string]tf.Output{"inputs": feeds[0]},
		Outputs: map[string]tf.Output{"probabilities": op.Identity(s.SubScope("probabilities"), probs)},
	}
	cs := s.SubScope("classify_net")
	x = augment(cs, xs[1])
	logits, _ := forward(cs, c, w, b, bn, x, nil, false)
	classes := op.ArgMax(cs.SubScope("argmax"), logits, op.Const(cs.SubScope("axis"), int32(1)), op.ArgMaxOutputType(tf.Int64))
	sg.Signatures["classify"] = serving.Signature{
		Inputs:  map[string]tf.Output{"inputs": feeds[1]},
		Outputs: map[string]tf.Output{"classes": op.Identity(s.SubScope("classes"), classes)},
	}
	if err := s.Err(); err != nil {
		return nil, nest.Within("mlp: build serving graph", err)
	}
	return sg, nil
}
