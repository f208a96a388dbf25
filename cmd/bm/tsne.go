package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/picture"
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
		x, labels, what, err := tsneInput(*data, *test, *features, *labelsPath, *model, *layer, *raw, *quiet, &dev)
		if err != nil {
			return err
		}
		return runTSNE(x, labels, what, *n, *k, cfg, *out, *embOut, *title, *quiet, *inputAcc)
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

// tsneInput returns the rows to embed, their labels (nil if there are none) and a short name
// of what they are.
func tsneInput(data string, test bool, features, labelsPath, model, layer string, raw, quiet bool, dev *device) (*dataset.Matrix[float32], []int, string, error) {
	var (
		x      *dataset.Matrix[float32]
		labels []int
		what   = "pixels"
		err    error
	)
	if features != "" {
		if x, _, err = pipeline.ReadData(features, logHooks()); err != nil {
			return nil, nil, "", err
		}
		what = filepath.Base(features)
		if labelsPath == "" {
			if st, err := os.Stat(data); err == nil && st.IsDir() {
				if _, labels, err = pipeline.ReadLabeledSet(data, test); err != nil {
					return nil, nil, "", err
				}
			}
		}
	} else if x, labels, err = readSet(data, test); err != nil {
		return nil, nil, "", err
	}
	if labelsPath != "" {
		if labels, err = dataset.ReadNPYLabels(labelsPath); err != nil {
			return nil, nil, "", err
		}
	}
	if labels != nil && len(labels) != x.Rows {
		return nil, nil, "", flagErr("labels", "%d labels for %d rows", len(labels), x.Rows)
	}
	if model != "" {
		if layer != "top" && layer != "all" {
			if v, err := strconv.Atoi(layer); err != nil || v < 1 {
				return nil, nil, "", flagErr("layer", "%q, want top, all or a hidden layer number ≥ 1", layer)
			}
		}
		s, err := dev.features(layer)
		if err != nil {
			return nil, nil, "", err
		}
		s.Standardized = !raw
		f, err := s.Open(model, logHooks())
		if err != nil {
			return nil, nil, "", err
		}
		defer f.Close()
		bar := newUnitProgress(quiet, 0, 1, x.Rows, "row", "features")
		h, err := f.Transform(x, func(done, _ int) { bar.Batch(1, done, x.Rows) })
		bar.Finish()
		if err != nil {
			return nil, nil, "", err
		}
		x, what = h, strings.ToUpper(f.Kind())+" features"
		if f.Kind() == "dbm" {
			what = fmt.Sprintf("DBM features (layer %s)", layer)
		}
	}
	return x, labels, what, nil
}

// runTSNE embeds the first n rows of x (all for n = 0), draws them coloured by label (one colour
// without labels), reports the leave-one-out k-NN accuracy in the plane and writes the chart
// (and the embedding when embOut is set).
func runTSNE(x *dataset.Matrix[float32], labels []int, what string, n, k int, cfg tsne.Config, out, embOut, title string, quiet, inputAcc bool) error {
	if n > 0 && n < x.Rows {
		x = x.SliceRows(0, n)
		if labels != nil {
			labels = labels[:n]
		}
	}
	if cfg.Perplexity >= float64(x.Rows) {
		return flagErr("perplexity", "%g, want less than the %d rows", cfg.Perplexity, x.Rows)
	}
	if labels != nil && k >= x.Rows {
		return flagErr("k", "%d, want less than the %d rows", k, x.Rows)
	}
	for _, l := range labels {
		if l < 0 || l > 1000 {
			return flagErr("labels", "label %d, want 0..1000", l)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bar := newUnitProgress(quiet, 0, 1, cfg.Iterations, "step", "t-SNE")
	start := time.Now()
	cfg.OnIteration = func(p tsne.Progress) error {
		if p.Iteration == 1 && quiet {
			log.Printf("affinities and start in %s", time.Since(start).Round(time.Second/10))
		}
		bar.Batch(1, p.Iteration, p.Iterations)
		if p.Iteration%250 == 0 && quiet {
			log.Printf("step %d/%d: KL %.4f", p.Iteration, p.Iterations, p.KL)
		}
		return nil
	}
	log.Printf("embedding %d rows of %d %s (perplexity %g, %s)", x.Rows, x.Cols, what, cfg.Perplexity, method(cfg))
	res, err := tsne.Embed(ctx, dataset.Convert[float64](x), cfg)
	bar.Finish()
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	line := fmt.Sprintf("t-SNE of %d×%d %s: KL %.4f after %d steps in %s", x.Rows, x.Cols, what, res.KL, res.Iterations, elapsed.Round(time.Second/10))
	if title == "" {
		title = fmt.Sprintf("t-SNE of %d %s", x.Rows, what)
	}
	if labels != nil {
		acc, err := tsne.NeighborAccuracy(res.Y, labels, k, cfg.Workers)
		if err != nil {
			return err
		}
		line += fmt.Sprintf("; leave-one-out %d-NN accuracy in the plane %.4f", k, acc)
		title += fmt.Sprintf(" (%d-NN accuracy %.1f %%)", k, 100*acc)
	}
	fmt.Println(line)
	if labels != nil && inputAcc {
		acc, err := tsne.NeighborAccuracy(dataset.Convert[float64](x), labels, k, cfg.Workers)
		if err != nil {
			return err
		}
		fmt.Printf("leave-one-out %d-NN accuracy in the %d-dimensional %s: %.4f\n", k, x.Cols, what, acc)
	}
	xs, ys := make([]float64, res.Y.Rows), make([]float64, res.Y.Rows)
	for i := range xs {
		xs[i], ys[i] = res.Y.Data[2*i], res.Y.Data[2*i+1]
	}
	plotLabels, names := labels, []string{what}
	if labels == nil {
		plotLabels = make([]int, len(xs))
	} else {
		classes := 0
		for _, l := range labels {
			classes = max(classes, l+1)
		}
		names = make([]string, classes)
		for c := range names {
			names[c] = strconv.Itoa(c)
		}
	}
	if err := picture.Scatter(out, title, xs, ys, plotLabels, names, 0); err != nil {
		return err
	}
	log.Printf("wrote %s", out)
	if embOut != "" {
		if err := writeMatrix(embOut, dataset.Convert[float32](res.Y)); err != nil {
			return err
		}
		log.Printf("wrote the %d×2 embedding to %s", res.Y.Rows, embOut)
	}
	return nil
}

// method names the t-SNE method of cfg.
func method(cfg tsne.Config) string {
	if cfg.Exact {
		return "exact"
	}
	return fmt.Sprintf("Barnes-Hut θ %g", cfg.Theta)
}
