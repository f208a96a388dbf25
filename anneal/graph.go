package anneal

import (
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// Graph is Chains over a model's annealing graph: the ops every such graph has, and the session
// calls on them. A model builds the graph, fills a Graph and supplies Start.
type Graph struct {
	// Run runs the model's session and returns every fetch as float64 values.
	Run   func(feeds map[tf.Output]*tf.Tensor, fetches []tf.Output, targets []*tf.Operation) ([][]float64, error)
	DType tf.DataType
	// Runs (int32 scalar), Betas ([Chunk+1] of DType) and K0 (int64 scalar) are fed to Init and
	// Chunk; Base are the base distribution's bias placeholders, fed BaseValues with every run.
	Runs, Betas, K0 tf.Output
	Base            []tf.Output
	BaseValues      []*tf.Tensor
	Init, Chunk     *tf.Operation
	LogW, LogZ0     tf.Output
	// Start sets runs chains at rows first, first+1, … of the model's start data with zero
	// log-weights (StartAt; Blocks gives each block its rows).
	Start func(g *Graph, first, runs int) error
}

// Feeds adds the base biases to extra and returns it.
func (g *Graph) Feeds(extra map[tf.Output]*tf.Tensor) map[tf.Output]*tf.Tensor {
	for i, b := range g.BaseValues {
		extra[g.Base[i]] = b
	}
	return extra
}

// Reset runs Init for runs chains (one block: see Blocks).
func (g *Graph) Reset(runs int) error { return Blocks{g}.Reset(runs) }

// StartAt calls Start for the first runs rows.
func (g *Graph) StartAt(runs int) error { return g.Start(g, 0, runs) }

// Step runs Chunk along betas.
func (g *Graph) Step(betas []float64, k0 int64) error { return Blocks{g}.Step(betas, k0) }

// LogWeights reads the log-weights and log Z₀.
func (g *Graph) LogWeights() ([]float64, float64, error) { return Blocks{g}.LogWeights() }

// LogitRates returns the biases of independent binary units with the given means (clipped to
// [1e-6, 1 − 1e-6], for pixels that are always 0 or 1): the base-rate base of binary units.
func LogitRates(rates []float64) []float64 {
	out := make([]float64, len(rates))
	for i, r := range rates {
		r = math.Min(math.Max(r, 1e-6), 1-1e-6)
		out[i] = math.Log(r / (1 - r))
	}
	return out
}
