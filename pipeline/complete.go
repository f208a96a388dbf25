package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// Complete fills in the missing pixels of images with a trained RBM (bm complete): the rows of
// an MNIST or CIFAR-10 folder, some pixels given by a mask, the others completed by Gibbs
// sampling or mean field; it reports the per-pixel squared error of the missing pixels against
// a baseline (the training set's pixel means) and draws a grid of completions. The zero value
// of every field is its documented default.
type Complete struct {
	// Model is the RBM's model folder (or a run folder holding model/).
	Model string
	// Data is an MNIST or CIFAR-10 folder. Empty means "data/mnist".
	Data string
	// Train completes the folder's training set instead of its test set.
	Train bool
	// N completes the first N rows. Zero means all of them.
	N int
	// Mask says which pixels are given: "top" (also ""), "bottom", "left" or "right" half,
	// "random:P" (each pixel given with probability P, per row) or a PNG file of the image's
	// size (pixels brighter than 50 % are given).
	Mask string
	// Options are the completion's (its Mask and OnProgress are set by Run).
	Options rbm.CompleteOptions
	// Out is the grid PNG. Empty means "completion.png".
	Out string
	// GridRows is the number of rows drawn. Zero means 10.
	GridRows int
	// Samples is the number of Gibbs samples per grid row. Zero means 3; negative means none.
	Samples int
	// Placement says where the RBM runs.
	Placement Placement
}

// CompleteResult is what a completion measured.
type CompleteResult struct {
	// Rows are the rows completed, Missing the missing pixels of all of them, Sweeps the
	// sweeps run.
	Rows, Missing, Sweeps int
	// Error and Baseline are the mean squared errors per missing pixel of the completion and
	// of the training set's pixel means.
	Error, Baseline float64
}

// Run completes the rows; a bad setting is a *FieldError. The result's lines go to h.Output.
func (s Complete) Run(ctx context.Context, h Hooks) (*CompleteResult, error) {
	data, mask, out := cmp.Or(s.Data, "data/mnist"), cmp.Or(s.Mask, "top"), cmp.Or(s.Out, "completion.png")
	gridRows, samples := cmp.Or(s.GridRows, 10), neg(s.Samples, 3)
	o := s.Options
	dir := ResolveModelDir(s.Model)
	kind, err := ModelKind(dir)
	if err != nil {
		return nil, err
	}
	if kind != "rbm" {
		return nil, fieldErr("Model", "%s holds a %s: bm complete completes with RBMs", s.Model, kind)
	}
	if std, err := ModelStandardizer(dir); err != nil {
		return nil, err
	} else if std != nil {
		return nil, fieldErr("Model", "%s was trained on standardized data: bm complete takes models of raw pixels", s.Model)
	}
	x, _, err := ReadLabeledSet(data, !s.Train)
	if err != nil {
		return nil, err
	}
	shape := []int{28, 28, 1}
	if IsCIFAR(data) {
		shape = []int{32, 32, 3}
	}
	if shape[0]*shape[1]*shape[2] != x.Cols {
		return nil, fieldErr("Data", "%s has %d columns: want %d×%d×%d images", data, x.Cols, shape[0], shape[1], shape[2])
	}
	if s.N > 0 && s.N < x.Rows {
		x = x.SliceRows(0, s.N)
	}
	given, err := parseMask(mask, shape, x.Rows, uint64(o.Seed))
	if err != nil {
		return nil, err
	}
	train, _, err := ReadLabeledSet(data, false)
	if err != nil {
		return nil, err
	}
	baseline := make([]float64, x.Cols)
	for i := range train.Rows {
		for j, v := range train.Row(i) {
			baseline[j] += float64(v) / float64(train.Rows)
		}
	}
	m, err := s.Placement.LoadRBM(dir)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	if m.Config().NumVisible != x.Cols {
		return nil, fieldErr("Model", "%s has %d visible units, the data %d columns", s.Model, m.Config().NumVisible, x.Cols)
	}
	o.Mask = given
	total := o.Sweeps
	if total == 0 {
		total = 1000
		if o.MeanField {
			total = 200
		}
	}
	bar := h.start(Run{Epochs: 1, PerEpoch: total, Unit: "sweep", Desc: "completion"})
	o.OnProgress = func(done, _ int) { bar.Batch(1, min(done, total), total) }
	start := time.Now()
	res, err := m.Complete(ctx, x, o)
	bar.Finish()
	if err != nil {
		return nil, err
	}
	method := "Gibbs sampling"
	if o.MeanField {
		method = "mean field"
	}
	var errSum, baseSum float64
	missing := 0
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			if given[(i*x.Cols+j)%len(given)] {
				continue
			}
			d, b := res.Means.Row(i)[j]-float64(v), baseline[j]-float64(v)
			errSum += d * d
			baseSum += b * b
			missing++
		}
	}
	if missing == 0 {
		return nil, fieldErr("Mask", "%q gives every pixel: nothing to complete", mask)
	}
	r := &CompleteResult{Rows: x.Rows, Missing: missing, Sweeps: res.Sweeps, Error: errSum / float64(missing), Baseline: baseSum / float64(missing)}
	h.output(fmt.Sprintf("completed %d rows (%d missing pixels each on average) by %s, %d sweeps in %s\n",
		x.Rows, missing/x.Rows, method, res.Sweeps, time.Since(start).Round(time.Second/10)))
	h.output(fmt.Sprintf("per-pixel squared error of the missing pixels: %.5f (baseline, the training set's pixel means: %.5f)\n", r.Error, r.Baseline))
	return r, completionGrid(ctx, m, x, given, res, o, out, min(gridRows, x.Rows), samples, shape, h)
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
			return nil, fieldErr("Mask", "%q: want random:P with 0 ≤ P < 1", spec)
		}
		r := rand.New(rand.NewPCG(seed, 0x6d61736b)) // "mask"
		mask = make([]bool, rows*h*w*c)
		for i := range mask {
			mask[i] = r.Float64() < p
		}
	case strings.EqualFold(filepath.Ext(spec), ".png"):
		f, err := os.Open(spec)
		if err != nil {
			return nil, fieldErr("Mask", "%v", err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			return nil, fieldErr("Mask", "%s: %v", spec, err)
		}
		b := img.Bounds()
		if b.Dx() != w || b.Dy() != h {
			return nil, fieldErr("Mask", "%s is %d×%d pixels, the images %d×%d", spec, b.Dx(), b.Dy(), w, h)
		}
		set(func(r, col int) bool {
			g := color.GrayModel.Convert(img.At(b.Min.X+col, b.Min.Y+r)).(color.Gray)
			return g.Y > 127
		})
	default:
		return nil, fieldErr("Mask", "%q: want top, bottom, left, right, random:P or a .png file", spec)
	}
	return mask, nil
}

// completionGrid draws per row: the given pixels (missing ones grey), the completed means,
// samples Gibbs samples of the completion, the truth.
func completionGrid(ctx context.Context, m *rbm.RBM, x *dataset.Matrix[float32], mask []bool, res *rbm.Completion, o rbm.CompleteOptions, out string, rows, samples int, shape []int, h Hooks) error {
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
	h.logf("wrote %s: per row the given pixels, the completed means, %d samples, the truth", out, samples)
	return nil
}
