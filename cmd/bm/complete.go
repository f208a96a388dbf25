package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/picture"
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
		o := rbm.CompleteOptions{MeanField: *meanField, Sweeps: *sweeps, BurnIn: *burnIn, Seed: *seed}
		return complete(*model, *data, *test, *n, *maskSpec, o, *out, *gridRows, *samples, *classifyRows, *classifyIter, *quiet, &dev)
	})
}

func complete(model, data string, test bool, n int, maskSpec string, o rbm.CompleteOptions, out string, gridRows, samples, classifyRows, classifyIter int, quiet bool, dev *device) error {
	dir := pipeline.ResolveModelDir(model)
	kind, err := pipeline.ModelKind(dir)
	if err != nil {
		return err
	}
	if std, err := pipeline.ModelStandardizer(dir); err != nil {
		return err
	} else if std != nil {
		return flagErr("model", "%s was trained on standardized data: bm complete takes models of raw pixels", model)
	}
	x, y, err := pipeline.ReadLabeledSet(data, test)
	if err != nil {
		return err
	}
	shape := []int{28, 28, 1}
	if pipeline.IsCIFAR(data) {
		shape = []int{32, 32, 3}
	}
	if shape[0]*shape[1]*shape[2] != x.Cols {
		return flagErr("data", "%s has %d columns: want %d×%d×%d images", data, x.Cols, shape[0], shape[1], shape[2])
	}
	if n > 0 && n < x.Rows {
		x, y = x.SliceRows(0, n), y[:n]
	}
	mask, err := pipeline.ParseMask(maskSpec, shape, x.Rows, uint64(o.Seed))
	if err != nil {
		return flagged("complete", err)
	}
	train, yTrain, err := pipeline.ReadLabeledSet(data, false)
	if err != nil {
		return err
	}
	var m pipeline.Completer
	var visible int
	switch kind {
	case "rbm":
		r, err := dev.loadRBM(dir)
		if err != nil {
			return err
		}
		defer r.Close()
		m, visible = r, r.Config().NumVisible
	default:
		d, err := dev.loadDBM(dir)
		if err != nil {
			return err
		}
		defer d.Close()
		m, visible = d, d.Config().Sizes[0]
	}
	if visible != x.Cols {
		return flagErr("model", "%s has %d visible units, the data %d columns", model, visible, x.Cols)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	o.Mask = mask
	resolved, _, err := o.Resolve(x.Rows, x.Cols)
	if err != nil {
		return err
	}
	total := resolved.Sweeps
	bar := newUnitProgress(quiet, 0, 1, total, "sweep", "completion")
	o.OnProgress = func(done, _ int) { bar.Batch(1, min(done, total), total) }
	start := time.Now()
	res, err := m.Complete(ctx, x, o)
	bar.Finish()
	if err != nil {
		return err
	}
	method := "Gibbs sampling"
	if o.MeanField {
		method = "mean field"
	}
	baseline := pipeline.ColumnMeans(train)
	mse, missing := pipeline.MissingError(x, mask, res.Means)
	if missing == 0 {
		return flagErr("mask", "%q gives every pixel: nothing to complete", maskSpec)
	}
	base, _ := pipeline.MissingError(x, mask, pipeline.Fill(x, mask, func(_, j int) float64 { return baseline[j] }))
	fmt.Printf("completed %d rows (%d missing pixels each on average) with a %s by %s, %d sweeps in %s\n",
		x.Rows, missing/x.Rows, strings.ToUpper(kind), method, res.Sweeps, time.Since(start).Round(time.Second/10))
	fmt.Printf("per-pixel squared error of the missing pixels: %.5f (baseline, the training set's pixel means: %.5f)\n", mse, base)
	if classifyRows > 0 {
		if err := readCompleted(train.SliceRows(0, min(classifyRows, train.Rows)), yTrain, x, y, mask, res, classifyIter, kind); err != nil {
			return err
		}
	}
	return completionGrid(ctx, m, x, mask, res, o, out, min(gridRows, x.Rows), samples, shape)
}

// readCompleted prints the test error of logistic regression trained on the whole images train
// when it reads the truth x, x blanked or filled with pixel means, and the completion res.
func readCompleted(train *dataset.Matrix[float32], yTrain []int, x *dataset.Matrix[float32], y []int, mask []bool, res *rbm.Completion, maxIter int, kind string) error {
	names := []string{kind + " completion (means)"}
	filled := []*dataset.Matrix[float64]{res.Means}
	if res.States != nil {
		names = append(names, kind+" completion (one Gibbs sample)")
		filled = append(filled, res.States)
	}
	log.Printf("training logistic regression on %d whole training images", train.Rows)
	r, err := pipeline.ClassifyCompleted(&classify.LogReg{MaxIter: maxIter, Classes: 10}, train, yTrain[:train.Rows], x, y, mask, names, filled)
	if err != nil {
		return err
	}
	fmt.Printf("test error of logistic regression (trained on %d whole training images) reading %d test images:\n", r.TrainRows, x.Rows)
	for i, name := range r.Names {
		fmt.Printf("  %-36s %6.2f%%\n", name, 100*r.Errors[i])
	}
	return nil
}

// completionGrid draws per row: the given pixels (missing ones grey), the completed means,
// samples Gibbs samples of the completion, the truth.
func completionGrid(ctx context.Context, m pipeline.Completer, x *dataset.Matrix[float32], mask []bool, res *rbm.Completion, o rbm.CompleteOptions, out string, rows, samples int, shape []int) error {
	nv := x.Cols
	var states *dataset.Matrix[float64]
	if samples > 0 {
		rep := dataset.NewMatrix[float32](rows*samples, nv)
		var repMask []bool
		for i := range rows {
			for s := range samples {
				copy(rep.Row(i*samples+s), x.Row(i))
				if len(mask) > nv {
					repMask = append(repMask, mask[i*nv:(i+1)*nv]...)
				}
			}
		}
		so := o
		so.MeanField, so.OnProgress, so.Sweeps, so.BurnIn = false, nil, max(o.Sweeps, 100), 0
		if len(mask) > nv {
			so.Mask = repMask
		}
		r, err := m.Complete(ctx, rep, so)
		if err != nil {
			return err
		}
		states = r.States
	}
	cols := 3 + samples
	tiles := make([]float64, 0, rows*cols*nv)
	for i := range rows {
		for j, v := range x.Row(i) {
			if mask[(i*nv+j)%len(mask)] {
				tiles = append(tiles, float64(v))
			} else {
				tiles = append(tiles, 0.5)
			}
		}
		tiles = append(tiles, res.Means.Row(i)...)
		for s := range samples {
			tiles = append(tiles, states.Row(i*samples+s)...)
		}
		for _, v := range x.Row(i) {
			tiles = append(tiles, float64(v))
		}
	}
	img, err := picture.Tiles(tiles, rows*cols, shape[0], shape[1], shape[2], cols, false)
	if err != nil {
		return err
	}
	if err := picture.SavePNG(out, picture.Scale(img, 3)); err != nil {
		return err
	}
	log.Printf("wrote %s: per row the given pixels, the completed means, %d samples, the truth", out, samples)
	return nil
}
