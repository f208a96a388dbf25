package mlp

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/export/serving"
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
	c := m.cfg
	kernels, biases, err := m.Weights()
	if err != nil {
		return nil, err
	}
	sg := serving.NewGraph(o)
	w, b := make([]tf.Output, len(c.Layers)), make([]tf.Output, len(c.Layers))
	for i, sh := range c.shapes() {
		if w[i], err = sg.Variable(s, layerName(i)+"/kernel", c.DType, []int64{int64(sh[0]), int64(sh[1])}, kernels[i]); err != nil {
			return nil, fmt.Errorf("mlp: %w", err)
		}
		if b[i], err = sg.Variable(s, layerName(i)+"/bias", c.DType, []int64{int64(sh[1])}, biases[i]); err != nil {
			return nil, fmt.Errorf("mlp: %w", err)
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
				return nil, fmt.Errorf("mlp: %w", err)
			}
		}
		bn[i] = bnRead{reads[0], reads[1], reads[2], reads[3]}
	}
	var feeds, xs [2]tf.Output
	for i, name := range []string{"probabilities_inputs", "classify_inputs"} {
		if feeds[i], xs[i], err = sg.Input(s.SubScope(name), c.DType, c.Inputs); err != nil {
			return nil, fmt.Errorf("mlp: %w", err)
		}
	}
	x := xs[0]
	ps := s.SubScope("probabilities_net")
	pl, _ := forward(ps, c, w, b, bn, x, nil, false)
	probs := outputActivation(ps, c, pl)
	sg.Signatures["serving_default"] = serving.Signature{
		Inputs:  map[string]tf.Output{"inputs": feeds[0]},
		Outputs: map[string]tf.Output{"probabilities": op.Identity(s.SubScope("probabilities"), probs)},
	}
	x = xs[1]
	cs := s.SubScope("classify_net")
	logits, _ := forward(cs, c, w, b, bn, x, nil, false)
	classes := op.ArgMax(cs.SubScope("argmax"), logits, op.Const(cs.SubScope("axis"), int32(1)), op.ArgMaxOutputType(tf.Int64))
	sg.Signatures["classify"] = serving.Signature{
		Inputs:  map[string]tf.Output{"inputs": feeds[1]},
		Outputs: map[string]tf.Output{"classes": op.Identity(s.SubScope("classes"), classes)},
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("mlp: build serving graph: %w", err)
	}
	return sg, nil
}
