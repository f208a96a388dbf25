package main

import (
	"context"
	"fmt"
	"image/color"
	"image/png"
	"log"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
)

func cmdComplete(args []string) int {
	fs := newFlagSet("complete", "bm complete -model DIR -data PATH -mask top|bottom|left|right|random:P|FILE.png -out grid.png [flags]")
	model := fs.String("model", "runs/rbm_mnist/model", "RBM model folder (or run folder holding model/)")
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
		case !strings.EqualFold(filepath.Ext(*out), ".png"):
			return flagErr("out", "%q: want a .png file name", *out)
		}
		o := rbm.CompleteOptions{MeanField: *meanField, Sweeps: *sweeps, BurnIn: *burnIn, Seed: *seed}
		return complete(*model, *data, *test, *n, *maskSpec, o, *out, *gridRows, *samples, *quiet, &dev)
	})
}

func complete(model, data string, test bool, n int, maskSpec string, o rbm.CompleteOptions, out string, gridRows, samples int, quiet bool, dev *device) error {
	dir := pipeline.ResolveModelDir(model)
	kind, err := pipeline.ModelKind(dir)
	if err != nil {
		return err
	}
	if kind != "rbm" {
		return flagErr("model", "%s holds a %s: bm complete completes with RBMs", model, kind)
	}
	if std, err := pipeline.ModelStandardizer(dir); err != nil {
		return err
	} else if std != nil {
		return flagErr("model", "%s was trained on standardized data: bm complete takes models of raw pixels", model)
	}
	x, _, err := pipeline.ReadLabeledSet(data, test)
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
		x = x.SliceRows(0, n)
	}
	mask, err := parseMask(maskSpec, shape, x.Rows, uint64(o.Seed))
	if err != nil {
		return err
	}
	train, _, err := pipeline.ReadLabeledSet(data, false)
	if err != nil {
		return err
	}
	baseline := make([]float64, x.Cols)
	for i := range train.Rows {
		for j, v := range train.Row(i) {
			baseline[j] += float64(v) / float64(train.Rows)
		}
	}
	p, err := dev.placement()
	if err != nil {
		return err
	}
	m, err := p.LoadRBM(dir)
	if err != nil {
		return err
	}
	defer m.Close()
	if m.Config().NumVisible != x.Cols {
		return flagErr("model", "%s has %d visible units, the data %d columns", model, m.Config().NumVisible, x.Cols)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	o.Mask = mask
	total := o.Sweeps
	if total == 0 {
		total = 1000
		if o.MeanField {
			total = 200
		}
	}
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
	var errSum, baseSum float64
	missing := 0
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			if mask[(i*x.Cols+j)%len(mask)] {
				continue
			}
			d, b := res.Means.Row(i)[j]-float64(v), baseline[j]-float64(v)
			errSum += d * d
			baseSum += b * b
			missing++
		}
	}
	if missing == 0 {
		return flagErr("mask", "%q gives every pixel: nothing to complete", maskSpec)
	}
	fmt.Printf("completed %d rows (%d missing pixels each on average) by %s, %d sweeps in %s\n",
		x.Rows, missing/x.Rows, method, res.Sweeps, time.Since(start).Round(time.Second/10))
	fmt.Printf("per-pixel squared error of the missing pixels: %.5f (baseline, the training set's pixel means: %.5f)\n",
		errSum/float64(missing), baseSum/float64(missing))
	return completionGrid(ctx, m, x, mask, res, o, out, min(gridRows, x.Rows), samples, shape)
}

// parseMask returns the mask of the given units for rows rows of images of shape h, w, c: one
// row's mask, or rows·h·w·c entries for random:P.
func parseMask(spec string, shape []int, rows int, seed uint64) ([]bool, error) {
	h, w, c := shape[0], shape[1], shape[2]
	mask := make([]bool, h*w*c)
	set := func(given func(r, col int) bool) {
		for ch := range c {
			for r := range h {
				for col := range w {
					mask[ch*h*w+r*w+col] = given(r, col)
				}
			}
		}
	}
	switch {
	case spec == "top":
		set(func(r, _ int) bool { return r < h/2 })
	case spec == "bottom":
		set(func(r, _ int) bool { return r >= h/2 })
	case spec == "left":
		set(func(_, col int) bool { return col < w/2 })
	case spec == "right":
		set(func(_, col int) bool { return col >= w/2 })
	case strings.HasPrefix(spec, "random:"):
		p, err := strconv.ParseFloat(strings.TrimPrefix(spec, "random:"), 64)
		if err != nil || !(p >= 0 && p < 1) {
			return nil, flagErr("mask", "%q: want random:P with 0 ≤ P < 1", spec)
		}
		r := rand.New(rand.NewPCG(seed, 0x6d61736b)) // "mask"
		mask = make([]bool, rows*h*w*c)
		for i := range mask {
			mask[i] = r.Float64() < p
		}
	case strings.EqualFold(filepath.Ext(spec), ".png"):
		f, err := os.Open(spec)
		if err != nil {
			return nil, flagErr("mask", "%v", err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			return nil, flagErr("mask", "%s: %v", spec, err)
		}
		b := img.Bounds()
		if b.Dx() != w || b.Dy() != h {
			return nil, flagErr("mask", "%s is %d×%d pixels, the images %d×%d", spec, b.Dx(), b.Dy(), w, h)
		}
		set(func(r, col int) bool {
			g := color.GrayModel.Convert(img.At(b.Min.X+col, b.Min.Y+r)).(color.Gray)
			return g.Y > 127
		})
	default:
		return nil, flagErr("mask", "%q: want top, bottom, left, right, random:P or a .png file", spec)
	}
	return mask, nil
}

// completionGrid draws per row: the given pixels (missing ones grey), the completed means,
// samples Gibbs samples of the completion, the truth.
func completionGrid(ctx context.Context, m *rbm.RBM, x *dataset.Matrix[float32], mask []bool, res *rbm.Completion, o rbm.CompleteOptions, out string, rows, samples int, shape []int) error {
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
