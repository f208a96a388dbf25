package tsne

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/venv"
)

// TestAgainstScikitLearn embeds the first 500 of scikit-learn's digits with both methods and
// compares the KL divergence and the 5-NN accuracy in the plane with scikit-learn's TSNE's on
// the same rows, both measured here with this package's P (so on the same scale).
func TestAgainstScikitLearn(t *testing.T) {
	if testing.Short() {
		t.Skip("scikit-learn's TSNE takes a few seconds")
	}
	const n, perplexity = 500, 30
	var ref struct {
		X       [][]float64
		Labels  []int
		Version string
		Exact   struct {
			Y  [][]float64
			KL float64
		}
		BarnesHut struct {
			Y  [][]float64
			KL float64
		} `json:"barnes_hut"`
	}
	venv.RunJSON(t, "testdata/sklearn_tsne.py", map[string]any{"n": n, "perplexity": perplexity, "seed": 0}, &ref)
	x := dataset.NewMatrix[float64](n, len(ref.X[0]))
	for i, r := range ref.X {
		copy(x.Row(i), r)
	}
	for _, tc := range []struct {
		name   string
		exact  bool
		skY    [][]float64
		skKL   float64
		thresh float64
	}{
		{"exact", true, ref.Exact.Y, ref.Exact.KL, 1.05},
		{"barnes-hut", false, ref.BarnesHut.Y, ref.BarnesHut.KL, 1.05},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Embed(context.Background(), x, Config{Exact: tc.exact, Seed: 1, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			k := n - 1
			if !tc.exact {
				k = Neighbors(perplexity, n)
			}
			p, err := NewAffinities(x, perplexity, k, 2)
			if err != nil {
				t.Fatal(err)
			}
			sk := dataset.NewMatrix[float64](n, 2)
			for i, r := range tc.skY {
				copy(sk.Row(i), r)
			}
			skKL, err := KL(p, sk, 2)
			if err != nil {
				t.Fatal(err)
			}
			acc, _ := NeighborAccuracy(res.Y, ref.Labels, 5, 2)
			skAcc, _ := NeighborAccuracy(sk, ref.Labels, 5, 2)
			t.Logf("scikit-learn %s: KL %.4f (its own report %.4f), 5-NN accuracy %.3f; ours: KL %.4f, 5-NN accuracy %.3f",
				ref.Version, skKL, tc.skKL, skAcc, res.KL, acc)
			// Different starts' local optima differ by a few per cent in KL (scikit-learn's
			// own runs with different seeds do); a worse optimiser would lose more.
			if res.KL > tc.thresh*skKL {
				t.Errorf("KL %.4f, scikit-learn's %.4f: more than %.0f %% worse", res.KL, skKL, 100*(tc.thresh-1))
			}
			if acc < skAcc-0.03 {
				t.Errorf("5-NN accuracy %.3f, scikit-learn's %.3f", acc, skAcc)
			}
		})
	}
}

// TestDeterministic checks that the same seed gives the same bits whatever the number of
// goroutines, and that another seed gives another random start.
func TestDeterministic(t *testing.T) {
	x, _ := blobs(400, 10, 4, 5)
	run := func(c Config) []float64 {
		t.Helper()
		c.Iterations = 300
		res, err := Embed(context.Background(), x, c)
		if err != nil {
			t.Fatal(err)
		}
		return res.Y.Data
	}
	for _, init := range []string{"pca", "random"} {
		a := run(Config{Init: init, Seed: 3, Workers: 1})
		b := run(Config{Init: init, Seed: 3, Workers: 3})
		c := run(Config{Init: init, Seed: 3, Workers: 2})
		if !slices.Equal(a, b) || !slices.Equal(a, c) {
			t.Errorf("init %s: the embeddings with 1, 3 and 2 workers differ", init)
		}
		d := run(Config{Init: init, Seed: 4, Workers: 2})
		if same := slices.Equal(a, d); same != (init == "pca") {
			t.Errorf("init %s: seeds 3 and 4 give the same embedding: %v", init, same)
		}
	}
}

// TestSeparatesBlobs checks that well-separated clusters stay separate in the plane.
func TestSeparatesBlobs(t *testing.T) {
	x, labels := blobs(600, 20, 6, 9)
	res, err := Embed(context.Background(), x, Config{Seed: 1, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := NeighborAccuracy(res.Y, labels, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	if acc < 0.99 {
		t.Errorf("5-NN accuracy %.3f in the plane, want ≥ 0.99 for separated blobs", acc)
	}
}

// TestStops checks OnIteration's reports and that its error (and a cancelled context) stop
// Embed.
func TestStops(t *testing.T) {
	x, _ := blobs(100, 5, 2, 1)
	stop := errors.New("enough")
	var seen []Progress
	_, err := Embed(context.Background(), x, Config{Perplexity: 10, OnIteration: func(p Progress) error {
		seen = append(seen, p)
		if p.Iteration == 60 {
			return stop
		}
		return nil
	}})
	if !errors.Is(err, stop) || len(seen) != 60 {
		t.Fatalf("err %v after %d steps, want %v after 60", err, len(seen), stop)
	}
	for _, p := range seen {
		if hasKL := !math.IsNaN(p.KL); hasKL != (p.Iteration == 50) || p.Iterations != 1000 {
			t.Errorf("step %d: %+v", p.Iteration, p)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Embed(ctx, x, Config{Perplexity: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v", err)
	}
}
