package main

import (
	"cmp"
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/tsne"
)

func cmdTSNE(args []string) int {
	fs := newFlagSet("tsne", "bm tsne -data PATH [-model DIR | -features FILE] [-labels FILE] -out FILE.png [flags]")
	data := fs.String("data", "data/mnist", "data: an MNIST or CIFAR-10 folder (its labels colour the points), an IDX images file, a .npy matrix, a .npz archive (archive.npz:key) or a numeric .csv, as bm transform reads them")
	test := fs.Bool("test", false, "use the test set of an MNIST or CIFAR-10 folder (default: its training set)")
	features := fs.String("features", "", "embed these features (.npy or .csv, e.g. from bm transform -out) instead of -data's rows; -data then only gives the labels, unless -labels does")
	labelsPath := fs.String("labels", "", "the labels of the rows, a 1-D .npy of integers (e.g. from bm transform -labels-out); default: -data's, when it is an MNIST or CIFAR-10 folder")
	model := fs.String("model", "", "embed the hidden features of this model (folder or run folder, as bm transform -model) of -data's rows instead of the rows themselves")
	layer := fs.String("layer", "top", "with -model, a DBM's hidden layer: 1, 2, …, top or all (as bm transform -layer)")
	raw := fs.Bool("raw-input", true, "with -model, standardize the data as the model's training data were (as bm transform -raw-input)")
	n := fs.Int("n", 10000, "embed the first n rows (0: all)")
	out := fs.String("out", "tsne.png", "the scatter chart, PNG")
	embOut := fs.String("embedding-out", "", "also write the n×2 embedding to this .npy or .csv file")
	title := fs.String("title", "", "chart title (default: what was embedded and the k-NN accuracy)")
	perplexity := fs.Float64("perplexity", 30, "t-SNE perplexity (effective number of neighbours)")
	theta := fs.Float64("theta", 0.5, "Barnes-Hut accuracy θ (smaller: slower and more exact)")
	exact := fs.Bool("exact", false, "the exact O(N²) method instead of Barnes-Hut (a few thousand points at most)")
	iterations := fs.Int("iterations", 1000, "gradient steps (the first 250 with early exaggeration)")
	lr := fs.Float64("lr", 0, "learning rate (0: max(N/12/4, 50), scikit-learn's auto)")
	init := fs.String("init", "pca", "start: pca (first two principal components) or random (seeded)")
	seed := fs.Uint64("seed", 1, "seed of the random start (same seed, same picture)")
	k := fs.Int("k", 5, "neighbours of the leave-one-out k-NN accuracy reported for the embedding")
	inputAcc := fs.Bool("input-accuracy", false, "also report the leave-one-out k-NN accuracy in the embedded rows' own space, for comparison")
	workers := fs.Int("workers", 0, "goroutines (0: one per core); the result does not depend on it")
	quiet := fs.Bool("quiet", false, "no progress bar")
	var dev device
	dev.register(fs, "nothing is split")
	return command("tsne", fs, args, func() error {
		if err := dev.check(); err != nil {
			return err
		}
		switch {
		case *n < 0:
			return flagErr("n", "%d, want ≥ 0 (0: all rows)", *n)
		case *k < 1:
			return flagErr("k", "%d, want ≥ 1", *k)
		case *workers < 0:
			return flagErr("workers", "%d, want ≥ 0", *workers)
		case *model != "" && *features != "":
			return flagErr("features", "-features and -model both say what to embed: give one")
		case !strings.EqualFold(filepath.Ext(*out), ".png"):
			return flagErr("out", "%q: want a .png file name", *out)
		case *embOut != "" && !strings.EqualFold(filepath.Ext(*embOut), ".npy") && !strings.EqualFold(filepath.Ext(*embOut), ".csv"):
			return flagErr("embedding-out", "%q: want a .npy or .csv file name", *embOut)
		}
		cfg := tsne.Config{Perplexity: *perplexity, Theta: *theta, Exact: *exact, Iterations: *iterations,
			LearningRate: *lr, Init: *init, Seed: *seed, Workers: *workers}
		if err := tsneFlagCheck(cfg); err != nil {
			return err
		}
		p, err := dev.placement()
		if err != nil {
			return err
		}
		t := pipeline.TSNE{Data: *data, Test: *test, Features: *features, Labels: *labelsPath, Model: *model, Layer: *layer, Standardized: !*raw,
			N: cmp.Or(*n, -1), K: *k, Config: cfg, Out: *out, EmbeddingOut: *embOut, Title: *title, InputAccuracy: *inputAcc, LogSteps: *quiet, Placement: p}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		_, err = t.Run(ctx, hooks(*quiet))
		return err
	})
}

// tsneFlagCheck reports a bad t-SNE setting as a usage error naming its flag.
func tsneFlagCheck(c tsne.Config) error {
	for _, f := range []struct {
		name string
		bad  bool
		want string
	}{
		{"perplexity", !(c.Perplexity > 0), "a positive number"},
		{"theta", !(c.Theta > 0), "a positive number"},
		{"iterations", c.Iterations < 1, "a positive number"},
		{"lr", !(c.LearningRate >= 0), "a number ≥ 0 (0: auto)"},
		{"init", c.Init != "pca" && c.Init != "random", "pca or random"},
	} {
		if f.bad {
			return flagErr(f.name, "want %s", f.want)
		}
	}
	return nil
}
