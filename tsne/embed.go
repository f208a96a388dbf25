package tsne

import (
	"context"
	"fmt"
	"math"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// Result is an embedding and how well it fits.
type Result struct {
	// Y holds the embedding: row i is the 2-D position of row i of the data.
	Y *dataset.Matrix[float64]
	// KL is the final KL(P‖Q), computed exactly (Q's normalisation over all pairs).
	KL float64
	// Iterations is the number of gradient steps taken.
	Iterations int
}

// Embed maps the rows of x to the plane by t-SNE with the settings of cfg (see the package
// documentation). It checks ctx between gradient steps and returns ctx's error wrapped when it
// is done.
//
// It returns an error wrapping ErrShape for a malformed x or one with fewer than 2 rows,
// ErrValue for a NaN or infinite entry, and ErrArgument for an invalid cfg (see
// Config.Validate).
func Embed(ctx context.Context, x *dataset.Matrix[float64], cfg Config) (*Result, error) {
	const what = "tsne: embed"
	if err := checkData(what, x); err != nil {
		return nil, err
	}
	if err := cfg.Validate(x.Rows); err != nil {
		return nil, err
	}
	c := cfg.defaults(x.Rows)
	k := Neighbors(c.Perplexity, x.Rows)
	if c.Exact {
		k = x.Rows - 1
	}
	p, err := NewAffinities(x, c.Perplexity, k, c.Workers)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	y, err := initial(x, c.Init, c.Seed)
	if err != nil {
		return nil, err
	}
	return optimize(ctx, p, y, c)
}

// EmbedAffinities is Embed for affinities computed already (NewAffinities), starting from the
// n×2 embedding init (which it does not modify); cfg.Perplexity and cfg.Init are not used.
// Exact repulsion over all pairs is used when cfg.Exact; P is used as given either way.
func EmbedAffinities(ctx context.Context, p *Affinities, init *dataset.Matrix[float64], cfg Config) (*Result, error) {
	const what = "tsne: embed"
	if err := checkAffinities(what, p); err != nil {
		return nil, err
	}
	if err := checkEmbedding(what, init, p.N); err != nil {
		return nil, err
	}
	cfg.Perplexity = 1 // not used; 1 passes Validate for any N ≥ 2
	if err := cfg.Validate(p.N); err != nil {
		return nil, err
	}
	y := &dataset.Matrix[float64]{Rows: p.N, Cols: 2, Data: append([]float64(nil), init.Data...)}
	return optimize(ctx, p, y, cfg.defaults(p.N))
}

// optimize runs the gradient descent from y (which it updates) with the settings c (defaults
// filled in), as van der Maaten's bhtsne and scikit-learn: momentum, gains
// (+0.2 where the step changes direction, ×0.8 elsewhere, at least 0.01), the embedding
// recentred after every step.
func optimize(ctx context.Context, p *Affinities, y *dataset.Matrix[float64], c Config) (*Result, error) {
	const (
		what      = "tsne: embed"
		minGain   = 0.01
		checkKLAt = 50
	)
	n := p.N
	f := &forces{p: p, exact: c.Exact, theta: c.Theta, workers: c.Workers}
	grad := make([]float64, 2*n)
	update := make([]float64, 2*n)
	gains := make([]float64, 2*n)
	for k := range gains {
		gains[k] = 1
	}
	it := 0
	for it < c.Iterations {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: step %d: %w", what, it+1, err)
		}
		exag, mom := 1.0, c.FinalMomentum
		if it < c.ExaggerationIterations {
			exag, mom = c.Exaggeration, c.Momentum
		}
		z := f.gradient(y.Data, grad, exag)
		norm := 0.0
		for k, g := range grad {
			norm += g * g
			if update[k]*g < 0 {
				gains[k] += 0.2
			} else {
				gains[k] *= 0.8
			}
			gains[k] = math.Max(gains[k], minGain)
			update[k] = mom*update[k] - c.LearningRate*gains[k]*g
			y.Data[k] += update[k]
		}
		norm = math.Sqrt(norm)
		center(y.Data)
		it++
		if math.IsNaN(norm) || math.IsInf(norm, 0) {
			return nil, fmt.Errorf("%s: step %d: the gradient is %v (learning rate %g too large?): %w", what, it, norm, c.LearningRate, ErrValue)
		}
		if c.OnIteration != nil {
			pr := Progress{Iteration: it, Iterations: c.Iterations, KL: math.NaN(), GradNorm: norm}
			if it%checkKLAt == 0 || it == c.Iterations {
				pr.KL = klWithZ(p, y.Data, z, exag, c.Workers)
			}
			if err := c.OnIteration(pr); err != nil {
				return nil, fmt.Errorf("%s: step %d: %w", what, it, err)
			}
		}
		if norm < c.MinGradNorm {
			break
		}
	}
	return &Result{Y: y, KL: klWithZ(p, y.Data, exactZ(y.Data, c.Workers), 1, c.Workers), Iterations: it}, nil
}

