package tsne

import (
	"fmt"
	"math"
	"runtime"
)

// Config holds the settings of Embed. The zero value of every field is its documented default
// (scikit-learn's TSNE's since version 1.2), so Config{} is a usable configuration.
type Config struct {
	// Perplexity is the effective number of neighbours each point's Gaussian is calibrated
	// to. Zero means 30. It must be less than the number of points.
	Perplexity float64

	// Exact selects the O(N²) method: P over all pairs and exact repulsive forces, with N²
	// memory for P. Default false: Barnes-Hut, with P over the ⌊3·Perplexity⌋+1 nearest
	// neighbours and repulsive forces from a quadtree.
	Exact bool

	// Theta is the Barnes-Hut accuracy: a quadtree cell of width w whose centre of mass is at
	// distance d from a point stands for all its points when w/d < Theta. Zero means 0.5;
	// it must not be negative (a tiny positive value gives the exact forces). Ignored when
	// Exact.
	Theta float64

	// Iterations is the number of gradient steps, the exaggerated ones included. Zero means
	// 1000.
	Iterations int

	// ExaggerationIterations is the number of first steps taken with P multiplied by
	// Exaggeration and with Momentum. Zero means 250; it is capped at Iterations.
	ExaggerationIterations int

	// Exaggeration is the early exaggeration α. Zero means 12; it must be at least 1.
	Exaggeration float64

	// LearningRate is the step size. Zero means max(N/Exaggeration/4, 50), scikit-learn's
	// "auto" (Belkina et al., Nat. Commun. 2019).
	LearningRate float64

	// Momentum is the momentum of the exaggerated steps, FinalMomentum that of the others.
	// Zero means 0.5 and 0.8; they must be in [0, 1).
	Momentum, FinalMomentum float64

	// MinGradNorm stops the descent early when the gradient's Euclidean norm falls below it.
	// Zero means 1e-7.
	MinGradNorm float64

	// Init is the start of the embedding: "pca" (the default, when empty): the data's first
	// two principal components, scaled so that the first has standard deviation 1e-4; or
	// "random": Gaussian noise of standard deviation 1e-4 drawn from Seed.
	Init string

	// Seed seeds the random start. The same data, Config and Seed give the same embedding bit
	// for bit.
	Seed uint64

	// Workers is the number of goroutines. Zero means runtime.GOMAXPROCS(0). The result does
	// not depend on it.
	Workers int

	// OnIteration, if not nil, is called after every gradient step. A non-nil error stops
	// Embed, which returns it wrapped.
	OnIteration func(Progress) error
}

// Progress describes one gradient step for Config.OnIteration.
type Progress struct {
	// Iteration counts the steps taken, from 1 to Iterations.
	Iteration, Iterations int
	// KL is the Kullback-Leibler divergence KL(P‖Q) of the embedding (P exaggerated during
	// the exaggerated steps), with Q's normalisation as estimated by the step's repulsive
	// forces; it is computed every 50 steps and at the last, and is NaN at the others.
	KL float64
	// GradNorm is the Euclidean norm of the step's gradient.
	GradNorm float64
}

// defaults returns c with its zero fields set to their defaults, for n points.
func (c Config) defaults(n int) Config {
	if c.Perplexity == 0 {
		c.Perplexity = 30
	}
	if c.Theta == 0 {
		c.Theta = 0.5
	}
	if c.Iterations == 0 {
		c.Iterations = 1000
	}
	if c.ExaggerationIterations == 0 {
		c.ExaggerationIterations = 250
	}
	c.ExaggerationIterations = min(c.ExaggerationIterations, c.Iterations)
	if c.Exaggeration == 0 {
		c.Exaggeration = 12
	}
	if c.LearningRate == 0 {
		c.LearningRate = math.Max(float64(n)/c.Exaggeration/4, 50)
	}
	if c.Momentum == 0 {
		c.Momentum = 0.5
	}
	if c.FinalMomentum == 0 {
		c.FinalMomentum = 0.8
	}
	if c.MinGradNorm == 0 {
		c.MinGradNorm = 1e-7
	}
	if c.Init == "" {
		c.Init = "pca"
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	return c
}

// Validate reports the first invalid field of c (with its defaults filled in) for n points,
// as an error wrapping ErrArgument.
func (c Config) Validate(n int) error {
	d := c.defaults(n)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("tsne: config: "+format+": %w", append(args, ErrArgument)...)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !finite(d.Perplexity) || d.Perplexity <= 0:
		return bad("Perplexity = %g, want a positive number", c.Perplexity)
	case d.Perplexity >= float64(n):
		return bad("Perplexity = %g, want less than the %d points", d.Perplexity, n)
	case !finite(d.Theta) || d.Theta < 0:
		return bad("Theta = %g, want a number ≥ 0", c.Theta)
	case d.Iterations < 0:
		return bad("Iterations = %d, want a positive number", c.Iterations)
	case c.ExaggerationIterations < 0:
		return bad("ExaggerationIterations = %d, want a number ≥ 0", c.ExaggerationIterations)
	case !finite(d.Exaggeration) || d.Exaggeration < 1:
		return bad("Exaggeration = %g, want a number ≥ 1", c.Exaggeration)
	case !finite(d.LearningRate) || d.LearningRate <= 0:
		return bad("LearningRate = %g, want a positive number", c.LearningRate)
	case !(d.Momentum >= 0 && d.Momentum < 1):
		return bad("Momentum = %g, want a number in [0, 1)", c.Momentum)
	case !(d.FinalMomentum >= 0 && d.FinalMomentum < 1):
		return bad("FinalMomentum = %g, want a number in [0, 1)", c.FinalMomentum)
	case !finite(d.MinGradNorm) || d.MinGradNorm < 0:
		return bad("MinGradNorm = %g, want a number ≥ 0", c.MinGradNorm)
	case d.Init != "pca" && d.Init != "random":
		return bad("Init = %q, want \"pca\" or \"random\"", c.Init)
	case d.Workers < 0:
		return bad("Workers = %d, want a number ≥ 0", c.Workers)
	}
	return nil
}
