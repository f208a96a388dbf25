// Package optim holds update rules for parameters that live in TensorFlow resource variables,
// written once as values in the optax style: a rule is a plain struct of hyperparameters; it
// declares the state (slot variables) it needs and adds to a graph the ops that turn gradients
// into new parameter and state values.
//
// A rule never reads the gradients itself: the caller computes them (with op.Gradients or by
// hand, as contrastive divergence does) and passes them in, so the same rule serves a
// discriminative network trained by backpropagation and a Boltzmann machine trained by sampling.
// Every rule is written once for float32 and float64: the dtype is taken from the parameters.
//
// Adam is here today (with per-parameter learning-rate multipliers, as the original's MultiAdam).
// It is the home of the other rules of the project as they move out of the model packages.
package optim
