package pipeline

import (
	"context"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// A Completer fills in the visible units a mask leaves missing: *rbm.RBM and *dbm.DBM.
type Completer interface {
	Complete(ctx context.Context, x rbm.Data, o rbm.CompleteOptions) (*rbm.Completion, error)
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
