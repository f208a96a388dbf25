// Package serving holds what a model hands to export: an inference-only copy of the trained
// model built into a graph, as resource variables with their values and named signatures. The
// model packages build it (rbm, dbm and mlp BuildServing) and package export writes it as a
// SavedModel; this package lets the models do so without importing export.
package serving

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"

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
