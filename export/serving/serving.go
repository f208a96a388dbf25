// Package serving holds what a model hands to export: an inference-only copy of the trained
// model built into a graph, as resource variables with their values and named signatures. The
// model packages build it (rbm, dbm and mlp BuildServing) and package export writes it as a
// SavedModel; this package lets the models do so without importing export.
package serving

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// A Graph is an inference-only copy of a trained model built into a graph.
type Graph struct {
	// Variables are the model's parameters in the serving graph, and Values their trained values
	// in the same order.
	Variables []*tfops.Variable
	Values    []*tf.Tensor
	// Signatures maps a signature key ("serving_default", "reconstruct", ...) to its named inputs
	// and outputs.
	Signatures map[string]Signature
}

// A Signature names the inputs and outputs of one serving function.
type Signature struct {
	Inputs, Outputs map[string]tf.Output
}

// NewGraph returns an empty serving graph.
func NewGraph() *Graph { return &Graph{Signatures: map[string]Signature{}} }

// Variable adds to s a variable named name of dtype dt and shape holding values (row-major)
// in the export, and returns a read of it for the signatures' ops.
func (g *Graph) Variable(s *op.Scope, name string, dt tf.DataType, shape []int64, values []float64) (tf.Output, error) {
	v := tfops.NewVariable(s, name, dt, shape)
	t, err := tfops.TensorAs(values, dt, shape...)
	if err != nil {
		return tf.Output{}, fmt.Errorf("serving graph: variable %s: %w", name, err)
	}
	g.Variables, g.Values = append(g.Variables, v), append(g.Values, t)
	return v.Read(s), nil
}
