// Package serving holds what a model hands to export: an inference-only copy of the trained
// model built into a graph, as resource variables with their values and named signatures. The
// model packages build it (rbm, dbm and mlp BuildServing) and package export writes it as a
// SavedModel; this package lets the models do so without importing export.
package serving

import (
	"fmt"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// Options configure a serving graph.
type Options struct {
	// Steps is the number of Gibbs steps a sampling signature unrolls (≤ 0: the model's default).
	Steps int
	// Standardizer, if set, puts the model's input standardization into the graph, so that it
	// takes raw data as the model's training data was before standardization: inputs become
	// (x − Mean)/Std inside (a Std below dataset.MinStd counts as 1, as in training), and outputs
	// that live in the input's space (reconstructions, samples) are mapped back (·Std + Mean).
	Standardizer *dataset.Standardizer
}

// A Graph is an inference-only copy of a trained model built into a graph.
type Graph struct {
	opts Options
	err  error // the first error of Output
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

// NewGraph returns an empty serving graph with options o.
func NewGraph(o Options) *Graph { return &Graph{opts: o, Signatures: map[string]Signature{}} }

// Steps returns the Gibbs steps of a sampling signature: Options.Steps, or def when that is ≤ 0.
func (g *Graph) Steps(def int) int {
	if g.opts.Steps <= 0 {
		return def
	}
	return g.opts.Steps
}

// Input adds an input placeholder of dtype dt for rows of cols values, and returns it (what a
// signature names as its input) and the tensor the model computes on: the placeholder itself,
// or its standardization with Options.Standardizer. The standardizer must have cols features.
func (g *Graph) Input(s *op.Scope, dt tf.DataType, cols int) (feed, x tf.Output, err error) {
	feed = op.Placeholder(s, dt, op.PlaceholderShape(tf.MakeShape(-1, int64(cols))))
	st := g.opts.Standardizer
	if st == nil {
		return feed, feed, nil
	}
	if len(st.Mean) != cols || len(st.Std) != cols {
		return feed, feed, fmt.Errorf("serving graph: a standardizer of %d means and %d stds for %d input columns", len(st.Mean), len(st.Std), cols)
	}
	mean, inv, err := g.affine(dt, true)
	if err != nil {
		return feed, feed, err
	}
	ss := s.SubScope("standardize")
	return feed, op.Mul(ss, op.Sub(ss, feed, op.Const(ss.SubScope("mean"), mean)), op.Const(ss.SubScope("inv_std"), inv)), nil
}

// Output returns y, rows in the model's input (standardized) space, mapped back to the raw
// data's space with Options.Standardizer (y itself without one), as an op named name. An error
// is kept for Err.
func (g *Graph) Output(s *op.Scope, name string, y tf.Output) tf.Output {
	if g.opts.Standardizer != nil {
		mean, sd, err := g.affine(y.DataType(), false)
		if err != nil {
			if g.err == nil {
				g.err = err
			}
		} else {
			ss := s.SubScope(name + "_unstandardize")
			y = op.AddV2(ss, op.Mul(ss, y, op.Const(ss.SubScope("std"), sd)), op.Const(ss.SubScope("mean"), mean))
		}
	}
	return op.Identity(s.SubScope(name), y)
}

// Err returns the first error of Output.
func (g *Graph) Err() error { return g.err }

// affine returns the standardizer's means and its stds (inverted with inverse) as tensors of
// dtype dt, a Std below dataset.MinStd counting as 1.
func (g *Graph) affine(dt tf.DataType, inverse bool) (mean, scale *tf.Tensor, err error) {
	st := g.opts.Standardizer
	sd := make([]float64, len(st.Std))
	for j, v := range st.Std {
		if v < dataset.MinStd || math.IsNaN(v) {
			v = 1
		}
		if sd[j] = v; inverse {
			sd[j] = 1 / v
		}
	}
	if mean, err = tfops.TensorAs(st.Mean, dt, int64(len(st.Mean))); err != nil {
		return nil, nil, fmt.Errorf("serving graph: %w", err)
	}
	if scale, err = tfops.TensorAs(sd, dt, int64(len(sd))); err != nil {
		return nil, nil, fmt.Errorf("serving graph: %w", err)
	}
	return mean, scale, nil
}

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
