package tfops

import tf "github.com/galeone/tensorflow/tensorflow/go"

// A ServingGraph is an inference-only copy of a trained model built into a graph: resource
// variables (with the values to give them) and named signatures. Models build it; the export
// package writes it as a SavedModel, so models never import export.
type ServingGraph struct {
	// Variables are the model's parameters in the serving graph, and Values their trained values
	// in the same order.
	Variables []*Variable
	Values    []*tf.Tensor
	// Signatures maps a signature key ("serving_default", "reconstruct", ...) to its named inputs
	// and outputs.
	Signatures map[string]ServingSignature
}

// A ServingSignature names the inputs and outputs of one serving function.
type ServingSignature struct {
	Inputs, Outputs map[string]tf.Output
}
