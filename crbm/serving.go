package crbm

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// BuildServing adds a serving graph of the model to s (for export.Write), with these
// signatures (inputs have a free batch dimension):
//
//	serving_default  inputs [n, NumVisible] → probabilities [n, Classes]: the exact p(y | x)
//	classify         inputs → classes [n] (int64, the most probable label, the smallest on
//	                 ties) and probabilities
//
// With o.Standardizer the inputs take raw data, standardized inside the graph as in training.
func (m *CRBM) BuildServing(s *op.Scope, o serving.Options) (*serving.Graph, error) {
	c := m.cfg
	pv, err := m.Params()
	if err != nil {
		return nil, err
	}
	sg := serving.NewGraph(o)
	nv, nh, k := int64(c.NumVisible), int64(c.NumHidden), int64(c.Classes)
	shapes := [][]int64{{nv, nh}, {k, nh}, {nv}, {nh}, {k}}
	var reads [5]tf.Output
	for i, name := range []string{"W", "U", "b", "c", "d"} {
		if reads[i], err = sg.Variable(s, "weights/"+name, c.DType, shapes[i], pv.list()[i]); err != nil {
			return nil, nest.Within("crbm: ", err)
		}
	}
	p := params{W: reads[0], U: reads[1], b: reads[2], c: reads[3], d: reads[4]}
	var feeds, xs [2]tf.Output
	for i, name := range []string{"probabilities_inputs", "classify_inputs"} {
		if feeds[i], xs[i], err = sg.Input(s.SubScope(name), c.DType, c.NumVisible); err != nil {
			return nil, nest.Within("crbm: ", err)
		}
	}
	ps := s.SubScope("probabilities")
	lg, _ := logits(ps, p, xs[0])
	sg.Signatures["serving_default"] = serving.Signature{
		Inputs:  map[string]tf.Output{"inputs": feeds[0]},
		Outputs: map[string]tf.Output{"probabilities": op.Softmax(ps.SubScope("softmax"), lg)},
	}
	cs := s.SubScope("classify")
	lg, _ = logits(cs, p, xs[1])
	sg.Signatures["classify"] = serving.Signature{
		Inputs: map[string]tf.Output{"inputs": feeds[1]},
		Outputs: map[string]tf.Output{
			"classes":       op.ArgMax(cs.SubScope("classes"), lg, op.Const(cs.SubScope("axis"), int32(1)), op.ArgMaxOutputType(tf.Int64)),
			"probabilities": op.Softmax(cs.SubScope("softmax"), lg),
		},
	}
	if err := sg.Err(); err != nil {
		return nil, nest.Within("crbm: ", err)
	}
	if err := s.Err(); err != nil {
		return nil, nest.Within("crbm: build serving graph", err)
	}
	return sg, nil
}
