// Package tsne embeds high-dimensional points in the plane with t-distributed stochastic
// neighbour embedding (t-SNE; van der Maaten & Hinton, JMLR 2008), by default with the
// Barnes-Hut approximation of van der Maaten (JMLR 2014), for pictures of learnt features.
//
// # Method
//
// The affinities P are computed once: each point i gets a Gaussian over its
// ⌊3·perplexity⌋+1 nearest neighbours (exact Euclidean k-NN) whose precision is found by
// bisection so that its entropy is log(perplexity) nats; the conditional p_{j|i} are then
// symmetrised, p_ij = (p_{j|i} + p_{i|j}) / Σ. The embedding Y starts from the data's first two
// principal components (scaled to a standard deviation of 1e-4) or from seeded Gaussian noise,
// and follows gradient descent on KL(P‖Q), with Q the Student-t (one degree of freedom)
// affinities of Y:
//
//	∂C/∂y_i = 4 Σ_j (α·p_ij − q_ij) (1 + ‖y_i − y_j‖²)⁻¹ (y_i − y_j)
//
// with the early exaggeration α (12 for the first 250 iterations, then 1), momentum (0.5,
// then 0.8) and the per-coordinate gains of Jacobs (1988). The attractive part runs over the
// sparse P; the repulsive part over all pairs is summarised with a quadtree: a cell of width
// w whose centre of mass is at distance d from y_i stands for all its points when w/d < θ.
// Config.Exact selects the O(N²) method instead: P over all pairs and the exact repulsive
// forces (for sets of a few thousand points).
//
// The defaults are scikit-learn's TSNE's (version 1.2 and later): perplexity 30, θ 0.5, 1000
// iterations, learning rate max(N/α/4, 50), PCA initialisation.
//
// # Reproducibility
//
// The same data, Config and Seed give the same embedding bit for bit, whatever the number of
// goroutines: work is split over points, every point's sums run in a fixed order, and
// sums over points are taken in point order.
//
//	res, err := tsne.Embed(ctx, features, tsne.Config{Seed: 1})
//	if err != nil {
//		return err
//	}
//	acc, err := tsne.NeighborAccuracy(res.Y, labels, 5, 0) // leave-one-out 5-NN accuracy in 2-D
package tsne
