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

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// A Completer fills in the visible units a mask leaves missing: *rbm.RBM and *dbm.DBM.
type Completer interface {
	Complete(ctx context.Context, x rbm.Data, o rbm.CompleteOptions) (*rbm.Completion, error)
}

// Complete fills in the missing pixels of images with a trained RBM or DBM (bm complete): the
// rows of an MNIST or CIFAR-10 folder, some pixels given by a mask, the others completed by
// Gibbs sampling or mean field; it reports the per-pixel squared error of the missing pixels
// against a baseline (the training set's pixel means), optionally the test error of a
// classifier reading the completions (Classify), and draws a grid of completions. The zero
// value of every field is its documented default.
type Complete struct {
	// Model is the RBM's or DBM's model folder (or a run folder holding model/).
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
	// Classify, when positive, also trains logistic regression on the first Classify whole
	// training images and reports its test error on the truth, the blanked, the
	// pixel-mean-filled and the completed images (ClassifyCompleted). Zero means no classifier.
	Classify int
	// ClassifyMaxIter is the logistic regression's most L-BFGS iterations. Zero means 200.
	ClassifyMaxIter int
	// Placement says where the model runs.
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
	// Reading is the classifier's table (Classify), or nil.
	Reading *ReadingCompleted
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
	if kind != "rbm" && kind != "dbm" {
		return nil, fieldErr("Model", "%s holds a %s: bm complete completes with RBMs and DBMs", s.Model, kind)
	}
	if s.Classify < 0 {
		return nil, fieldErr("Classify", "%d, want ≥ 0 (0: no classifier)", s.Classify)
	}
	if s.ClassifyMaxIter < 0 {
		return nil, fieldErr("ClassifyMaxIter", "%d, want ≥ 1 (0: 200)", s.ClassifyMaxIter)
	}
	if std, err := ModelStandardizer(dir); err != nil {
		return nil, err
	} else if std != nil {
		return nil, fieldErr("Model", "%s was trained on standardized data: bm complete takes models of raw pixels", s.Model)
	}
	x, y, err := ReadLabeledSet(data, !s.Train)
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
		x, y = x.SliceRows(0, s.N), y[:s.N]
	}
	given, err := ParseMask(mask, shape, x.Rows, uint64(o.Seed))
	if err != nil {
		return nil, err
	}
	train, yTrain, err := ReadLabeledSet(data, false)
	if err != nil {
		return nil, err
	}
	var m Completer
	var visible int
	if kind == "rbm" {
		r, err := s.Placement.LoadRBM(dir)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		m, visible = r, r.Config().NumVisible
	} else {
		d, err := s.Placement.LoadDBM(dir)
		if err != nil {
			return nil, err
		}
		defer d.Close()
		m, visible = d, d.Config().Sizes[0]
	}
	if visible != x.Cols {
		return nil, fieldErr("Model", "%s has %d visible units, the data %d columns", s.Model, visible, x.Cols)
	}
	o.Mask = given
	resolved, _, err := o.Resolve(x.Rows, x.Cols)
	if err != nil {
		return nil, err
	}
	total := resolved.Sweeps
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
	baseline := ColumnMeans(train)
	mse, missing := MissingError(x, given, res.Means)
	if missing == 0 {
		return nil, fieldErr("Mask", "%q gives every pixel: nothing to complete", mask)
	}
	base, _ := MissingError(x, given, Fill(x, given, func(_, j int) float64 { return baseline[j] }))
	r := &CompleteResult{Rows: x.Rows, Missing: missing, Sweeps: res.Sweeps, Error: mse, Baseline: base}
	h.output(fmt.Sprintf("completed %d rows (%d missing pixels each on average) with a %s by %s, %d sweeps in %s\n",
		x.Rows, missing/x.Rows, strings.ToUpper(kind), method, res.Sweeps, time.Since(start).Round(time.Second/10)))
	h.output(fmt.Sprintf("per-pixel squared error of the missing pixels: %.5f (baseline, the training set's pixel means: %.5f)\n", r.Error, r.Baseline))
	if s.Classify > 0 {
		train = train.SliceRows(0, min(s.Classify, train.Rows))
		names := []string{kind + " completion (means)"}
		filled := []*dataset.Matrix[float64]{res.Means}
		if res.States != nil {
			names = append(names, kind+" completion (one Gibbs sample)")
			filled = append(filled, res.States)
		}
		h.logf("training logistic regression on %d whole training images", train.Rows)
		clf := &classify.LogReg{MaxIter: cmp.Or(s.ClassifyMaxIter, 200), Classes: 10}
		if r.Reading, err = ClassifyCompleted(clf, train, yTrain[:train.Rows], x, y, given, names, filled); err != nil {
			return nil, err
		}
		h.output(fmt.Sprintf("test error of logistic regression (trained on %d whole training images) reading %d test images:\n", r.Reading.TrainRows, x.Rows))
		for i, name := range r.Reading.Names {
			h.output(fmt.Sprintf("  %-36s %6.2f%%\n", name, 100*r.Reading.Errors[i]))
		}
	}
	return r, completionGrid(ctx, m, x, given, res, o, out, min(gridRows, x.Rows), samples, shape, h)
}