// center subtracts the mean of the n×2 points y from each.
func center(y []float64) {
	n := len(y) / 2
	mx, my := 0.0, 0.0
	for i := range n {
		mx += y[2*i]
		my += y[2*i+1]
	}
	mx /= float64(n)
	my /= float64(n)
	for i := range n {
		y[2*i] -= mx
		y[2*i+1] -= my
	}
}

// KL returns KL(P‖Q) = Σ p_ij log(p_ij/q_ij) of the n×2 embedding y, with q_ij =
// w_ij / Σ_{k≠l} w_kl and w_ij = 1/(1+‖y_i−y_j‖²), exactly (O(N²) time). workers
// goroutines share the work (0: runtime.GOMAXPROCS(0)). It returns an error wrapping ErrShape
// if y is not N×2 for P's N points, and ErrValue if it holds a NaN or infinite coordinate.
func KL(p *Affinities, y *dataset.Matrix[float64], workers int) (float64, error) {
	const what = "tsne: kl"
	if err := checkAffinities(what, p); err != nil {
		return 0, err
	}
	if err := checkEmbedding(what, y, p.N); err != nil {
		return 0, err
	}
	workers = defaultWorkers(workers)
	return klWithZ(p, y.Data, exactZ(y.Data, workers), 1, workers), nil
}

// checkAffinities checks the shape of p's compressed rows.
func checkAffinities(what string, p *Affinities) error {
	if p == nil || p.N < 2 || len(p.RowPtr) != p.N+1 || p.RowPtr[0] != 0 || p.RowPtr[p.N] != len(p.Col) || len(p.Col) != len(p.Val) {
		return fmt.Errorf("%s: affinities are not %s: %w", what, "well-formed compressed rows of at least 2 points", ErrShape)
	}
	for i := range p.N {
		if p.RowPtr[i+1] < p.RowPtr[i] {
			return fmt.Errorf("%s: affinities: row %d ends before it starts: %w", what, i, ErrShape)
		}
	}
	for _, j := range p.Col {
		if j < 0 || int(j) >= p.N {
			return fmt.Errorf("%s: affinities: column %d outside 0..%d: %w", what, j, p.N-1, ErrShape)
		}
	}
	return nil
}

// checkEmbedding checks that y is an n×2 matrix of finite numbers.
func checkEmbedding(what string, y *dataset.Matrix[float64], n int) error {
	if y == nil || y.Validate() != nil || y.Rows != n || y.Cols != 2 {
		rows, cols := 0, 0
		if y != nil {
			rows, cols = y.Rows, y.Cols
		}
		return fmt.Errorf("%s: the embedding is %d×%d, want %d×2: %w", what, rows, cols, n, ErrShape)
	}
	for i, v := range y.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: the embedding's row %d, column %d is %v: %w", what, i/2, i%2, v, ErrValue)
		}
	}
	return nil
}
