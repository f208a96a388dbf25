// Package rbm implements restricted Boltzmann machines (Hinton 2002; Hinton 2010, "A Practical
// Guide to Training Restricted Boltzmann Machines") whose training and inference run as
// TensorFlow graphs built from Go.
//
// # Models
//
// An RBM has NumVisible visible and NumHidden hidden units of any Unit type — Bernoulli,
// Multinomial (one or several softmax groups with M draws each) or Gaussian (visible, with a
// fixed σ per unit) — and energy
//
//	E(v, h) = SelfEnergy_v(v) + SelfEnergy_h(h) − Stat_v(v)ᵀ W Stat_h(h)
//
// Free energies, conditionals, sampling and exact enumeration are written once in terms of the
// Unit interface, so a new unit type is one file registered with RegisterUnit. The three models
// of the original project are Bernoulli-Bernoulli, Bernoulli-Multinomial and Gaussian-Bernoulli.
//
// # Training
//
// Fit trains with a training Method — CD-k (the default), PCD-k (Config.Persistent) or parallel
// tempering (Tempering), each a value plugged into the update — with per-epoch schedules of k,
// the learning rate and the momentum, L2 weight decay, visible dropout (Config.Keep, the keep
// probability), a sparsity target, the centering trick (Config.Centering), and the choice of
// sampled states or probabilities in the chain. The epoch loop, its checkpoints and its divergence check are package train's. The
// training data live in the graph: each Session.Run gathers UpdatesPerRun minibatches there and
// performs that many updates, so no weights or data cross between Go and TensorFlow per
// minibatch. Metrics (reconstruction error, pseudo-log-likelihood, free-energy gap, L2 loss,
// hidden activity) are reported per epoch to a callback; package summaries writes them, with
// histograms and images, as TensorBoard event files.
//
// Every random number derives from Config.Seed: the same seed gives the same weights bit for
// bit, in either dtype, and a run saved after an epoch and resumed with Load gives exactly the
// weights of a run that never stopped, whatever UpdatesPerRun is (see package tfops for the
// seeding scheme).
//
// # Example
//
// Train a Bernoulli RBM on MNIST (fetched by `make data`) and look at its features:
//
//	im, _, err := dataset.LoadMNIST("data/mnist", true)
//	if err != nil {
//		log.Fatal(err)
//	}
//	train, val, _, _, err := dataset.Split(dataset.ToMatrix[float32](im), nil, 55000, 5000, 42)
//	if err != nil {
//		log.Fatal(err)
//	}
//	m, err := rbm.New(rbm.Config{
//		NumVisible:      784,
//		NumHidden:       1024,
//		Seed:            1337,
//		InitVisibleBias: dataset.LogitMean(train),
//		Epochs:          10,
//		LearningRate:    []float64{0.01},
//		Momentum:        []float64{0.5, 0.6, 0.7, 0.8, 0.9},
//		L2:              rbm.F(1e-5),
//		Metrics:         rbm.Metrics{MSRE: true, PLL: true, FEG: true},
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer m.Close()
//	_, err = m.Fit(context.Background(), train, val, &rbm.FitOptions{
//		Dir: "runs/rbm", // saved after every epoch; rbm.Load resumes
//		OnEpoch: func(s rbm.EpochStats) error {
//			fmt.Printf("epoch %d: val msre %.4f, val pll %.2f\n", s.Epoch, s.Val["msre"], s.Val["pll"])
//			return nil
//		},
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	features, err := m.Transform(val) // p(h | v), 5000×1024
//
// The command bm train (cmd/bm) does the same with a progress bar and pictures.
//
// # Where this package departs from the original code
//
// The original (boltzmann-machines, TF1) deviates from the textbook in several places
// (its Appendix A). This package implements the textbook form; the differences are:
//
//   - Momentum: classical, Δ ← momentum·Δ + lr·gradient. The original computes
//     Δ ← lr·(momentum·Δ + gradient), so its velocity decays by lr·momentum and momentum is
//     almost inert. With classical momentum 0.9 the steady-state step is 10× the learning
//     rate, so bm train's default learning rate is 0.01 where the original uses 0.05 (measured
//     on MNIST in docs/RESULTS.md).
//   - Sparsity: the running estimate q is the batch mean (not sum) of the positive-phase
//     hidden probabilities, and the penalty cost·(q − target) reaches each weight through the
//     mean of its visible input (Hinton 2010, §11), not uniformly.
//   - Transform returns p(h | x) for the data x, without dropout; the original returns the
//     hidden probabilities after k Gibbs steps of reconstruction, with dropout applied.
//   - DBM pretraining (DBMFirst, DBMLast) doubles only the input from the other layer, as two
//     tied copies of a layer would; the original doubles the bias too.
//   - The Multinomial free energy is exact, M·Σ logsumexp; the original estimates it from one
//     random draw and leaves out the hidden bias.
//   - Gaussian units use Stat(v) = v/σ consistently, so any σ works; the original is
//     consistent only for σ = 1.
//   - The pseudo-log-likelihood is the per-sample estimate n·log σ(F(x̃) − F(x)), averaged over
//     rows; the original takes the batch mean of F inside the log-sigmoid, which is why its
//     values sit near 0.
//   - Schedules: epoch e uses element e−1 (the original skips element 0).
//   - PCD is available (the original has it for DBMs only).
//   - The initial sparsity estimate is the target, not 0, so the penalty starts at zero.
package rbm