// ParseMask returns the given units of images of shape (height, width, channels), channels
// outermost as in the data sets' rows, from a spec: "top", "bottom", "left" or "right" (that
// half of every image given), "random:P" (each unit of each of rows rows given with
// probability P, drawn with seed: rows·h·w·c entries), or the name of a PNG of the images' size
// whose pixels brighter than 50 % are given. A bad spec is a *FieldError of field Mask.
func ParseMask(spec string, shape []int, rows int, seed uint64) ([]bool, error) {
	if len(shape) != 3 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1 {
		return nil, fieldErr("ImageShape", "%v, want height, width, channels ≥ 1", shape)
	}
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

// ColumnMeans returns the mean of each column of x: the pixel means of a training set, the
// baseline completion.
func ColumnMeans(x *dataset.Matrix[float32]) []float64 {
	out := make([]float64, x.Cols)
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			out[j] += float64(v)
		}
	}
	for j := range out {
		out[j] /= float64(x.Rows)
	}
	return out
}

// Fill returns the rows of x with the units mask marks as given kept and the others set to
// fill(i, j) for row i and column j; mask holds one row's entries or x.Rows·x.Cols of them.
func Fill(x *dataset.Matrix[float32], mask []bool, fill func(i, j int) float64) *dataset.Matrix[float64] {
	out := dataset.NewMatrix[float64](x.Rows, x.Cols)
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			if mask[(i*x.Cols+j)%len(mask)] {
				out.Row(i)[j] = float64(v)
			} else {
				out.Row(i)[j] = fill(i, j)
			}
		}
	}
	return out
}

// MissingError returns the mean squared difference between got and the truth x over the units
// mask does not mark as given (mask: one row's entries or x.Rows·x.Cols of them), and how many
// units that is (0, with a NaN error, when every unit is given).
func MissingError(x *dataset.Matrix[float32], mask []bool, got *dataset.Matrix[float64]) (mse float64, missing int) {
	var sum float64
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			if mask[(i*x.Cols+j)%len(mask)] {
				continue
			}
			d := got.Row(i)[j] - float64(v)
			sum += d * d
			missing++
		}
	}
	return sum / float64(missing), missing
}

// ReadingCompleted are the test error rates of a classifier trained on whole images when it
// reads images completed in different ways (see ClassifyCompleted).
type ReadingCompleted struct {
	// Names and Errors are parallel: "truth", "blank", "pixel means", then the names given to
	// ClassifyCompleted.
	Names  []string
	Errors []float64
	// TrainRows is the number of whole training images the classifier was trained on.
	TrainRows int
}

// ClassifyCompleted fits clf on the whole training images train (labels yTrain) and returns its
// error rate on the test images x (labels y) as they are ("truth"), with the units mask leaves
// missing set to 0 ("blank"), set to the pixel means of train ("pixel means"), and as each of
// the completions filled (named by names, parallel to filled).
func ClassifyCompleted(clf classify.Classifier, train *dataset.Matrix[float32], yTrain []int, x *dataset.Matrix[float32], y []int, mask []bool, names []string, filled []*dataset.Matrix[float64]) (*ReadingCompleted, error) {
	if len(names) != len(filled) {
		return nil, fieldErr("Names", "%d names for %d completions", len(names), len(filled))
	}
	if err := clf.Fit(dataset.Convert[float64](train), yTrain); err != nil {
		return nil, err
	}
	means := ColumnMeans(train)
	res := &ReadingCompleted{TrainRows: train.Rows}
	sets := append([]*dataset.Matrix[float64]{
		dataset.Convert[float64](x),
		Fill(x, mask, func(int, int) float64 { return 0 }),
		Fill(x, mask, func(_, j int) float64 { return means[j] }),
	}, filled...)
	res.Names = append([]string{"truth", "blank", "pixel means"}, names...)
	for _, s := range sets {
		pred, err := clf.Predict(s)
		if err != nil {
			return nil, err
		}
		e, err := classify.ErrorRate(pred, y)
		if err != nil {
			return nil, err
		}
		res.Errors = append(res.Errors, e)
	}
	return res, nil
}

// completionGrid draws per row: the given pixels (missing ones grey), the completed means,
// samples Gibbs samples of the completion, the truth.
func completionGrid(ctx context.Context, m Completer, x *dataset.Matrix[float32], mask []bool, res *rbm.Completion, o rbm.CompleteOptions, out string, rows, samples int, shape []int, h Hooks) error {
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
