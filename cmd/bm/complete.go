package main

import (
	"cmp"
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
)

func cmdComplete(args []string) int {
	fs := newFlagSet("complete", "bm complete -model DIR -data PATH -mask top|bottom|left|right|random:P|FILE.png -out grid.png [flags]")
	model := fs.String("model", "runs/rbm_mnist/model", "RBM or DBM model folder (or run folder holding model/)")
	data := fs.String("data", "data/mnist", "an MNIST or CIFAR-10 folder (its training set's pixel means are the baseline)")
	test := fs.Bool("test", true, "complete the test set of the folder (false: its training set)")
	n := fs.Int("n", 1000, "complete the first n rows (0: all)")
	maskSpec := fs.String("mask", "top", "the given pixels: top, bottom, left or right half, random:P (each pixel given with probability P, per row), or a PNG of the image's size (pixels brighter than 50 % are given)")
	meanField := fs.Bool("mean-field", false, "mean-field completion (the fixed point of the missing pixels' means) instead of Gibbs sampling")
	sweeps := fs.Int("sweeps", 0, "Gibbs sweeps (0: 1000) or most mean-field iterations (0: 200)")
	burnIn := fs.Int("burn-in", 0, "Gibbs sweeps not averaged into the means (0: a tenth of -sweeps)")
	seed := fs.Int64("seed", 1, "seed of the chains and of a random mask")
	out := fs.String("out", "completion.png", "the grid PNG: per row the given pixels (missing ones grey), the completed means, -samples Gibbs samples, the truth")
	gridRows := fs.Int("grid", 10, "rows of the grid (the first rows completed)")
	samples := fs.Int("samples", 3, "Gibbs samples per grid row (0: none)")
	classifyRows := fs.Int("classify", 0, "also train logistic regression on the first N whole training images and report its test error on the truth, the blanked, the pixel-mean-filled and the completed images (0: no)")
	classifyIter := fs.Int("classify-max-iter", 200, "logistic regression (-classify): maximum L-BFGS iterations")
	quiet := fs.Bool("quiet", false, "no progress bar")
	var dev device
	dev.register(fs, "nothing is split")
	return command("complete", fs, args, func() error {
		if err := dev.check(); err != nil {
			return err
		}
		switch {
		case *n < 0:
			return flagErr("n", "%d, want ≥ 0 (0: all rows)", *n)
		case *sweeps < 0:
			return flagErr("sweeps", "%d, want ≥ 0", *sweeps)
		case *burnIn < 0:
			return flagErr("burn-in", "%d, want ≥ 0", *burnIn)
		case *gridRows < 1:
			return flagErr("grid", "%d, want ≥ 1", *gridRows)
		case *samples < 0:
			return flagErr("samples", "%d, want ≥ 0", *samples)
		case *classifyRows < 0:
			return flagErr("classify", "%d, want ≥ 0 (0: no classifier)", *classifyRows)
		case *classifyIter < 1:
			return flagErr("classify-max-iter", "%d, want ≥ 1", *classifyIter)
		case !strings.EqualFold(filepath.Ext(*out), ".png"):
			return flagErr("out", "%q: want a .png file name", *out)
		}
		p, err := dev.placement()
		if err != nil {
			return err
		}
		s := pipeline.Complete{Model: *model, Data: *data, Train: !*test, N: *n, Mask: *maskSpec, Out: *out, GridRows: *gridRows,
			Samples: cmp.Or(*samples, -1), Classify: *classifyRows, ClassifyMaxIter: *classifyIter, Placement: p, Options: rbm.CompleteOptions{MeanField: *meanField, Sweeps: *sweeps, BurnIn: *burnIn, Seed: *seed}}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		_, err = s.Run(ctx, hooks(*quiet))
		return err
	})
}
