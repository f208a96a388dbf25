// Package crbm holds classification RBMs (Larochelle & Bengio, ICML 2008, "Classification
// using discriminative restricted Boltzmann machines"; Larochelle, Mandel, Pascanu & Bengio,
// JMLR 2012, "Learning algorithms for the classification restricted Boltzmann machine"): a
// restricted Boltzmann machine over binary visible units x and a one-hot label y of C classes,
// with binary hidden units h and the energy
//
//	E(x, y, h) = −xᵀWh − bᵀx − cᵀh − d_y − U_y·h
//
// (W is NumVisible×NumHidden and U_y is row y of U, Classes×NumHidden). The label's conditional is exact: summing h out analytically,
//
//	p(y | x) = exp(d_y + Σ_j softplus(c_j + U_yj + Σ_i x_i W_ij)) / Σ_y' exp(…)
//
// which is what PredictProba, Predict and Evaluate compute. Fit trains in one of three modes:
// Generative (CD-k on the joint p(x, y)), Discriminative (the exact gradient of log p(y | x))
// or Hybrid (the discriminative gradient plus Alpha times the generative one, the papers' best
// on MNIST), by minibatch SGD with optional momentum and L2 decay, and picks the epoch with the
// lowest validation error (with early stopping after FitOptions.Patience epochs without
// improvement). The graph is written once for float32 and float64; every random draw comes from
// stateless generators keyed by the model seed, a role and the update counter, so the same seed
// gives the same weights bit for bit on the CPU.
//
// A small example:
//
//	m, err := crbm.New(crbm.Config{NumVisible: 784, NumHidden: 500, Classes: 10, Mode: crbm.Discriminative})
//	if err != nil { ... }
//	defer m.Close()
//	_, err = m.Fit(ctx, xTrain, yTrain, xVal, yVal, &crbm.FitOptions{Patience: 5})
//	yPred, err := m.Predict(xTest)
//
// Models are saved as model folders (model.json and a TensorFlow checkpoint) like package rbm's.
package crbm
