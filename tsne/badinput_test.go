package tsne

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestBadInput checks that bad data and settings are errors naming the problem, not panics.
func TestBadInput(t *testing.T) {
	x, labels := blobs(20, 3, 2, 1)
	nan := &dataset.Matrix[float64]{Rows: 20, Cols: 3, Data: append([]float64(nil), x.Data...)}
	nan.Data[7] = math.NaN()
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"nil data", embedErr(ctx, nil, Config{}), ErrShape},
		{"one row", embedErr(ctx, dataset.NewMatrix[float64](1, 3), Config{}), ErrShape},
		{"ragged", embedErr(ctx, &dataset.Matrix[float64]{Rows: 2, Cols: 3, Data: make([]float64, 5)}, Config{}), ErrShape},
		{"NaN", embedErr(ctx, nan, Config{Perplexity: 5}), ErrValue},
		{"perplexity ≥ N", embedErr(ctx, x, Config{}), ErrArgument},
		{"negative perplexity", embedErr(ctx, x, Config{Perplexity: -1}), ErrArgument},
		{"negative θ", embedErr(ctx, x, Config{Perplexity: 5, Theta: -0.5}), ErrArgument},
		{"exaggeration < 1", embedErr(ctx, x, Config{Perplexity: 5, Exaggeration: 0.5}), ErrArgument},
		{"momentum 1", embedErr(ctx, x, Config{Perplexity: 5, Momentum: 1}), ErrArgument},
		{"init", embedErr(ctx, x, Config{Perplexity: 5, Init: "spectral"}), ErrArgument},
		{"k = N", affErr(x, 5, 20), ErrArgument},
		{"perplexity > k", affErr(x, 8, 7), ErrArgument},
		{"labels", accErr(x, labels[:5], 3), ErrShape},
		{"negative label", accErr(x, append([]int{-1}, labels[1:]...), 3), ErrValue},
		{"k = 0", accErr(x, labels, 0), ErrArgument},
		{"KL of a 20×3 embedding", klErr(x, x), ErrShape},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, tc.err, tc.want)
		}
	}
}

func embedErr(ctx context.Context, x *dataset.Matrix[float64], c Config) error {
	_, err := Embed(ctx, x, c)
	return err
}

func affErr(x *dataset.Matrix[float64], perplexity float64, k int) error {
	_, err := NewAffinities(x, perplexity, k, 1)
	return err
}

func accErr(y *dataset.Matrix[float64], labels []int, k int) error {
	_, err := NeighborAccuracy(y, labels, k, 1)
	return err
}

func klErr(x, y *dataset.Matrix[float64]) error {
	p, err := NewAffinities(x, 5, 15, 1)
	if err != nil {
		return err
	}
	_, err = KL(p, y, 1)
	return err
}
