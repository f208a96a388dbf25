// Package dbm implements deep Boltzmann machines of any depth (Salakhutdinov & Hinton 2009):
// layers of any rbm.Unit type (Bernoulli or Multinomial hidden layers; a Bernoulli, Gaussian or
// Multinomial visible layer) connected in a chain, trained as TensorFlow graphs built from Go.
//
// # Building and training
//
// FromRBMs composes a DBM from greedily pretrained RBMs (train the bottom one with
// rbm.Config.DBMFirst, the top one with DBMLast and any middle ones with neither; others are
// refused with ErrNotPretrained), halving middle weights and averaging the biases of shared
// layers; New starts from random weights. Fit trains jointly: persistent
// contrastive divergence with Particles chains and GibbsSteps sweeps per update for the model
// term, mean-field inference for the data term, then L2, sparsity, classical momentum and a
// max-norm cap on weight columns. Training data live in the graph, as in package rbm, and a
// run saved after an epoch and loaded again continues bit for bit.
//
// # Inference and evaluation
//
// Transform returns the top layer's variational posterior (the DBM's features), Reconstruct
// E[v | μ₁], MeanField every layer's μ, and Sample runs Gibbs chains through all layers. AISLogZ
// estimates the partition function by annealed importance sampling for any depth and unit
// types: the state is the odd layers, the even ones (the visible layer included) are summed out
// analytically, and the base model is the DBM without interactions, whose partition function is
// exact. ExactLogZ enumerates tiny models; LowerBound gives the variational bound on log p(x).
// BuildServing lets package export write a SavedModel.
//
//	m, err := dbm.FromRBMs(dbm.Config{Epochs: 20, MaxNorm: 4}, rbm1, rbm2)
//	if err != nil { … }
//	defer m.Close()
//	_, err = m.Fit(ctx, train, val, nil)
//	z, err := m.AISLogZ(ctx, dbm.AISOptions{Betas: 20000, Runs: 100})
//	bound, err := m.LowerBound(test, z.LogZ) // per test row, ≤ log p(x)
//
// # Where this package departs from the original code
//
//   - Mean-field starts each minibatch from a bottom-up pass with doubled input from below
//     (Salakhutdinov & Hinton 2009) and stops per minibatch at the tolerance; the original
//     starts from the previous minibatch's μ (its recognition pass is dead code), which is also
//     why it needs every batch, validation and transform included, to have exactly BatchSize
//     rows. Here any number of rows works.
//   - Sparsity: per hidden layer, the mean (not the sum) of the mean-field activities drives
//     cost·(q − target) on biases and, times the mean input from below, on weights; the
//     original indexes the activity vector by the layer number.
//   - Momentum is classical (see package rbm).
//   - AIS anneals from the biases-only model, not the uniform distribution, evaluates each
//     weight before its transition (the standard order), and works for any depth and unit types
//     (the original: 2-layer binary DBMs only). The lower bound works for any depth with
//     Bernoulli hidden layers.
//   - A 1-hidden-layer DBM from one RBM is that RBM (the original halves its hidden bias).
//   - Validation, Transform and Reconstruct never touch the persistent chains.
//   - Gaussian visible units use v/σ consistently, for any σ.
package dbm
